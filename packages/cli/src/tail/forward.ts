/**
 * `listen`'s forwarding: each event POSTed to the local server exactly as a relay target gets
 * it: the body a JSON array holding the normalized event, signed per Standard Webhooks with
 * the listen secret (webhook-id is the event id), so the same verification code works locally
 * and in production.
 */
import { signatureHeader } from "@bw-relay/schema";
import type { EventDetail } from "../api-types.ts";
import { describeNetworkError, USER_AGENT } from "../client.ts";

export interface ForwardResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface ForwardOptions {
  url: string;
  secret: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export async function forward(event: EventDetail, options: ForwardOptions): Promise<ForwardResult> {
  const payload = JSON.stringify([event.normalized]);
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = await signatureHeader({
    id: event.id,
    timestamp,
    payload,
    secrets: [options.secret],
  });
  const headers: Record<string, string> = {
    ...options.headers,
    "content-type": "application/json",
    "user-agent": `${USER_AGENT} (listen)`,
    "webhook-id": event.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
    "bw-relay-attempt": "1",
  };
  if (event.traceparent) headers.traceparent = event.traceparent;
  const started = performance.now();
  try {
    const res = await fetch(options.url, {
      method: "POST",
      headers,
      body: payload,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: "manual",
    });
    const text = await res.text().catch(() => "");
    return {
      statusCode: res.status,
      durationMs: Math.round(performance.now() - started),
      error: null,
      responseExcerpt: text ? text.slice(0, 512) : null,
    };
  } catch (err) {
    return {
      statusCode: null,
      durationMs: Math.round(performance.now() - started),
      error: describeNetworkError(err),
      responseExcerpt: null,
    };
  }
}
