import { describeErrorCode } from "@bw-relay/schema";
import { TROUBLED_STATUSES } from "./migrations.ts";
import type { EventFilter } from "./types.ts";

/** The conditions of a WHERE clause and their arguments. */
export interface FilterSql {
  where: string[];
  args: SqlStorageValue[];
}

/**
 * The event's JSON to search in: the normalized form, or for a quarantined event its raw form
 * when SQLite can read it (a raw form nested past SQLite's JSON depth limit is skipped rather
 * than failing the whole listing).
 */
const DOC =
  "(CASE WHEN e.normalized IS NOT NULL THEN e.normalized WHEN json_valid(e.raw) THEN e.raw END)";

/**
 * Turns a listing filter into SQL. Column filters use the indexes; the Bandwidth fields that
 * have no column (from, to, tag, errorCode, text) are read from the stored JSON while the
 * listing walks newest first, so they cost a scan bounded by how far back the page reaches.
 */
export function filterSql(filter: EventFilter): FilterSql {
  const where: string[] = [];
  const args: SqlStorageValue[] = [];
  if (filter.targetId !== undefined || filter.deliveryStatus !== undefined) {
    const conditions = ["d.event_id = e.id"];
    const existsArgs: SqlStorageValue[] = [];
    if (filter.targetId !== undefined) {
      conditions.push("d.target_id = ?");
      existsArgs.push(filter.targetId);
    }
    if (filter.deliveryStatus !== undefined) {
      conditions.push("d.status = ?");
      existsArgs.push(filter.deliveryStatus);
    }
    // EXISTS, not JOIN: an event with two failed deliveries is listed once.
    where.push(`EXISTS (SELECT 1 FROM deliveries d WHERE ${conditions.join(" AND ")})`);
    args.push(...existsArgs);
  }
  if (filter.status !== undefined) {
    where.push("e.status = ?");
    args.push(filter.status);
    // Repeating the partial index's own condition is what lets SQLite use it.
    if ((TROUBLED_STATUSES as readonly string[]).includes(filter.status)) {
      where.push("e.status IN ('quarantined', 'failed', 'dead')");
    }
  }
  const columns: [keyof EventFilter, string][] = [
    ["type", "e.type"],
    ["direction", "e.direction"],
    ["owner", "e.owner"],
    ["messageId", "e.message_id"],
    ["applicationId", "e.application_id"],
  ];
  for (const [key, column] of columns) {
    const value = filter[key];
    if (typeof value === "string") {
      where.push(`${column} = ?`);
      args.push(value);
    }
  }
  if (filter.from !== undefined) {
    where.push(`json_extract(${DOC}, '$.message.from') = ?`);
    args.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push(
      `(json_extract(${DOC}, '$.to') = ? OR EXISTS (SELECT 1 FROM json_each(${DOC}, '$.message.to') WHERE value = ?))`,
    );
    args.push(filter.to, filter.to);
  }
  if (filter.tag !== undefined) {
    where.push(`json_extract(${DOC}, '$.message.tag') = ?`);
    args.push(filter.tag);
  }
  if (filter.errorCode !== undefined) {
    where.push(`json_extract(${DOC}, '$.errorCode') = ?`);
    args.push(filter.errorCode);
  }
  if (filter.text !== undefined) {
    where.push(`instr(lower(json_extract(${DOC}, '$.message.text')), lower(?)) > 0`);
    args.push(filter.text);
  }
  if (filter.since !== undefined) {
    where.push("e.received_at >= ?");
    args.push(filter.since);
  }
  if (filter.until !== undefined) {
    where.push("e.received_at <= ?");
    args.push(filter.until);
  }
  if (filter.before) {
    where.push("(e.received_at < ? OR (e.received_at = ? AND e.id < ?))");
    args.push(filter.before.t, filter.before.t, filter.before.id);
  }
  return { where, args };
}

/** The error code of an event, for its summary (null when it has none). */
export const ERROR_CODE_COLUMN = `json_extract(${DOC}, '$.errorCode') AS error_code`;

/** `errorCode` and its name from Bandwidth's table (message-failed events), else nulls. */
export function errorCodeFields(code: unknown): {
  errorCode: number | null;
  errorName: string | null;
} {
  if (typeof code !== "number") return { errorCode: null, errorName: null };
  return { errorCode: code, errorName: describeErrorCode(code).name };
}
