import { eventId, isBandwidthMediaUrl, normalize } from "@bw-relay/schema";
import { archiveKeyFor } from "./media/archive-key.ts";
import { mediaUrlsOf } from "./media/rewrite.ts";
import { type IngestRecord, SAME_AS_NORMALIZED } from "./shard/types.ts";

/**
 * Turns one element of an inbound batch into what a shard stores: valid events (known or
 * new types) normalized; anything else quarantined with its issues. Never throws on input.
 */
export async function toIngestRecord(
  raw: unknown,
  rewriteMediaUrl?: (url: string) => string,
  archiveMedia = false,
): Promise<IngestRecord> {
  const result = normalize(raw, rewriteMediaUrl ? { rewriteMediaUrl } : undefined);
  if (result.success) {
    const event = result.event;
    const message = event.message;
    const rawJson = JSON.stringify(raw);
    const normalizedJson = JSON.stringify(event);
    const record: IngestRecord = {
      id: await eventId(event),
      type: event.type,
      messageId: message.id,
      direction: stringOrNull(message.direction),
      owner: stringOrNull(message.owner),
      applicationId: stringOrNull(message.applicationId),
      raw: rawJson === normalizedJson ? SAME_AS_NORMALIZED : rawJson,
      normalized: normalizedJson,
      issues: null,
    };
    // Inbound MMS media expires at Bandwidth after 48 h: keep a copy of it.
    if (archiveMedia && message.direction === "in") {
      const urls = mediaUrlsOf(raw).filter(isBandwidthMediaUrl);
      if (urls.length > 0) {
        record.archiveMedia = await Promise.all(
          urls.map(async (url) => ({ url, key: await archiveKeyFor(url) })),
        );
      }
    }
    return record;
  }
  const object = isObject(raw) ? raw : {};
  const message = isObject(object.message) ? object.message : {};
  return {
    id: await eventId(raw),
    type: stringOrNull(object.type),
    messageId: stringOrNull(message.id),
    direction: stringOrNull(message.direction),
    owner: stringOrNull(message.owner),
    applicationId: stringOrNull(message.applicationId),
    raw: JSON.stringify(raw),
    normalized: null,
    issues: JSON.stringify(result.issues),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
