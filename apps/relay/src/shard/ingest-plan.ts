import { shardIndexFor } from "./sharding.ts";
import type { IngestRecord } from "./types.ts";

/**
 * How much one `EventShard.ingest` call may carry. Durable Object calls are limited to 32 MiB;
 * a 1 MiB body of tiny events becomes many times that in records, so a shard's share is sent
 * in calls of at most this estimated size, one after the other.
 */
export const MAX_INGEST_CALL_BYTES = 8 * 1_048_576;

/** The calls that store a request: per shard, its records in calls of bounded size. */
export interface IngestPlan {
  calls: Map<number, IngestRecord[][]>;
  /** Events of the request that repeat an earlier one of it (same id): stored once. */
  repeats: number;
}

/**
 * Groups a request's records by shard (by message id, so a message's events share one) and
 * drops repeats within the request before anything is sent: Bandwidth never repeats an event
 * in one body, but a sender that does must not make the relay carry each copy.
 */
export function planIngest(records: readonly IngestRecord[], shardCount: number): IngestPlan {
  const calls = new Map<number, IngestRecord[][]>();
  const sizes = new Map<number, number>();
  const seen = new Set<string>();
  let repeats = 0;
  for (const record of records) {
    if (seen.has(record.id)) {
      repeats += 1;
      continue;
    }
    seen.add(record.id);
    const index = shardIndexFor(record.messageId ?? record.id, shardCount);
    const shardCalls = calls.get(index) ?? [[]];
    const size = estimatedBytes(record);
    if ((sizes.get(index) ?? 0) + size > MAX_INGEST_CALL_BYTES && shardCalls.at(-1)?.length) {
      shardCalls.push([]);
      sizes.set(index, 0);
    }
    shardCalls.at(-1)?.push(record);
    sizes.set(index, (sizes.get(index) ?? 0) + size);
    calls.set(index, shardCalls);
  }
  return { calls, repeats };
}

/** An upper bound of a record's serialized size: two bytes a UTF-16 unit, plus overhead. */
function estimatedBytes(record: IngestRecord): number {
  let chars = record.raw.length + (record.normalized?.length ?? 0) + (record.issues?.length ?? 0);
  for (const text of [record.id, record.type, record.messageId, record.direction, record.owner]) {
    chars += text?.length ?? 0;
  }
  for (const media of record.archiveMedia ?? []) chars += media.url.length + media.key.length;
  return 2 * chars + 256;
}
