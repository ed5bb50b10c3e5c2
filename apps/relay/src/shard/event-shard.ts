import { DurableObject } from "cloudflare:workers";
import { configStub } from "../bindings.ts";
import { type RelayEnv, readSettings, type Settings } from "../config.ts";
import { DeliveryRun } from "../delivery/run.ts";
import type { KeyFilter } from "../epochs/key-filter.ts";
import { ArchiveQueue } from "../media/archive-queue.ts";
import { publishToTail } from "../tail/tail-hub.ts";
import type { TargetsSnapshot } from "../targets/model.ts";
import { targetWants } from "../targets/model.ts";
import { DeliveryQueue } from "./delivery-queue.ts";
import { EpochClosure } from "./epoch-closure.ts";
import { EventStore } from "./event-store.ts";
import { migrate, SHARD_MIGRATIONS } from "./migrations.ts";
import { ShardQueries } from "./queries.ts";
import { replayDeliveries } from "./replay-deliveries.ts";
import { Retention } from "./retention.ts";
import { TargetCache, targetChanges } from "./target-cache.ts";
import type {
  EventFilter,
  IngestOutcome,
  IngestRecord,
  ListedEvent,
  ReplayResult,
  ShardStats,
  StoredEventDetail,
} from "./types.ts";

/** How an alarm request relates to the alarm already set (see `wakeAt`). */
type AlarmRule = "no-later" | "exactly" | "if-unset";

/**
 * One shard of the event store: a SQLite-backed Durable Object holding the events of the
 * messages that hash to it, their deliveries and every attempt. A thin actor: the work is done
 * by its capabilities (store, queries, delivery run, archive queue, retention); it owns the
 * transactions and the one alarm, set to the earliest moment any capability needs.
 */
export class EventShard extends DurableObject<RelayEnv> {
  private readonly settings: Settings;
  private readonly store: EventStore;
  private readonly queries: ShardQueries;
  private readonly queue: DeliveryQueue;
  private readonly targets: TargetCache;
  private readonly delivery: DeliveryRun;
  private readonly archive: ArchiveQueue;
  private readonly retention: Retention;
  private readonly closure: EpochClosure;

  constructor(ctx: DurableObjectState, env: RelayEnv) {
    super(ctx, env);
    const { sql, kv } = ctx.storage;
    const transaction = (work: () => void) => ctx.storage.transactionSync(work);
    this.settings = readSettings(env);
    transaction(() => migrate(sql, SHARD_MIGRATIONS));
    this.store = new EventStore(sql, kv);
    this.closure = new EpochClosure(sql, kv);
    this.queries = new ShardQueries(sql);
    this.queue = new DeliveryQueue(sql);
    this.targets = new TargetCache(
      () => configStub(env).snapshot(),
      kv,
      (work) => ctx.waitUntil(work),
    );
    this.archive = new ArchiveQueue(sql, env);
    this.retention = new Retention(sql, this.store, this.archive, this.settings.retentionMs);
    this.delivery = new DeliveryRun({
      store: this.store,
      queue: this.queue,
      targets: this.targets,
      transaction,
      report: (reports) => configStub(env).reportOutcomes(reports),
      publish: (outcomes) =>
        publishToTail(
          env,
          outcomes.map((delivery) => ({ delivery })),
        ),
      retryBaseMs: this.settings.retryBaseMs,
    });
    // An alarm whose retries ran out (or an object reset mid-run) leaves work without an
    // alarm; whoever wakes the object next puts it back.
    void ctx.blockConcurrencyWhile(() => this.ensureAlarm());
  }

  /**
   * Sets an alarm for now when there is work (a pending delivery or media copy, or events to
   * purge one day) and none is set. Called on wake-up and by the Worker's cron watchdog.
   */
  async ensureAlarm(): Promise<void> {
    const work = this.queue.hasPending() || this.archive.hasPending() || this.retention.hasEvents();
    if (work) await this.wakeAt(Date.now(), "if-unset");
  }

  /**
   * Stores a batch in one transaction: each new event, and for accepted ones a pending
   * delivery per target that wants it. Resolves only once the write is durable, which is
   * what lets the Worker answer 200. `openUntil`: when this shard's epoch stops taking new
   * messages (src/epochs/model.ts); the records it then declines are named in the outcome.
   */
  async ingest(
    records: IngestRecord[],
    route?: { openUntil: number | null },
  ): Promise<IngestOutcome> {
    const { targets } = await this.targets.forAccept();
    const now = Date.now();
    const { outcome, deliveries, mediaQueued } = this.ctx.storage.transactionSync(() => {
      this.closure.learn(route?.openUntil);
      const { taken, declined } = this.closure.split(records, now);
      const batch = this.store.insertBatch(
        taken,
        (record) => targets.filter((t) => targetWants(t, record)).map((t) => t.id),
        now,
      );
      let media = 0;
      for (const record of batch.inserted) {
        if (record.archiveMedia) media += this.archive.enqueue(record.id, record.archiveMedia, now);
      }
      if (declined.length > 0) batch.outcome.declined = declined;
      return { ...batch, mediaQueued: media };
    });
    // First delivery starts right away, not at the next poll; otherwise make sure the purge
    // of what was just stored is scheduled.
    const stored = outcome.accepted + outcome.quarantined;
    if (deliveries + mediaQueued > 0) await this.wakeAt(now, "no-later");
    else if (stored > 0) await this.wakeAt(now + this.settings.retentionMs, "no-later");
    return outcome;
  }

  /**
   * The watchdog closes an old epoch's shards for new messages (at `at`, when the next epoch
   * opened) and asks whether they still hold anything: an epoch whose shards are all empty is
   * retired.
   */
  async closeEpoch(at: number): Promise<{ empty: boolean }> {
    this.ctx.storage.transactionSync(() => this.closure.learn(at));
    return { empty: !this.retention.hasEvents() };
  }

  /**
   * What a Worker needs to route past this shard once its epoch is closed (at `openUntil`,
   * learned here first, as an ingest with that route would): a filter of the keys it holds.
   * Null while the shard is still open or holds too many keys; the Worker then offers it
   * every record, as before.
   */
  async closedKeys(openUntil: number): Promise<KeyFilter | null> {
    this.ctx.storage.transactionSync(() => this.closure.learn(openUntil));
    return this.closure.keyFilter(Date.now());
  }

  /** The Config object pushes each new snapshot here; older versions are ignored. */
  async applyTargets(snapshot: TargetsSnapshot): Promise<void> {
    const before = this.targets.apply(snapshot);
    if (before === undefined) return;
    const now = Date.now();
    const { resumed, removed } = targetChanges(before, snapshot);
    // A target that is back gets its backlog now rather than at the end of backoffs that only
    // measured its outage. Never on first sight: a fresh shard knows no "before".
    if (before) for (const targetId of resumed) this.store.makeDueNow(targetId, now);
    // A deleted target's pending deliveries must be marked failed: run the alarm now.
    if (removed) await this.wakeAt(now, "no-later");
    else if (resumed.length > 0) await this.wakeAt(this.nextWake(snapshot), "exactly");
  }

  /**
   * Sends due deliveries and copies due media (bounded batches), purges events past
   * retention, and sets the next alarm. Errors other than a delivery's own propagate, so the
   * platform retries the alarm.
   */
  override async alarm(): Promise<void> {
    const snapshot = await this.targets.forDelivery();
    const now = Date.now();
    const next = await Promise.all([this.delivery.run(snapshot, now), this.archive.run(now)]);
    const purge = this.ctx.storage.transactionSync(() => this.retention.purgeDue(now));
    // The media copies go with the events. If this delete fails the alarm is retried, but
    // the rows are gone: an orphaned object costs storage, never correctness.
    if (purge.orphanedMedia.length > 0) await this.env.MEDIA?.delete(purge.orphanedMedia);
    await this.wakeAt(earliest([...next, purge.nextWakeAt]), "exactly");
  }

  async list(filter: EventFilter): Promise<ListedEvent[]> {
    return this.queries.list(filter);
  }

  async get(id: string): Promise<StoredEventDetail | null> {
    return this.queries.get(id);
  }

  async stats(): Promise<ShardStats> {
    return this.queries.stats();
  }

  /**
   * Queues a fresh delivery of one event: to `targetId`, or to every target that wants it now.
   * Returns null when the event is not in this shard.
   */
  async replay(eventId: string, targetId?: string): Promise<ReplayResult> {
    const row = this.queries.event(eventId);
    if (!row) return null;
    if (row.status === "quarantined") return { error: "quarantined" };
    const { targets } = await this.targets.forDelivery();
    const chosen = replayDeliveries(row, targets, targetId);
    if ("error" in chosen) return chosen;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => this.store.requeue(chosen.deliveries, now));
    await this.wakeAt(now, "no-later");
    return { queued: chosen.deliveries.length };
  }

  /** Re-queues every failed or dead delivery (of one target, if given). */
  async retryDeliveries(status: "failed" | "dead", targetId?: string): Promise<number> {
    const now = Date.now();
    const queued = this.ctx.storage.transactionSync(() => {
      const deliveries = this.queue.finished(status, targetId);
      this.store.requeue(deliveries, now);
      return deliveries.length;
    });
    if (queued > 0) await this.wakeAt(now, "no-later");
    return queued;
  }

  /** The earliest moment any capability has work: a delivery or probe, a media copy, a purge. */
  private nextWake(snapshot: TargetsSnapshot): number | null {
    return earliest([
      this.delivery.nextWake(snapshot),
      this.archive.nextWake(),
      this.retention.nextWake(),
    ]);
  }

  /**
   * The one place the alarm is set. `no-later`: fire by `at`, keeping an earlier alarm;
   * `exactly`: fire at `at` (never in the past), or not at all when `at` is null;
   * `if-unset`: only when no alarm is set.
   */
  private async wakeAt(at: number | null, rule: AlarmRule): Promise<void> {
    const storage = this.ctx.storage;
    if (at === null) {
      if (rule === "exactly") await storage.deleteAlarm();
      return;
    }
    if (rule !== "exactly") {
      const current = await storage.getAlarm();
      if (current !== null && (rule === "if-unset" || current <= at)) return;
    }
    await storage.setAlarm(rule === "exactly" ? Math.max(Date.now(), at) : at);
  }
}

function earliest(moments: (number | null)[]): number | null {
  const known = moments.filter((at): at is number => at !== null);
  return known.length > 0 ? Math.min(...known) : null;
}
