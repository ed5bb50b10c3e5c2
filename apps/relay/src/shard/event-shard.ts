import { DurableObject } from "cloudflare:workers";
import { type RelayEnv, readSettings, type Settings } from "../config.ts";
import { type AttemptClass, classifyAttempt, decide } from "../delivery/policy.ts";
import { sendDelivery } from "../delivery/send.ts";
import {
  ARCHIVE_BATCH,
  ARCHIVE_MAX_ATTEMPTS,
  ARCHIVE_RETRY_BASE_MS,
  copyToArchive,
} from "../media/archive.ts";
import type { OutcomeReport } from "../targets/breaker.ts";
import { configStub } from "../targets/config-stub.ts";
import { type DeliveryTarget, type TargetsSnapshot, targetWants } from "../targets/model.ts";
import { migrate, SHARD_MIGRATIONS, TROUBLED_STATUSES } from "./migrations.ts";
import type {
  Attempt,
  DeliveryStatus,
  DeliverySummary,
  EventDetail,
  EventFilter,
  EventStatus,
  EventSummary,
  IngestOutcome,
  IngestRecord,
  ListedEvent,
  ShardStats,
} from "./types.ts";
import { SAME_AS_NORMALIZED } from "./types.ts";

/** How many deliveries one alarm run takes on, and how many are in flight at once. */
export const DELIVERY_BATCH = 50;
/** A Worker has 6 simultaneous outbound connections; more would only queue. */
export const DELIVERY_CONCURRENCY = 6;
/** After this long, an alarm run starts no new attempt (in-flight ones finish). */
export const DELIVERY_RUN_BUDGET_MS = 5_000;
/** How many events one alarm run purges, so a large purge never starves deliveries. */
const PURGE_BATCH = 500;
/** How often a shard tells the Config object that a target is healthy (see worthReporting). */
const HEALTHY_REPORT_EVERY_MS = 10_000;
/** Pushed snapshots keep shards current; this is the fallback re-read. */
const SNAPSHOT_TTL_MS = 30_000;

interface EventRow extends Record<string, SqlStorageValue> {
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

interface DueRow extends Record<string, SqlStorageValue> {
  event_id: string;
  target_id: string;
  attempt_count: number;
  total_attempts: number;
  normalized: string;
}

/**
 * One shard of the event store: a SQLite-backed Durable Object holding the events of the
 * messages that hash to it, their pending deliveries and every attempt. Its alarm sends due
 * deliveries and purges events past retention.
 */
export class EventShard extends DurableObject<RelayEnv> {
  private readonly sql: SqlStorage;
  private readonly settings: Settings;
  private snapshot: TargetsSnapshot | null = null;
  private snapshotReadAt = 0;
  private refreshing: Promise<TargetsSnapshot> | null = null;
  private readonly lastHealthyReport = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: RelayEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.settings = readSettings(env);
    ctx.storage.transactionSync(() => migrate(this.sql, SHARD_MIGRATIONS));
    const saved = ctx.storage.kv.get<TargetsSnapshot>("targets");
    if (saved) this.snapshot = saved;
    // An alarm whose retries ran out (or an object reset mid-run) leaves work without an
    // alarm; whoever wakes the object next puts it back.
    void ctx.blockConcurrencyWhile(() => this.ensureAlarm());
  }

  /**
   * Sets an alarm for now when there is work (a pending delivery or media copy, or events
   * to purge one day) and none is set. Called on wake-up and by the Worker's cron watchdog.
   */
  async ensureAlarm(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) return;
    const { work } = this.sql
      .exec<{ work: number }>(
        `SELECT EXISTS (SELECT 1 FROM deliveries WHERE status = 'pending')
             OR EXISTS (SELECT 1 FROM media WHERE status = 'pending')
             OR EXISTS (SELECT 1 FROM events) AS work`,
      )
      .one();
    if (work) await this.ctx.storage.setAlarm(Date.now());
  }

  // ---------------------------------------------------------------- ingest

  /**
   * Stores a batch in one transaction: each new event, and for accepted ones a pending
   * delivery per target that wants it. Resolves only once the write is durable, which is
   * what lets the Worker answer 200.
   */
  async ingest(records: IngestRecord[]): Promise<IngestOutcome> {
    const targets = await this.currentTargets();
    const now = Date.now();
    const outcome: IngestOutcome = { accepted: 0, duplicates: 0, quarantined: 0, stored: [] };
    let deliveriesCreated = 0;
    let mediaQueued = 0;
    this.ctx.storage.transactionSync(() => {
      const wantedBy = records.map((record) =>
        record.normalized === null ? [] : targets.targets.filter((t) => targetWants(t, record)),
      );
      // Sequence numbers only order deliveries; an ingest that creates none leaves them be.
      const deliveryCount = wantedBy.reduce((n, wanted) => n + wanted.length, 0);
      let seq = deliveryCount > 0 ? this.nextSeq(deliveryCount) : 0;
      for (const [i, record] of records.entries()) {
        const quarantined = record.normalized === null;
        const wanted = wantedBy[i] ?? [];
        const status: EventStatus = quarantined
          ? "quarantined"
          : wanted.length > 0
            ? "pending"
            : "stored";
        const inserted = this.sql.exec(
          `INSERT INTO events (id, received_at, type, message_id, direction, owner, application_id,
             status, settled_at, raw, normalized, issues)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
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
        ).rowsWritten;
        if (inserted === 0) {
          outcome.duplicates += 1;
          continue;
        }
        if (quarantined) outcome.quarantined += 1;
        else outcome.accepted += 1;
        for (const media of record.archiveMedia ?? []) {
          this.sql.exec(
            `INSERT INTO media (event_id, url, archive_key, status, next_attempt_at)
             VALUES (?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING`,
            record.id,
            media.url,
            media.key,
            now,
          );
          mediaQueued += 1;
        }
        for (const target of wanted) {
          this.sql.exec(
            `INSERT INTO deliveries (event_id, target_id, seq, message_id, status, next_attempt_at, updated_at)
             VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
            record.id,
            target.id,
            seq++,
            record.messageId,
            now,
            now,
          );
          deliveriesCreated += 1;
        }
        outcome.stored.push({
          id: record.id,
          receivedAt: new Date(now).toISOString(),
          type: record.type,
          messageId: record.messageId,
          direction: record.direction,
          owner: record.owner,
          status,
          deliveries: wanted.map((t) => ({
            targetId: t.id,
            status: "pending",
            attemptCount: 0,
            lastStatusCode: null,
            nextAttemptAt: new Date(now).toISOString(),
          })),
        });
      }
      this.bump("accepted", outcome.accepted);
      this.bump("duplicates", outcome.duplicates);
      this.bump("quarantined", outcome.quarantined);
    });
    // First delivery starts right away, not at the next poll; otherwise make sure the purge
    // of what was just stored is scheduled.
    if (deliveriesCreated + mediaQueued > 0) await this.alarmNoLaterThan(now);
    else if (outcome.accepted + outcome.quarantined > 0)
      await this.alarmNoLaterThan(now + this.settings.retentionMs);
    return outcome;
  }

  // ---------------------------------------------------------------- targets

  /** The Config object pushes each new snapshot here; older versions are ignored. */
  async applyTargets(snapshot: TargetsSnapshot): Promise<void> {
    if (this.snapshot && this.snapshot.version > snapshot.version) return;
    const before = this.snapshot;
    this.setSnapshot(snapshot);
    // A resumed or re-enabled target has a backlog: let the alarm drain it.
    // A deleted target's pending deliveries must be marked failed: run the alarm now.
    const sendableBefore = new Set(before?.targets.filter(isSendable).map((t) => t.id));
    const ids = new Set(snapshot.targets.map((t) => t.id));
    const now = Date.now();
    const resumed = snapshot.targets.filter((t) => isSendable(t) && !sendableBefore.has(t.id));
    // A target that is back (resumed, re-enabled, circuit closed) gets its backlog now rather
    // than at the end of backoffs that only measured its outage. Never on first sight: a
    // fresh shard knows no "before".
    if (before) {
      for (const target of resumed) {
        this.sql.exec(
          `UPDATE deliveries SET next_attempt_at = ?
           WHERE target_id = ? AND status = 'pending' AND next_attempt_at > ?`,
          now,
          target.id,
          now,
        );
      }
    }
    if (before?.targets.some((t) => !ids.has(t.id))) {
      await this.alarmNoLaterThan(now);
    } else if (resumed.length > 0) {
      await this.reschedule(snapshot, now);
    }
  }

  private setSnapshot(snapshot: TargetsSnapshot): void {
    this.snapshot = snapshot;
    this.snapshotReadAt = Date.now();
    this.ctx.storage.kv.put("targets", snapshot);
  }

  /**
   * The targets as this shard knows them: no round trip on the accept path once known;
   * a stale copy is refreshed in the background.
   */
  private async currentTargets(): Promise<TargetsSnapshot> {
    if (this.snapshot) {
      if (Date.now() - this.snapshotReadAt > SNAPSHOT_TTL_MS) {
        this.ctx.waitUntil(this.refreshTargets().catch(() => {}));
      }
      return this.snapshot;
    }
    return this.refreshTargets();
  }

  private refreshTargets(): Promise<TargetsSnapshot> {
    this.refreshing ??= configStub(this.env)
      .snapshot()
      .then((fresh) => {
        if (!this.snapshot || fresh.version >= this.snapshot.version) this.setSnapshot(fresh);
        else this.snapshotReadAt = Date.now();
        return this.snapshot ?? fresh;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  // ---------------------------------------------------------------- alarm

  /**
   * Sends due deliveries (a bounded batch), purges events past retention, and sets the next
   * alarm. Errors other than a delivery's own propagate, so the platform retries the alarm.
   */
  override async alarm(): Promise<void> {
    const snapshot = await this.freshTargetsForDelivery();
    const now = Date.now();
    const [reports] = await Promise.all([this.deliverDue(snapshot, now), this.archiveDue(now)]);
    await this.purgeExpired(now);
    const worthTelling = reports.filter((r) => this.worthReporting(r, now));
    if (worthTelling.length > 0) {
      try {
        await configStub(this.env).reportOutcomes(worthTelling);
      } catch (err) {
        // Breaker bookkeeping is best effort; deliveries are already recorded.
        console.warn("could not report delivery outcomes", errorName(err));
      }
    }
    await this.reschedule(this.snapshot ?? snapshot, Date.now());
  }

  /**
   * Failures always reach the breaker; an all-good run only every HEALTHY_REPORT_EVERY_MS per
   * target, which keeps resetting the failure count (the breaker needs an hour of failures)
   * without one Config round trip per busy alarm run.
   */
  private worthReporting(report: OutcomeReport, now: number): boolean {
    const healthy = report.reachable && report.trailingFailures === 0 && !report.gone;
    if (!healthy) {
      this.lastHealthyReport.delete(report.targetId);
      return true;
    }
    const last = this.lastHealthyReport.get(report.targetId);
    if (last !== undefined && now - last < HEALTHY_REPORT_EVERY_MS) return false;
    this.lastHealthyReport.set(report.targetId, now);
    return true;
  }

  private async freshTargetsForDelivery(): Promise<TargetsSnapshot> {
    if (this.snapshot && Date.now() - this.snapshotReadAt <= SNAPSHOT_TTL_MS) return this.snapshot;
    try {
      return await this.refreshTargets();
    } catch (err) {
      if (this.snapshot) return this.snapshot;
      throw err;
    }
  }

  private async deliverDue(snapshot: TargetsSnapshot, now: number): Promise<OutcomeReport[]> {
    const byId = new Map(snapshot.targets.map((t) => [t.id, t]));
    this.failDeliveriesOfDeletedTargets(byId, now);

    // One lane per target with due work, so a slow target only ever holds its own share of
    // the connections. A probe of an open circuit is one delivery, whatever its backoff:
    // the question is whether the target answers again, not whether this delivery is due.
    const lanes: { target: DeliveryTarget; rows: DueRow[] }[] = [];
    for (const target of snapshot.targets) {
      const probe =
        target.enabled && target.state === "circuit_open" && (target.probeAt ?? 0) <= now;
      if (!isSendable(target) && !probe) continue;
      const rows = this.dueFor(
        target.id,
        probe ? Number.MAX_SAFE_INTEGER : now,
        probe ? 1 : DELIVERY_BATCH,
      );
      if (rows.length > 0) lanes.push({ target, rows });
    }
    if (lanes.length === 0) return [];

    const reports = new Map<string, OutcomeReport>();
    const perLane = Math.max(1, Math.floor(DELIVERY_CONCURRENCY / lanes.length));
    // After the budget no new attempt starts: the run ends, the alarm is set again at once,
    // and what arrived meanwhile (new events, target changes) is seen without a long wait.
    const deadline = Date.now() + DELIVERY_RUN_BUDGET_MS;
    await Promise.all(
      lanes.map(async ({ target, rows }) => {
        let next = 0;
        let gone = false;
        const worker = async () => {
          while (next < rows.length && !gone && Date.now() < deadline) {
            const row = rows[next++] as DueRow;
            const outcome = await this.attempt(target, row);
            if (outcome.kind === "gone") gone = true;
            record(reports, target.id, outcome.kind, outcome.error, Date.now());
          }
        };
        await Promise.all(Array.from({ length: Math.min(perLane, rows.length) }, worker));
        // Stop sending to a target that answered 410 until the Config object disables it.
        if (gone && this.snapshot) {
          this.snapshot = {
            ...this.snapshot,
            targets: this.snapshot.targets.map((t) =>
              t.id === target.id ? { ...t, enabled: false, state: "disabled" } : t,
            ),
          };
        }
      }),
    );
    return [...reports.values()];
  }

  /**
   * A target's deliveries due by `dueBy`, oldest first. Only the oldest pending delivery of
   * each message is eligible: a later event of a message waits until the earlier one is
   * delivered, failed or dead.
   */
  private dueFor(targetId: string, dueBy: number, limit: number): DueRow[] {
    return this.sql
      .exec<DueRow>(
        `SELECT d.event_id, d.target_id, d.attempt_count, d.total_attempts, e.normalized
         FROM deliveries d JOIN events e ON e.id = d.event_id
         WHERE d.target_id = ?1 AND d.status = 'pending' AND d.next_attempt_at <= ?2
           AND NOT EXISTS (
             SELECT 1 FROM deliveries p
             WHERE p.target_id = ?1 AND p.status = 'pending'
               AND p.message_id = d.message_id AND p.seq < d.seq)
         ORDER BY d.next_attempt_at, d.seq
         LIMIT ?3`,
        targetId,
        dueBy,
        limit,
      )
      .toArray();
  }

  /** Sends one delivery and records the attempt and its consequence in one transaction. */
  private async attempt(
    target: DeliveryTarget,
    row: DueRow,
  ): Promise<{ kind: AttemptClass["kind"]; error: string | null }> {
    const attempt = row.attempt_count + 1;
    const result = await sendDelivery({
      target,
      eventId: row.event_id,
      normalizedJson: row.normalized,
      attempt,
    });
    const finishedAt = Date.now();
    const outcome = classifyAttempt(result.statusCode, result.retryAfter, finishedAt);
    const decision = decide(
      outcome,
      attempt,
      target.maxAttempts,
      this.settings.retryBaseMs,
      finishedAt,
    );
    // 410: the delivery waits (pending) for the target to be re-enabled.
    const status: DeliveryStatus = decision.status === "gone" ? "pending" : decision.status;
    const nextAt =
      decision.status === "pending" || decision.status === "gone" ? decision.nextAttemptAt : null;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT INTO attempts (event_id, target_id, attempt, at, status_code, duration_ms, error, response_excerpt)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        row.event_id,
        row.target_id,
        row.total_attempts + 1,
        finishedAt - result.durationMs,
        result.statusCode,
        result.durationMs,
        result.error,
        result.responseExcerpt,
      );
      this.sql.exec(
        `UPDATE deliveries SET status = ?, attempt_count = ?, total_attempts = total_attempts + 1,
           next_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = ?,
           delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
         WHERE event_id = ? AND target_id = ?`,
        status,
        attempt,
        nextAt,
        result.statusCode,
        result.error,
        finishedAt,
        status,
        finishedAt,
        row.event_id,
        row.target_id,
      );
      this.refreshEventStatus(row.event_id, finishedAt);
      this.bump(`deliveries_${decision.status === "pending" ? "retried" : decision.status}`, 1);
    });
    return { kind: outcome.kind, error: result.error };
  }

  /** Deliveries whose target was deleted can never be sent; mark them failed, visibly. */
  private failDeliveriesOfDeletedTargets(byId: Map<string, DeliveryTarget>, now: number): void {
    const orphans = this.sql
      .exec<{ event_id: string; target_id: string }>(
        `SELECT event_id, target_id FROM deliveries
         WHERE status = 'pending' AND target_id NOT IN (SELECT value FROM json_each(?))
         LIMIT ?`,
        JSON.stringify([...byId.keys()]),
        PURGE_BATCH,
      )
      .toArray();
    if (orphans.length === 0) return;
    this.ctx.storage.transactionSync(() => {
      for (const { event_id, target_id } of orphans) {
        this.sql.exec(
          `UPDATE deliveries SET status = 'failed', next_attempt_at = NULL,
             last_error = 'target deleted', updated_at = ?
           WHERE event_id = ? AND target_id = ?`,
          now,
          event_id,
          target_id,
        );
        this.refreshEventStatus(event_id, now);
      }
    });
  }

  /** Recomputes an event's status from its deliveries; settles it when none is pending. */
  private refreshEventStatus(eventId: string, now: number): void {
    this.sql.exec(
      `UPDATE events SET
         status = (SELECT CASE
             WHEN COUNT(*) = 0 THEN 'stored'
             WHEN SUM(status = 'pending') > 0 THEN 'pending'
             WHEN SUM(status = 'dead') > 0 THEN 'dead'
             WHEN SUM(status = 'failed') > 0 THEN 'failed'
             ELSE 'delivered' END
           FROM deliveries WHERE event_id = ?1),
         settled_at = CASE
           WHEN EXISTS (SELECT 1 FROM deliveries WHERE event_id = ?1 AND status = 'pending') THEN NULL
           ELSE COALESCE(settled_at, ?2) END
       WHERE id = ?1 AND status != 'quarantined'`,
      eventId,
      now,
    );
  }

  /**
   * Copies due inbound media to R2 (bounded per run). A copy shared by several events is
   * made once. Failures retry with backoff until ARCHIVE_MAX_ATTEMPTS.
   */
  private async archiveDue(now: number): Promise<void> {
    if (!this.env.MEDIA) return;
    const due = this.sql
      .exec<{ event_id: string; url: string; archive_key: string; attempts: number }>(
        `SELECT event_id, url, archive_key, attempts FROM media
         WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
        now,
        ARCHIVE_BATCH,
      )
      .toArray();
    const copied = new Set<string>();
    for (const row of due) {
      const done =
        copied.has(row.archive_key) ||
        this.sql
          .exec(
            "SELECT 1 FROM media WHERE archive_key = ? AND status = 'archived' LIMIT 1",
            row.archive_key,
          )
          .toArray().length > 0;
      const outcome = done
        ? { ok: true as const }
        : await copyToArchive(this.env, row.url, row.archive_key);
      const attempts = row.attempts + 1;
      if (outcome.ok) {
        copied.add(row.archive_key);
        this.sql.exec(
          "UPDATE media SET status = 'archived', attempts = ?, next_attempt_at = NULL, last_error = NULL WHERE event_id = ? AND url = ?",
          attempts,
          row.event_id,
          row.url,
        );
      } else {
        const giveUp = !outcome.retry || attempts >= ARCHIVE_MAX_ATTEMPTS;
        this.sql.exec(
          "UPDATE media SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE event_id = ? AND url = ?",
          giveUp ? "failed" : "pending",
          attempts,
          giveUp ? null : Date.now() + ARCHIVE_RETRY_BASE_MS * 2 ** (attempts - 1),
          outcome.error,
          row.event_id,
          row.url,
        );
      }
    }
  }

  /** Deletes events whose retention ran out; an event with a pending delivery is never purged. */
  private async purgeExpired(now: number): Promise<number> {
    const cutoff = now - this.settings.retentionMs;
    const ids = this.sql
      .exec<{ id: string }>(
        `SELECT id FROM events WHERE settled_at IS NOT NULL AND settled_at <= ? AND status != 'pending'
         LIMIT ?`,
        cutoff,
        PURGE_BATCH,
      )
      .toArray()
      .map((r) => r.id);
    if (ids.length === 0) return 0;
    const list = JSON.stringify(ids);
    const archiveKeys = this.sql
      .exec<{ archive_key: string }>(
        "SELECT DISTINCT archive_key FROM media WHERE event_id IN (SELECT value FROM json_each(?))",
        list,
      )
      .toArray()
      .map((r) => r.archive_key);
    let orphaned: string[] = [];
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM media WHERE event_id IN (SELECT value FROM json_each(?))", list);
      orphaned = archiveKeys.filter(
        (key) =>
          this.sql.exec("SELECT 1 FROM media WHERE archive_key = ? LIMIT 1", key).toArray()
            .length === 0,
      );
      this.sql.exec(
        "DELETE FROM attempts WHERE event_id IN (SELECT value FROM json_each(?))",
        list,
      );
      this.sql.exec(
        "DELETE FROM deliveries WHERE event_id IN (SELECT value FROM json_each(?))",
        list,
      );
      this.sql.exec("DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))", list);
      this.bump("purged", ids.length);
    });
    // The media copies go with the events. If this delete fails the alarm is retried, but
    // the rows are gone: an orphaned object costs storage, never correctness.
    if (orphaned.length > 0 && this.env.MEDIA) await this.env.MEDIA.delete(orphaned);
    return ids.length;
  }

  /** Sets the alarm to the earliest moment there is work: a due delivery, a probe, a purge. */
  private async reschedule(snapshot: TargetsSnapshot, now: number): Promise<void> {
    const candidates: number[] = [];
    const sendable = snapshot.targets.filter(isSendable).map((t) => t.id);
    if (sendable.length > 0) {
      const nextDue = this.sql
        .exec<{ at: number | null }>(
          `SELECT MIN(next_attempt_at) AS at FROM deliveries
           WHERE status = 'pending' AND target_id IN (SELECT value FROM json_each(?))`,
          JSON.stringify(sendable),
        )
        .one().at;
      if (nextDue !== null) candidates.push(nextDue);
    }
    for (const t of snapshot.targets) {
      if (t.enabled && t.state === "circuit_open" && t.probeAt !== null && this.hasPending(t.id)) {
        candidates.push(t.probeAt);
      }
    }
    const mediaDue = this.sql
      .exec<{ at: number | null }>(
        "SELECT MIN(next_attempt_at) AS at FROM media WHERE status = 'pending'",
      )
      .one().at;
    if (mediaDue !== null && this.env.MEDIA) candidates.push(mediaDue);
    const oldestSettled = this.sql
      .exec<{ at: number | null }>("SELECT MIN(settled_at) AS at FROM events")
      .one().at;
    if (oldestSettled !== null) candidates.push(oldestSettled + this.settings.retentionMs);
    // Snapshots are re-read now and then even when idle, in case a push was missed.
    if (candidates.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Math.max(now, Math.min(...candidates)));
  }

  private hasPending(targetId: string): boolean {
    return (
      this.sql
        .exec(
          "SELECT 1 FROM deliveries WHERE target_id = ? AND status = 'pending' LIMIT 1",
          targetId,
        )
        .toArray().length > 0
    );
  }

  private async alarmNoLaterThan(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  // ---------------------------------------------------------------- queries

  /** Newest first, at most `limit + 1` rows (the extra one tells the Worker there are more). */
  async list(filter: EventFilter): Promise<ListedEvent[]> {
    const where: string[] = [];
    const args: SqlStorageValue[] = [];
    let join = "";
    if (filter.targetId !== undefined) {
      join = "JOIN deliveries d ON d.event_id = e.id AND d.target_id = ?";
      args.push(filter.targetId);
      if (filter.status !== undefined) {
        where.push("d.status = ?");
        args.push(filter.status);
      }
    } else if (filter.status !== undefined) {
      where.push("e.status = ?");
      args.push(filter.status);
      // Repeating the partial index's own condition is what lets SQLite use it.
      if ((TROUBLED_STATUSES as readonly string[]).includes(filter.status)) {
        where.push("e.status IN ('quarantined', 'failed', 'dead')");
      }
    }
    const eq: [keyof EventFilter, string][] = [
      ["type", "e.type"],
      ["direction", "e.direction"],
      ["owner", "e.owner"],
      ["messageId", "e.message_id"],
    ];
    for (const [key, column] of eq) {
      const value = filter[key];
      if (typeof value === "string") {
        where.push(`${column} = ?`);
        args.push(value);
      }
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
    const rows = this.sql
      .exec<EventRow>(
        `SELECT e.id, e.received_at, e.type, e.message_id, e.direction, e.owner, e.application_id, e.status
         FROM events e ${join}
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
  async get(id: string): Promise<EventDetail | null> {
    const row = this.sql
      .exec<EventRow & { raw: string; normalized: string | null; issues: string | null }>(
        "SELECT * FROM events WHERE id = ?",
        id,
      )
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
      raw: JSON.parse(row.raw === SAME_AS_NORMALIZED && row.normalized ? row.normalized : row.raw),
      normalized: row.normalized === null ? null : JSON.parse(row.normalized),
      issues: row.issues === null ? null : JSON.parse(row.issues),
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

  // ---------------------------------------------------------------- replay and retry

  /**
   * Queues a fresh delivery of one event: to `targetId`, or to every target that wants it now.
   * Returns null when the event is not in this shard.
   */
  async replay(
    eventId: string,
    targetId?: string,
  ): Promise<
    { queued: number } | { error: "quarantined" | "unknown_target" | "no_target" } | null
  > {
    const row = this.sql
      .exec<EventRow>(
        "SELECT id, received_at, type, message_id, direction, owner, application_id, status FROM events WHERE id = ?",
        eventId,
      )
      .toArray()[0];
    if (!row) return null;
    if (row.status === "quarantined") return { error: "quarantined" };
    const snapshot = await this.freshTargetsForDelivery();
    let targets: DeliveryTarget[];
    if (targetId !== undefined) {
      const target = snapshot.targets.find((t) => t.id === targetId);
      if (!target) return { error: "unknown_target" };
      targets = [target];
    } else {
      const routing = {
        type: row.type,
        direction: row.direction,
        owner: row.owner,
        applicationId: row.application_id,
      };
      targets = snapshot.targets.filter((t) => targetWants(t, routing));
      if (targets.length === 0) return { error: "no_target" };
    }
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      let seq = this.nextSeq(targets.length);
      for (const target of targets) {
        this.sql.exec(
          `INSERT INTO deliveries (event_id, target_id, seq, message_id, status, next_attempt_at, updated_at)
           VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)
           ON CONFLICT (event_id, target_id) DO UPDATE SET
             seq = ?3, status = 'pending', attempt_count = 0, next_attempt_at = ?5,
             last_error = NULL, updated_at = ?5`,
          eventId,
          target.id,
          seq++,
          row.message_id,
          now,
        );
      }
      this.refreshEventStatus(eventId, now);
    });
    await this.alarmNoLaterThan(now);
    return { queued: targets.length };
  }

  /** Re-queues every failed or dead delivery (of one target, if given). */
  async retryDeliveries(status: "failed" | "dead", targetId?: string): Promise<number> {
    const now = Date.now();
    const filter = targetId === undefined ? "" : "AND target_id = ?";
    const args: SqlStorageValue[] = targetId === undefined ? [status] : [status, targetId];
    let queued = 0;
    this.ctx.storage.transactionSync(() => {
      const rows = this.sql
        .exec<{ event_id: string; target_id: string }>(
          `SELECT event_id, target_id FROM deliveries WHERE status = ? ${filter} ORDER BY seq`,
          ...args,
        )
        .toArray();
      let seq = this.nextSeq(rows.length);
      for (const row of rows) {
        this.sql.exec(
          `UPDATE deliveries SET status = 'pending', attempt_count = 0, seq = ?, next_attempt_at = ?,
             updated_at = ? WHERE event_id = ? AND target_id = ?`,
          seq++,
          now,
          now,
          row.event_id,
          row.target_id,
        );
      }
      for (const eventId of new Set(rows.map((r) => r.event_id))) {
        this.refreshEventStatus(eventId, now);
      }
      queued = rows.length;
    });
    if (queued > 0) await this.alarmNoLaterThan(now);
    return queued;
  }

  // ---------------------------------------------------------------- stats

  async stats(): Promise<ShardStats> {
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

  // ---------------------------------------------------------------- helpers

  /** Reserves `count` delivery sequence numbers; deliveries of a message go out in seq order. */
  private nextSeq(count: number): number {
    const current = this.ctx.storage.kv.get<number>("seq") ?? 1;
    this.ctx.storage.kv.put("seq", current + count);
    return current;
  }

  private bump(name: string, by: number): void {
    if (by === 0) return;
    this.sql.exec(
      "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
      name,
      by,
    );
  }
}

function isSendable(target: DeliveryTarget): boolean {
  return target.enabled && target.state === "active";
}

function record(
  reports: Map<string, OutcomeReport>,
  targetId: string,
  kind: "delivered" | "retry" | "failed" | "gone",
  error: string | null,
  at: number,
): void {
  const report = reports.get(targetId) ?? {
    targetId,
    reachable: false,
    trailingFailures: 0,
    firstTrailingFailureAt: null,
    lastError: null,
    gone: false,
  };
  if (kind === "gone") report.gone = true;
  if (kind === "retry") {
    report.trailingFailures += 1;
    report.firstTrailingFailureAt ??= at;
    report.lastError = error;
  } else {
    report.reachable = true;
    report.trailingFailures = 0;
    report.firstTrailingFailureAt = null;
  }
  reports.set(targetId, report);
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

function toSummary(row: EventRow, deliveries: DeliverySummary[]): EventSummary {
  return {
    id: row.id,
    receivedAt: new Date(row.received_at).toISOString(),
    type: row.type,
    messageId: row.message_id,
    direction: row.direction,
    owner: row.owner,
    status: row.status as EventStatus,
    deliveries,
  };
}

function errorName(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : "unknown error";
}
