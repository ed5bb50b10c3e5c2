import { Hono } from "hono";
import { type RelayEnv, readSettings } from "../config.ts";
import { storeRecords } from "../epochs/store-records.ts";
import { callbackAuth } from "../http/auth.ts";
import { readBodyLimited } from "../http/body.ts";
import { HttpError } from "../http/errors.ts";
import { eventTraceparent, traceOf } from "../http/trace-context.ts";
import { toIngestRecord, toIngestRecords } from "../ingest.ts";
import { archiveEnabled } from "../media/archive-key.ts";
import { mediaRewriter } from "../media/rewrite.ts";
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
  const trace = traceOf(c.req.header("traceparent"));
  const records = toIngestRecords(events, (event) => toIngestRecord(event, rewrite, archive));
  // After preparing: a repeated value shares its record, and so its id and trace span.
  for (const record of records) record.traceparent ??= eventTraceparent(trace);

  const { stored, ...totals } = await storeRecords(c.env, records);
  if (stored.length > 0) {
    c.executionCtx.waitUntil(
      publishToTail(
        c.env,
        stored.map((event) => ({ event })),
      ),
    );
  }
  return c.json({ ...totals, ids: records.map((r) => r.id) }, 200);
});

callbacks.all("/", () => {
  throw new HttpError(405, "method_not_allowed", "Use POST for /callbacks.", { Allow: "POST" });
});
