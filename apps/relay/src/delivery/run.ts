import { describeError } from "../describe-error.ts";
import type { DeliveryQueue, DueDelivery } from "../shard/delivery-queue.ts";
import type { EventStore } from "../shard/event-store.ts";
import { isProbeDue, isSendable, type TargetCache } from "../shard/target-cache.ts";
import type { DeliveryOutcome, DeliveryStatus } from "../shard/types.ts";
import type { OutcomeReport } from "../targets/breaker.ts";
import type { DeliveryTarget, TargetsSnapshot } from "../targets/model.ts";
import { type AttemptClass, classifyAttempt, decide } from "./policy.ts";
import { sendDelivery } from "./send.ts";

/** How many deliveries one run takes on per target. */
export const DELIVERY_BATCH = 50;
/** A Worker has 6 simultaneous outbound connections; more would only queue. */
export const DELIVERY_CONCURRENCY = 6;
/** After this long, a run starts no new attempt (in-flight ones finish). */
export const DELIVERY_RUN_BUDGET_MS = 5_000;
/** How many deliveries of deleted targets one run marks failed. */
const ORPHAN_BATCH = 500;
/** How often a shard tells the Config object that a target is healthy (see ReportThrottle). */
const HEALTHY_REPORT_EVERY_MS = 10_000;

/** What a delivery run works with; the shard owns each of them. */
export interface DeliveryRunDeps {
  store: EventStore;
  queue: DeliveryQueue;
  targets: TargetCache;
  /** The shard's `transactionSync`: each attempt is recorded in a transaction of its own. */
  transaction: (work: () => void) => void;
  /** Hands the runs' outcomes to the breaker (the Config object). */
  report: (reports: OutcomeReport[]) => Promise<void>;
  /** Tells the live tail how each attempt ended (best effort). */
  publish: (outcomes: DeliveryOutcome[]) => Promise<void>;
  retryBaseMs: number;
}

/**
 * The delivery side of a shard's alarm: sends due deliveries, records every attempt, tells
 * the breaker how each target did, and says when it next needs to run.
 */
export class DeliveryRun {
  private readonly throttle = new ReportThrottle();
  constructor(private readonly deps: DeliveryRunDeps) {}

  /** One bounded run; resolves to the moment the next one is due (null: nothing pending). */
  async run(snapshot: TargetsSnapshot, now: number): Promise<number | null> {
    // A full batch of a deleted target's deliveries may have left more: run again at once.
    const moreOrphans = this.failOrphans(snapshot, now);
    const outcomes: DeliveryOutcome[] = [];
    const reports = this.throttle.worthTelling(await this.sendDue(snapshot, now, outcomes), now);
    await this.deps.publish(outcomes);
    if (reports.length > 0) {
      try {
        await this.deps.report(reports);
      } catch (err) {
        // Breaker bookkeeping is best effort; deliveries are already recorded.
        console.warn("could not report delivery outcomes", describeError(err));
      }
    }
    if (moreOrphans) return now;
    // The report may have brought a new snapshot (a circuit opened): plan with the latest.
    return this.nextWake(this.deps.targets.current ?? snapshot);
  }

  /**
   * Marks failed the pending deliveries whose target was deleted, a batch at most (cheap: the
   * queue finds the targets with pending work by a skip scan). True when a full batch may have
   * left more.
   */
  private failOrphans(snapshot: TargetsSnapshot, now: number): boolean {
    const { store, queue, transaction } = this.deps;
    const orphans = queue.orphans(
      snapshot.targets.map((t) => t.id),
      ORPHAN_BATCH,
    );
    if (orphans.length > 0) transaction(() => store.failDeliveries(orphans, "target deleted", now));
    return orphans.length === ORPHAN_BATCH;
  }

  /** The earliest due delivery to a sendable target, or probe of an open circuit. */
  nextWake(snapshot: TargetsSnapshot): number | null {
    const { queue } = this.deps;
    const candidates: number[] = [];
    const due = queue.nextDueAt(snapshot.targets.filter(isSendable).map((t) => t.id));
    if (due !== null) candidates.push(due);
    for (const t of snapshot.targets) {
      if (t.enabled && t.state === "circuit_open" && t.probeAt !== null && queue.hasPending(t.id)) {
        candidates.push(t.probeAt);
      }
    }
    return candidates.length > 0 ? Math.min(...candidates) : null;
  }

  /**
   * One lane per target with due work, so a slow target only ever holds its own share of the
   * connections. A probe of an open circuit is one delivery, whatever its backoff: the
   * question is whether the target answers again, not whether this delivery is due.
   */
  private async sendDue(
    snapshot: TargetsSnapshot,
    now: number,
    outcomes: DeliveryOutcome[],
  ): Promise<OutcomeReport[]> {
    const lanes: { target: DeliveryTarget; rows: DueDelivery[] }[] = [];
    for (const target of snapshot.targets) {
      const probe = isProbeDue(target, now);
      if (!isSendable(target) && !probe) continue;
      const rows = this.deps.queue.dueFor(
        target.id,
        probe ? Number.MAX_SAFE_INTEGER : now,
        probe ? 1 : DELIVERY_BATCH,
      );
      if (rows.length > 0) lanes.push({ target, rows });
    }
    if (lanes.length === 0) return [];

    const tally = new OutcomeTally();
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
            const row = rows[next++] as DueDelivery;
            const outcome = await this.attempt(target, row, outcomes);
            if (outcome.kind === "gone") gone = true;
            tally.add(target.id, outcome.kind, outcome.error, Date.now());
          }
        };
        await Promise.all(Array.from({ length: Math.min(perLane, rows.length) }, worker));
        // Stop sending to a target that answered 410 until the Config object disables it.
        if (gone) this.deps.targets.markGone(target.id);
      }),
    );
    return tally.reports();
  }

  /** Sends one delivery and records the attempt and its consequence in one transaction. */
  private async attempt(
    target: DeliveryTarget,
    row: DueDelivery,
    outcomes: DeliveryOutcome[],
  ): Promise<{ kind: AttemptClass["kind"]; error: string | null }> {
    const attempt = row.attempt_count + 1;
    const result = await sendDelivery({
      target,
      eventId: row.event_id,
      normalizedJson: row.normalized,
      attempt,
      traceparent: row.trace_parent,
    });
    const finishedAt = Date.now();
    const outcome = classifyAttempt(result.statusCode, result.retryAfter, finishedAt);
    const decision = decide(
      outcome,
      attempt,
      target.maxAttempts,
      this.deps.retryBaseMs,
      finishedAt,
    );
    // 410: the delivery waits (pending) for the target to be re-enabled.
    const status: DeliveryStatus = decision.status === "gone" ? "pending" : decision.status;
    const nextAttemptAt = "nextAttemptAt" in decision ? decision.nextAttemptAt : null;
    this.deps.transaction(() =>
      this.deps.store.recordAttempt({
        eventId: row.event_id,
        targetId: row.target_id,
        attempt,
        lifetimeAttempt: row.total_attempts + 1,
        finishedAt,
        result,
        status,
        nextAttemptAt,
        outcome: decision.status === "pending" ? "retried" : decision.status,
      }),
    );
    outcomes.push({
      eventId: row.event_id,
      targetId: target.id,
      targetName: target.name,
      attempt,
      status,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error,
      nextAttemptAt: nextAttemptAt === null ? null : new Date(nextAttemptAt).toISOString(),
    });
    return { kind: outcome.kind, error: result.error };
  }
}

/** Sums up one run per target for the breaker: reachable at all, and the failures since. */
class OutcomeTally {
  private readonly byTarget = new Map<string, OutcomeReport>();

  add(targetId: string, kind: AttemptClass["kind"], error: string | null, at: number): void {
    const report = this.byTarget.get(targetId) ?? {
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
    this.byTarget.set(targetId, report);
  }

  reports(): OutcomeReport[] {
    return [...this.byTarget.values()];
  }
}

/**
 * Failures always reach the breaker; an all-good run only every HEALTHY_REPORT_EVERY_MS per
 * target, which keeps resetting the failure count (the breaker needs an hour of failures)
 * without one Config round trip per busy run.
 */
class ReportThrottle {
  private readonly lastHealthy = new Map<string, number>();

  worthTelling(reports: OutcomeReport[], now: number): OutcomeReport[] {
    return reports.filter((report) => {
      const healthy = report.reachable && report.trailingFailures === 0 && !report.gone;
      if (!healthy) {
        this.lastHealthy.delete(report.targetId);
        return true;
      }
      const last = this.lastHealthy.get(report.targetId);
      if (last !== undefined && now - last < HEALTHY_REPORT_EVERY_MS) return false;
      this.lastHealthy.set(report.targetId, now);
      return true;
    });
  }
}
