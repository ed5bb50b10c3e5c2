import type { AttemptResult } from "../delivery/send.ts";
import { errorCodeFields } from "./event-filter-sql.ts";
import { EVENT_STATUS_SQL, eventStatusOf } from "./event-status.ts";
import type {
  DeliveryStatus,
  EventStatus,
  EventSummary,
  IngestOutcome,
  IngestRecord,
} from "./types.ts";

/** One pending delivery to create or re-queue: an event for a target. */
export interface DeliveryToQueue {
  eventId: string;
  targetId: string;
  messageId: string | null;
}

/** What storing a batch came to. */
export interface BatchInsert {
  outcome: IngestOutcome;
  /** The records that were new (not duplicates), in batch order. */
  inserted: IngestRecord[];
  /** How many deliveries were created. */
  deliveries: number;
}

/** What an attempt came to, as stored: the delivery's new status and when it is due again. */
export interface AttemptRecord {
  eventId: string;
  targetId: string;
  /** The attempt number within this round (counts against the target's maxAttempts). */
  attempt: number;
  /** The attempt number over the delivery's whole life (the attempts table's key). */
  lifetimeAttempt: number;
  finishedAt: number;
  result: AttemptResult;
  status: DeliveryStatus;
  nextAttemptAt: number | null;
  /** The counter this outcome adds to (`deliveries_<outcome>`). */
  outcome: string;
}

/**
 * The write side of a shard's SQLite store. Every method is synchronous and never awaits, so
 * callers compose several in one `transactionSync`; none opens a transaction itself.
 */
export class EventStore {
  /** The next delivery sequence number, once read (see reserveSeq). */
  private nextSeq: number | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly kv: SyncKvStorage,
  ) {}

  /**
   * Inserts the events of a batch that are new; `wantedBy(record)` names the targets each
   * accepted one goes to, each with a pending delivery due now.
   */
  insertBatch(
    records: readonly IngestRecord[],
    wantedBy: (record: IngestRecord) => string[],
    now: number,
  ): BatchInsert {
    const outcome: IngestOutcome = { accepted: 0, duplicates: 0, quarantined: 0, stored: [] };
    const inserted: IngestRecord[] = [];
    const deliveries: DeliveryToQueue[] = [];
    for (const record of records) {
      const targets = record.normalized === null ? [] : wantedBy(record);
      const status: EventStatus =
        record.normalized === null ? "quarantined" : eventStatusOf({ pending: targets.length });
      const written = this.sql.exec(
        `INSERT INTO events (id, received_at, type, message_id, direction, owner, application_id,
           status, settled_at, raw, normalized, issues, trace_parent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        record.id,
        now,
        record.type,
        record.messageId,
        record.direction,
        record.owner,
        record.applicationId,
        status,
        status === "pending" ? null : now,
        record.raw,
        record.normalized,
        record.issues,
        record.traceparent ?? null,
      ).rowsWritten;
      if (written === 0) {
        outcome.duplicates += 1;
        continue;
      }
      if (status === "quarantined") outcome.quarantined += 1;
      else outcome.accepted += 1;
      inserted.push(record);
      for (const targetId of targets) {
        deliveries.push({ eventId: record.id, targetId, messageId: record.messageId });
      }
      outcome.stored.push(newEventSummary(record, status, targets, now));
    }
    this.queueDeliveries(deliveries, now);
    this.bump("accepted", outcome.accepted);
    this.bump("duplicates", outcome.duplicates);
    this.bump("quarantined", outcome.quarantined);
    return { outcome, inserted, deliveries: deliveries.length };
  }

  /**
   * Creates each delivery as pending and due now, or starts an existing one over (a replay or
   * bulk retry): a fresh attempt budget, no last error, and a new place at the back of its
   * message's queue. Sequence numbers follow the order given.
   */
  queueDeliveries(deliveries: readonly DeliveryToQueue[], now: number): void {
    if (deliveries.length === 0) return;
    let seq = this.reserveSeq(deliveries.length);
    for (const d of deliveries) {
      this.sql.exec(
        `INSERT INTO deliveries (event_id, target_id, seq, message_id, status, next_attempt_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)
         ON CONFLICT (event_id, target_id) DO UPDATE SET
           seq = ?3, status = 'pending', attempt_count = 0, next_attempt_at = ?5,
           last_error = NULL, updated_at = ?5`,
        d.eventId,
        d.targetId,
        seq++,
        d.messageId,
        now,
      );
    }
  }

  /** Records one attempt and its consequence for the delivery, the event and the counters. */
  recordAttempt(a: AttemptRecord): void {
    const { result } = a;
    this.sql.exec(
      `INSERT INTO attempts (event_id, target_id, attempt, at, status_code, duration_ms, error, response_excerpt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      a.eventId,
      a.targetId,
      a.lifetimeAttempt,
      a.finishedAt - result.durationMs,
      result.statusCode,
      result.durationMs,
      result.error,
      result.responseExcerpt,
    );
    this.sql.exec(
      `UPDATE deliveries SET status = ?1, attempt_count = ?2, total_attempts = total_attempts + 1,
         next_attempt_at = ?3, last_status_code = ?4, last_error = ?5, updated_at = ?6,
         delivered_at = CASE WHEN ?1 = 'delivered' THEN ?6 ELSE delivered_at END
       WHERE event_id = ?7 AND target_id = ?8`,
      a.status,
      a.attempt,
      a.nextAttemptAt,
      result.statusCode,
      result.error,
      a.finishedAt,
      a.eventId,
      a.targetId,
    );
    this.refreshEventStatus(a.eventId, a.finishedAt);
    this.bump(`deliveries_${a.outcome}`, 1);
  }

  /** Marks deliveries that can never be sent (their target was deleted) failed, visibly. */
  failDeliveries(
    deliveries: readonly { eventId: string; targetId: string }[],
    reason: string,
    now: number,
  ): void {
    for (const { eventId, targetId } of deliveries) {
      this.sql.exec(
        `UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, last_error = ?, updated_at = ?
         WHERE event_id = ? AND target_id = ?`,
        reason,
        now,
        eventId,
        targetId,
      );
    }
    for (const eventId of new Set(deliveries.map((d) => d.eventId))) {
      this.refreshEventStatus(eventId, now);
    }
  }

  /** A replay or bulk retry: the deliveries start over, and their events' status follows. */
  requeue(deliveries: readonly DeliveryToQueue[], now: number): void {
    this.queueDeliveries(deliveries, now);
    for (const eventId of new Set(deliveries.map((d) => d.eventId))) {
      this.refreshEventStatus(eventId, now);
    }
  }

  /** A target that is back gets its waiting deliveries now, not at the end of their backoff. */
  makeDueNow(targetId: string, now: number): void {
    this.sql.exec(
      `UPDATE deliveries SET next_attempt_at = ?2
       WHERE target_id = ?1 AND status = 'pending' AND next_attempt_at > ?2`,
      targetId,
      now,
    );
  }

  /**
   * Re-derives an event's status from its deliveries (eventStatusOf, as EVENT_STATUS_SQL);
   * settles or unsettles it. One statement: it runs after every delivery attempt.
   */
  refreshEventStatus(eventId: string, now: number): void {
    this.sql.exec(
      `UPDATE events SET status = d.status,
         settled_at = CASE WHEN d.status = 'pending' THEN NULL ELSE COALESCE(events.settled_at, ?2) END
       FROM (SELECT ${EVENT_STATUS_SQL} AS status FROM deliveries WHERE event_id = ?1) AS d
       WHERE events.id = ?1 AND events.status != 'quarantined'`,
      eventId,
      now,
    );
  }

  /** Adds to a counter kept across purges (for /metrics). */
  bump(name: string, by: number): void {
    if (by === 0) return;
    this.sql.exec(
      "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
      name,
      by,
    );
  }

  /**
   * Reserves `count` delivery sequence numbers; deliveries of a message go out in seq order.
   * The next number is read from storage once per object and then kept: a transaction rolled
   * back after a reservation leaves a gap, never a number given twice.
   */
  private reserveSeq(count: number): number {
    const current = this.nextSeq ?? this.kv.get<number>("seq") ?? 1;
    this.nextSeq = current + count;
    this.kv.put("seq", this.nextSeq);
    return current;
  }
}

/** What the live tail shows of an event just stored: its deliveries all pending, due now. */
function newEventSummary(
  record: IngestRecord,
  status: EventStatus,
  targetIds: readonly string[],
  now: number,
): EventSummary {
  const at = new Date(now).toISOString();
  return {
    id: record.id,
    receivedAt: at,
    type: record.type,
    messageId: record.messageId,
    direction: record.direction,
    owner: record.owner,
    status,
    ...errorCodeFields(record.errorCode),
    deliveries: targetIds.map((targetId) => ({
      targetId,
      status: "pending",
      attemptCount: 0,
      lastStatusCode: null,
      nextAttemptAt: at,
    })),
  };
}
