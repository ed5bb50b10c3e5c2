import { signatureHeader } from "@bw-relay/schema";
import { errorMessage } from "../describe-error.ts";
import { readUpTo } from "../http/read-limited.ts";
import type { DeliveryTarget } from "../targets/model.ts";
import { USER_AGENT } from "../version.ts";

/** What one HTTP attempt came to; `statusCode` null on a network error or timeout. */
export interface AttemptResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  retryAfter: string | null;
}

const EXCERPT_BYTES = 512;

/**
 * Sends one event to one target: the contract's Standard Webhooks-signed POST with a JSON
 * array holding the one normalized event. Never throws; redirects are not followed (a 3xx
 * is an answer like any other non-2xx).
 */
export async function sendDelivery(input: {
  target: DeliveryTarget;
  eventId: string;
  normalizedJson: string;
  attempt: number;
  /** W3C trace context of the event, so the target's logs join the relay's. */
  traceparent?: string | null;
  now?: number;
}): Promise<AttemptResult> {
  const { target, eventId, normalizedJson, attempt } = input;
  const body = `[${normalizedJson}]`;
  const timestamp = Math.floor((input.now ?? Date.now()) / 1000);
  const signature = await signatureHeader({
    id: eventId,
    timestamp,
    payload: body,
    secrets: target.secrets,
  });
  const headers = new Headers(target.headers);
  headers.set("content-type", "application/json");
  headers.set("user-agent", USER_AGENT);
  headers.set("webhook-id", eventId);
  headers.set("webhook-timestamp", String(timestamp));
  headers.set("webhook-signature", signature);
  headers.set("bw-relay-attempt", String(attempt));
  if (input.traceparent) headers.set("traceparent", input.traceparent);

  const started = performance.now();
  const signal = AbortSignal.timeout(target.timeoutMs);
  try {
    const response = await fetch(target.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal,
    });
    const responseExcerpt = await readExcerpt(response);
    return {
      statusCode: response.status,
      durationMs: Math.round(performance.now() - started),
      error: response.ok ? null : `HTTP ${response.status}`,
      responseExcerpt,
      retryAfter: response.headers.get("retry-after"),
    };
  } catch (err) {
    const timedOut = signal.aborted;
    return {
      statusCode: null,
      durationMs: Math.round(performance.now() - started),
      error: timedOut
        ? `timeout after ${target.timeoutMs} ms`
        : `network error: ${errorMessage(err)}`,
      responseExcerpt: null,
      retryAfter: null,
    };
  }
}

/** The first bytes of a response body, for the attempt log; the rest is discarded unread. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  // A body that breaks off mid-way still leaves the status, which is what counts.
  const { bytes } = await readUpTo(response.body, EXCERPT_BYTES, { keepPartialOnError: true });
  const text = new TextDecoder().decode(bytes);
  return text === "" ? null : text;
}
