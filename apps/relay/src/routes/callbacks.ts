import { Hono } from "hono";
import { shardStub } from "../bindings.ts";
import { type RelayEnv, readSettings } from "../config.ts";
import { describeError } from "../describe-error.ts";
import { callbackAuth } from "../http/auth.ts";
import { readBodyLimited } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import { toIngestRecord } from "../ingest.ts";
import { archiveEnabled } from "../media/archive-key.ts";
import { mediaRewriter } from "../media/rewrite.ts";
import { shardIndexFor } from "../shard/sharding.ts";
import type { EventSummary, IngestRecord } from "../shard/types.ts";
import { publishToTail } from "../tail/tail-hub.ts";

/** `POST /callbacks`: what Bandwidth calls. 200 only once every event is durably stored. */
export const callbacks = new Hono<{ Bindings: RelayEnv }>();

callbacks.post("/", callbackAuth(), async (c) => {
  const settings = readSettings(c.env);
  const text = await readBodyLimited(c.req.raw, settings.maxBodyBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "The body is not valid JSON.");
  }
  // Bandwidth sends an array; MFA callbacks and v1-style senders send one object.
  const events = Array.isArray(body) ? body : [body];
  if (events.length === 0) {
    throw new HttpError(400, "empty_batch", "The body is an empty array; send at least one event.");
  }

  const rewrite = await mediaRewriter(c.env, new URL(c.req.url), events);
  const archive = archiveEnabled(c.env);
  const records = await Promise.all(events.map((event) => toIngestRecord(event, rewrite, archive)));

  const byShard = new Map<number, IngestRecord[]>();
  for (const record of records) {
    const index = shardIndexFor(record.messageId ?? record.id, settings.shardCount);
    const group = byShard.get(index) ?? [];
    group.push(record);
    byShard.set(index, group);
  }

  const results = await Promise.allSettled(
    [...byShard].map(([index, group]) => shardStub(c.env, index).ingest(group)),
  );
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0) {
    console.error(`ingest failed in ${failed.length} shard(s)`, describeError(failed[0]?.reason));
    // Some shards may have committed: Bandwidth's retry is safe, those events count as duplicates.
    throw new HttpError(
      503,
      "storage_unavailable",
      "The events could not be stored; retry the request.",
    );
  }
  const totals = { accepted: 0, duplicates: 0, quarantined: 0 };
  const stored: EventSummary[] = [];
  for (const r of results) {
    if (r.status !== "fulfilled") continue;
    totals.accepted += r.value.accepted;
    totals.duplicates += r.value.duplicates;
    totals.quarantined += r.value.quarantined;
    stored.push(...r.value.stored);
  }
  if (stored.length > 0) c.executionCtx.waitUntil(publishToTail(c.env, stored));
  return c.json({ ...totals, ids: records.map((r) => r.id) }, 200);
});

callbacks.all("/", () => {
  throw new HttpError(405, "method_not_allowed", "Use POST for /callbacks.", { Allow: "POST" });
});
