import { ERROR_CODE_COLUMN, errorCodeFields, filterSql } from "./event-filter-sql.ts";
import { LATENCY_BUCKET_SQL, LATENCY_BUCKETS_MS } from "./latency-buckets.ts";
import type {
  Attempt,
  DeliveryStatus,
  DeliverySummary,
  EventFilter,
  EventStatus,
  EventSummary,
  ListedEvent,
  ShardStats,
  StoredEventDetail,
} from "./types.ts";
import { SAME_AS_NORMALIZED } from "./types.ts";

export interface EventRow extends Record<string, SqlStorageValue> {
  id: string;
  received_at: number;
  type: string | null;
  message_id: string | null;
  direction: string | null;
  owner: string | null;
  application_id: string | null;
  status: string;
}

interface DeliveryRow extends Record<string, SqlStorageValue> {
  event_id: string;
  target_id: string;
  status: string;
  attempt_count: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
}

/**
 * The read side of a shard: the listing, one event in full, and the stats. Read-only; the
 * Durable Object's RPC methods call these directly.
 */
export class ShardQueries {
  constructor(private readonly sql: SqlStorage) {}

  /** Newest first, at most `limit + 1` rows (the extra one tells the Worker there are more). */
  list(filter: EventFilter): ListedEvent[] {
    const { where, args } = filterSql(filter);
    const rows = this.sql
      .exec<EventRow>(
        `SELECT e.id, e.received_at, e.type, e.message_id, e.direction, e.owner, e.application_id, e.status,
           ${ERROR_CODE_COLUMN}
         FROM events e
         ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY e.received_at DESC, e.id DESC LIMIT ?`,
        ...args,
        filter.limit + 1,
      )
      .toArray();
    const deliveries = this.deliveriesOf(rows.map((r) => r.id));
    return rows.map((row) => ({
      t: row.received_at,
      summary: toSummary(row, deliveries.get(row.id) ?? []),
    }));
  }

  /** One event with its raw and normalized forms, issues, deliveries and attempts. */
  get(id: string): StoredEventDetail | null {
    const row = this.sql
      .exec<
        EventRow & {
          raw: string;
          normalized: string | null;
          issues: string | null;
          trace_parent: string | null;
        }
      >(`SELECT *, ${ERROR_CODE_COLUMN} FROM events e WHERE id = ?`, id)
      .toArray()[0];
    if (!row) return null;
    const attempts = this.sql
      .exec<{
        target_id: string;
        attempt: number;
        at: number;
        status_code: number | null;
        duration_ms: number;
        error: string | null;
        response_excerpt: string | null;
      }>(
        "SELECT target_id, attempt, at, status_code, duration_ms, error, response_excerpt FROM attempts WHERE event_id = ? ORDER BY attempt",
        id,
      )
      .toArray();
    const deliveryRows = this.sql
      .exec<DeliveryRow>("SELECT * FROM deliveries WHERE event_id = ? ORDER BY seq", id)
      .toArray();
    const summary = toSummary(row, deliveryRows.map(toDeliverySummary));
    return {
      ...summary,
      applicationId: row.application_id,
      traceparent: row.trace_parent,
      rawJson: row.raw === SAME_AS_NORMALIZED && row.normalized ? row.normalized : row.raw,
      normalizedJson: row.normalized,
      issuesJson: row.issues,
      deliveries: deliveryRows.map((d) => ({
        ...toDeliverySummary(d),
        lastError: d.last_error,
        attempts: attempts
          .filter((a) => a.target_id === d.target_id)
          .map(
            (a): Attempt => ({
              attempt: a.attempt,
              at: new Date(a.at).toISOString(),
              statusCode: a.status_code,
              durationMs: a.duration_ms,
              error: a.error,
              responseExcerpt: a.response_excerpt,
            }),
          ),
      })),
    };
  }

  private deliveriesOf(eventIds: string[]): Map<string, DeliverySummary[]> {
    const map = new Map<string, DeliverySummary[]>();
    if (eventIds.length === 0) return map;
    const rows = this.sql
      .exec<DeliveryRow>(
        "SELECT * FROM deliveries WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
        JSON.stringify(eventIds),
      )
      .toArray();
    for (const row of rows) {
      const list = map.get(row.event_id) ?? [];
      list.push(toDeliverySummary(row));
      map.set(row.event_id, list);
    }
    return map;
  }

  /** The columns of one event that routing looks at, or null when the shard lacks it. */
  event(id: string): EventRow | null {
    return (
      this.sql
        .exec<EventRow>(
          "SELECT id, received_at, type, message_id, direction, owner, application_id, status FROM events WHERE id = ?",
          id,
        )
        .toArray()[0] ?? null
    );
  }

  stats(): ShardStats {
    const byStatus: Record<string, number> = {};
    for (const r of this.sql.exec<{ status: string; n: number }>(
      "SELECT status, COUNT(*) AS n FROM events GROUP BY status",
    )) {
      byStatus[r.status] = r.n;
    }
    const byType: Record<string, number> = {};
    for (const r of this.sql.exec<{ type: string | null; n: number }>(
      "SELECT type, COUNT(*) AS n FROM events GROUP BY type",
    )) {
      byType[r.type ?? "(none)"] = r.n;
    }
    const counters: Record<string, number> = {};
    for (const r of this.sql.exec<{ name: string; value: number }>(
      "SELECT name, value FROM counters",
    )) {
      counters[r.name] = r.value;
    }
    const targets: ShardStats["targets"] = {};
    const entry = (id: string) => {
      targets[id] ??= {
        pending: 0,
        delivered: 0,
        failed: 0,
        dead: 0,
        attempts: 0,
        successfulAttempts: 0,
        lagMsSum: 0,
        lagMsMax: 0,
        oldestPendingReceivedAt: null,
        latencyBuckets: LATENCY_BUCKETS_MS.map(() => 0),
      };
      return targets[id];
    };
    for (const r of this.sql.exec<{ target_id: string; status: DeliveryStatus; n: number }>(
      "SELECT target_id, status, COUNT(*) AS n FROM deliveries GROUP BY target_id, status",
    )) {
      entry(r.target_id)[r.status] = r.n;
    }
    for (const r of this.sql.exec<{ target_id: string; n: number; ok: number }>(
      `SELECT target_id, COUNT(*) AS n, SUM(status_code BETWEEN 200 AND 299) AS ok
       FROM attempts GROUP BY target_id`,
    )) {
      const e = entry(r.target_id);
      e.attempts = r.n;
      e.successfulAttempts = r.ok;
    }
    for (const r of this.sql.exec<{ target_id: string; bucket: number; n: number }>(
      `SELECT target_id, ${LATENCY_BUCKET_SQL} AS bucket, COUNT(*) AS n
       FROM attempts GROUP BY target_id, bucket`,
    )) {
      entry(r.target_id).latencyBuckets[r.bucket] = r.n;
    }
    for (const r of this.sql.exec<{ target_id: string; total: number; max: number }>(
      `SELECT d.target_id, SUM(d.delivered_at - e.received_at) AS total,
              MAX(d.delivered_at - e.received_at) AS max
       FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE d.status = 'delivered' GROUP BY d.target_id`,
    )) {
      const e = entry(r.target_id);
      e.lagMsSum = r.total;
      e.lagMsMax = r.max;
    }
    let pending = 0;
    let oldest: number | null = null;
    for (const r of this.sql.exec<{ target_id: string; n: number; oldest: number }>(
      `SELECT d.target_id, COUNT(*) AS n, MIN(e.received_at) AS oldest
       FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE d.status = 'pending' GROUP BY d.target_id`,
    )) {
      entry(r.target_id).oldestPendingReceivedAt = r.oldest;
      pending += r.n;
      oldest = oldest === null ? r.oldest : Math.min(oldest, r.oldest);
    }
    return { byStatus, byType, counters, targets, pending, oldestPendingReceivedAt: oldest };
  }
}

function toDeliverySummary(row: DeliveryRow): DeliverySummary {
  return {
    targetId: row.target_id,
    status: row.status as DeliveryStatus,
    attemptCount: row.attempt_count,
    lastStatusCode: row.last_status_code,
    nextAttemptAt:
      row.status === "pending" && row.next_attempt_at !== null
        ? new Date(row.next_attempt_at).toISOString()
        : null,
  };
}

function toSummary(
  row: EventRow & { error_code?: SqlStorageValue },
  deliveries: DeliverySummary[],
): EventSummary {
  return {
    id: row.id,
    receivedAt: new Date(row.received_at).toISOString(),
    type: row.type,
    messageId: row.message_id,
    direction: row.direction,
    owner: row.owner,
    status: row.status as EventStatus,
    ...errorCodeFields(row.error_code),
    deliveries,
  };
}
