import {
  type EventIssue,
  eventIdSync,
  isBandwidthMediaUrl,
  jsonText,
  normalize,
  rawEventId,
} from "@bw-relay/schema";
import { archiveKeyFor } from "./media/archive-key.ts";
import { mediaUrlsOf } from "./media/rewrite.ts";
import { type IngestRecord, SAME_AS_NORMALIZED } from "./shard/types.ts";

/**
 * The most one event may take in its shard row (raw + normalized + issues, UTF-8 bytes).
 * SQLite rows in a deployed Durable Object hold at most 2 MB (`wrangler dev` allows more, so
 * only this budget keeps local and deployed alike). A raw form that does not fit beside its
 * normalized one is kept as an excerpt; an event whose normalized form alone does not fit is
 * quarantined (it could not be stored to forward).
 */
export const MAX_STORED_EVENT_BYTES = 1_500_000;
/** How much of an oversized event's JSON text is kept. */
export const OVERSIZED_EXCERPT_CHARS = 64 * 1024;

/**
 * Turns one element of an inbound batch into what a shard stores: valid events (known or
 * new types) normalized; anything else quarantined with its issues. Never throws on input,
 * and takes time linear in the event's size whatever its shape.
 */
export function toIngestRecord(
  raw: unknown,
  rewriteMediaUrl?: (url: string) => string,
  archiveMedia = false,
): IngestRecord {
  const result = normalize(raw, rewriteMediaUrl ? { rewriteMediaUrl } : undefined);
  if (!result.success) return quarantine(raw, result.issues, result.issueCount);
  const event = result.event;
  const message = event.message;
  // normalize refuses deep nesting, so the runtime's (faster) serializer is safe here.
  const rawJson = JSON.stringify(raw);
  const normalizedJson = JSON.stringify(event);
  const normalizedBytes = utf8Bytes(normalizedJson);
  if (normalizedBytes > MAX_STORED_EVENT_BYTES) {
    const issue = {
      path: "",
      message: `the event takes ${normalizedBytes} bytes normalized; at most ${MAX_STORED_EVENT_BYTES} can be stored`,
    };
    return quarantine(raw, [issue], 1, rawJson);
  }
  let storedRaw = rawJson === normalizedJson ? SAME_AS_NORMALIZED : rawJson;
  if (normalizedBytes + utf8Bytes(storedRaw) > MAX_STORED_EVENT_BYTES)
    storedRaw = oversized(rawJson);
  const record: IngestRecord = {
    id: eventIdSync(event),
    type: event.type,
    messageId: message.id,
    direction: stringOrNull(message.direction),
    owner: stringOrNull(message.owner),
    applicationId: stringOrNull(message.applicationId),
    raw: storedRaw,
    normalized: normalizedJson,
    issues: null,
    errorCode: typeof event.errorCode === "number" ? event.errorCode : null,
  };
  // Inbound MMS media expires at Bandwidth after 48 h: keep a copy of it.
  if (archiveMedia && message.direction === "in") {
    const urls = mediaUrlsOf(raw).filter(isBandwidthMediaUrl);
    if (urls.length > 0) {
      record.archiveMedia = urls.map((url) => ({ url, key: archiveKeyFor(url) }));
    }
  }
  return record;
}

/**
 * The records of a request's events. Small flat values (`0`, `"x"`, `{}`, `[1,2]`: never a
 * valid event, which holds a message object) are prepared once per distinct value: a 1 MiB body
 * can hold half a million of them, and each would otherwise be validated, serialized and
 * hashed on its own.
 */
export function toIngestRecords(
  events: readonly unknown[],
  prepare: (event: unknown) => IngestRecord,
): IngestRecord[] {
  const prepared = new Map<string, IngestRecord>();
  return events.map((event) => {
    const key = smallFlatKey(event);
    if (key === null) return prepare(event);
    let record = prepared.get(key);
    if (!record) {
      record = prepare(event);
      prepared.set(key, record);
    }
    return record;
  });
}

/** A key for a primitive, or an array or object of at most 8 primitives; else null. */
function smallFlatKey(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return `${typeof value}:${String(value)}`;
  const values = Object.values(value);
  if (values.length > 8) return null;
  for (const item of values) if (typeof item === "object" && item !== null) return null;
  return `json:${JSON.stringify(value)}`;
}

/**
 * A quarantined event: stored under the id of its raw form (so it never takes the id of its
 * corrected resend), with the first issues and their count, and its raw JSON (written without
 * recursion: it may nest arbitrarily deep) or, when that is too large, an excerpt of it.
 */
function quarantine(
  raw: unknown,
  issues: EventIssue[],
  issueCount: number,
  rawJson = jsonText(raw),
): IngestRecord {
  const object = isObject(raw) ? raw : {};
  const message = isObject(object.message) ? object.message : {};
  const storedIssues = JSON.stringify({ issues, count: issueCount });
  const fits = utf8Bytes(rawJson) + utf8Bytes(storedIssues) <= MAX_STORED_EVENT_BYTES;
  return {
    id: rawEventId(raw),
    type: stringOrNull(object.type),
    messageId: stringOrNull(message.id),
    direction: stringOrNull(message.direction),
    owner: stringOrNull(message.owner),
    applicationId: stringOrNull(message.applicationId),
    raw: fits ? rawJson : oversized(rawJson),
    normalized: null,
    issues: storedIssues,
  };
}

/** What is kept of an event too large to store whole: its size and the start of its JSON. */
function oversized(rawJson: string): string {
  return JSON.stringify({
    truncated: { bytes: utf8Bytes(rawJson), start: rawJson.slice(0, OVERSIZED_EXCERPT_CHARS) },
  });
}

const encoder = new TextEncoder();

/** UTF-8 length, counted only for strings long enough to matter (else the length, a bound). */
function utf8Bytes(text: string): number {
  return text.length * 3 <= MAX_STORED_EVENT_BYTES / 2
    ? text.length
    : encoder.encode(text).byteLength;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
