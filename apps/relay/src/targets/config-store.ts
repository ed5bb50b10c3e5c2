import { DurableObject } from "cloudflare:workers";
import { generateSecret } from "@bw-relay/schema";
import { fanOut, shardsOf } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import {
  EpochHistory,
  type OpenRefusal,
  type SettingReport,
  settingReport,
} from "../epochs/epoch-history.ts";
import { liveEpochs, type ShardEpoch } from "../epochs/model.ts";
import { applyReport, emptyBreaker, type OutcomeReport } from "./breaker.ts";
import {
  type CreateTargetInput,
  LIMITS,
  targetSizeProblem,
  type UpdateTargetInput,
} from "./input.ts";
import {
  type DeliveryTarget,
  type Refusal,
  signingRetired,
  type Target,
  type TargetRecord,
  type TargetsSnapshot,
  toDeliveryTarget,
  toPublicTarget,
} from "./model.ts";
import { nextExpiry, rotated, type StoredTargetRecord, upgradeRecord } from "./secrets.ts";

const PREFIX = "target:";

function tooLarge(record: TargetRecord): Refusal | null {
  const problem = targetSizeProblem(record);
  return problem
    ? { refused: { status: 400, code: "invalid_request", message: `${problem}.` } }
    : null;
}

/**
 * The Config Durable Object: the targets, their secrets and breaker state, and the history of
 * shard epochs. Every target change bumps a version and is pushed to all shards, so they route
 * without a round trip per event.
 */
export class ConfigStore extends DurableObject<RelayEnv> {
  private readonly epochs = new EpochHistory(this.ctx.storage.kv);

  /** The shard epochs, brought up to date with the SHARD_COUNT the caller's version reads. */
  async shardEpochs(report: SettingReport): Promise<ShardEpoch[]> {
    return this.epochs.sync(report, Date.now());
  }

  /** `POST /api/shards`: opens an epoch of `shardCount` shards for new messages. */
  async openShardEpoch(
    shardCount: number,
  ): Promise<{ opened: ShardEpoch; history: ShardEpoch[] } | { refused: OpenRefusal }> {
    this.epochs.sync(settingReport(this.env), Date.now());
    const opened = this.epochs.open(shardCount, Date.now());
    if (typeof opened === "string") return { refused: opened };
    // The new shards learn the targets now rather than on their first event.
    await this.bumpAndBroadcast();
    return { opened, history: this.epochs.all() };
  }

  /** A closed epoch whose shards are all empty is never asked again (the cron watchdog). */
  async retireShardEpoch(epoch: number): Promise<ShardEpoch[]> {
    this.epochs.retire(epoch, Date.now());
    return this.epochs.all();
  }

  async listTargets(): Promise<Target[]> {
    const now = Date.now();
    return this.records()
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((r) => toPublicTarget(r, now));
  }

  async getTarget(id: string): Promise<Target | null> {
    const record = this.record(id);
    return record ? toPublicTarget(record) : null;
  }

  /** Creates a target; the secret (given or generated) is returned here and never again. */
  async createTarget(
    input: CreateTargetInput,
  ): Promise<{ target: Target; secret: string } | Refusal> {
    // Every shard holds every target: their number bounds what each snapshot push carries.
    if (this.records().length >= LIMITS.targets) {
      const message = `This relay already has ${LIMITS.targets} targets, the most it keeps; delete one first.`;
      return { refused: { status: 409, code: "too_many_targets", message } };
    }
    const now = new Date().toISOString();
    const { secret: given, ...fields } = input;
    const secret = given ?? generateSecret();
    const record: TargetRecord = {
      ...fields,
      id: `tgt_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`,
      state: input.enabled ? "active" : "paused",
      stateReason: input.enabled ? null : "Paused by an operator.",
      createdAt: now,
      updatedAt: now,
      secret,
      previousSecrets: [],
      breaker: emptyBreaker(),
    };
    const refusal = tooLarge(record);
    if (refusal) return refusal;
    await this.save([record]);
    return { target: toPublicTarget(record), secret };
  }

  async updateTarget(
    id: string,
    patch: UpdateTargetInput,
  ): Promise<{ target: Target } | Refusal | null> {
    const record = this.record(id);
    if (!record) return null;
    const { enabled, secret, ...rest } = patch;
    const next: TargetRecord = { ...record, ...rest, updatedAt: new Date().toISOString() };
    // The size cap is on the result: a patch of one field can push the whole over it.
    const refusal = tooLarge(next);
    if (refusal) return refusal;
    if (secret !== undefined) {
      // The operator names the one secret that signs: every overlap ends now.
      next.secret = secret;
      next.previousSecrets = [];
    }
    if (enabled === true) {
      // Re-enabling clears a pause, a 410 and an open circuit alike: the operator says go.
      next.enabled = true;
      next.state = "active";
      next.stateReason = null;
      next.breaker = emptyBreaker();
    } else if (enabled === false) {
      next.enabled = false;
      next.state = "paused";
      next.stateReason = "Paused by an operator.";
    }
    await this.save([next]);
    if (secret !== undefined) await this.armExpiryAlarm(Date.now());
    return { target: toPublicTarget(next) };
  }

  async deleteTarget(id: string): Promise<boolean> {
    if (!this.record(id)) return false;
    this.ctx.storage.kv.delete(PREFIX + id);
    await this.bumpAndBroadcast();
    await this.armExpiryAlarm(Date.now());
    return true;
  }

  /**
   * A new secret signs from now on; the one it replaces also signs for ROTATION_OVERLAP_MS,
   * as do the ones rotated out before it, each until its own overlap ends.
   */
  async rotateSecret(
    id: string,
    given?: string,
  ): Promise<
    | {
        secret: string;
        previousSecretExpiresAt: string;
        previousSecrets: { expiresAt: string }[];
      }
    | Refusal
    | null
  > {
    const record = this.record(id);
    if (!record) return null;
    const now = Date.now();
    const secret = given ?? generateSecret();
    const result = rotated(record, secret, now);
    if ("refused" in result) return result;
    await this.save([result.record]);
    await this.armExpiryAlarm(now);
    return {
      secret,
      previousSecretExpiresAt: new Date(result.expiresAt).toISOString(),
      previousSecrets: toPublicTarget(result.record, now).previousSecrets,
    };
  }

  /** One target as shards see it, secrets included (for a test delivery; RPC only). */
  async deliveryTarget(id: string): Promise<DeliveryTarget | null> {
    const record = this.record(id);
    return record ? toDeliveryTarget(record, Date.now()) : null;
  }

  /** What shards route and sign with; secrets included (RPC within the relay only). */
  async snapshot(): Promise<TargetsSnapshot> {
    const now = Date.now();
    return {
      version: this.version(),
      targets: this.records().map((r) => toDeliveryTarget(r, now)),
    };
  }

  /** Breaker and 410 bookkeeping from the shards' delivery runs. */
  async reportOutcomes(reports: OutcomeReport[]): Promise<void> {
    const now = Date.now();
    const changed: TargetRecord[] = [];
    let stateChanged = false;
    for (const report of reports) {
      const record = this.record(report.targetId);
      if (!record || (!record.enabled && !report.gone)) continue;
      const out = applyReport(record, report, now);
      if (out.state !== record.state || out.breaker.probeAt !== record.breaker.probeAt) {
        stateChanged = true;
      }
      changed.push({
        ...record,
        state: out.state,
        stateReason: out.stateReason === undefined ? record.stateReason : out.stateReason,
        enabled: out.enabled ?? record.enabled,
        breaker: out.breaker,
      });
    }
    if (changed.length === 0) return;
    // A state change is pushed to every shard (the reporting one included) before this
    // returns, so no shard sends to a target whose circuit has just opened.
    if (stateChanged) await this.save(changed);
    else for (const record of changed) this.ctx.storage.kv.put(PREFIX + record.id, record);
  }

  /**
   * A rotation overlap ended: forget the secrets whose time is up, push a snapshot without
   * them, and wake again when the next one ends.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const record of this.records()) {
      const signing = signingRetired(record, now);
      if (signing.length === record.previousSecrets.length) continue;
      this.ctx.storage.kv.put(PREFIX + record.id, { ...record, previousSecrets: signing });
    }
    await this.bumpAndBroadcast();
    await this.armExpiryAlarm(now);
  }

  /** One alarm, at the earliest end of any overlap: shards sign with a secret until then. */
  private async armExpiryAlarm(now: number): Promise<void> {
    const next = nextExpiry(this.records(), now);
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  private records(): TargetRecord[] {
    const stored = this.ctx.storage.kv.list<StoredTargetRecord>({ prefix: PREFIX });
    return Array.from(stored, ([, r]) => upgradeRecord(r));
  }

  private record(id: string): TargetRecord | undefined {
    const stored = this.ctx.storage.kv.get<StoredTargetRecord>(PREFIX + id);
    return stored && upgradeRecord(stored);
  }

  private version(): number {
    return this.ctx.storage.kv.get<number>("version") ?? 0;
  }

  private save(records: TargetRecord[]): Promise<void> {
    for (const record of records) this.ctx.storage.kv.put(PREFIX + record.id, record);
    return this.bumpAndBroadcast();
  }

  /**
   * Pushes the new snapshot to every shard. Admin calls wait for it, so a change is in force
   * everywhere when the API answers; a shard that misses a push re-reads within its TTL.
   */
  private async bumpAndBroadcast(): Promise<void> {
    this.ctx.storage.kv.put("version", this.version() + 1);
    const snapshot = await this.snapshot();
    const history = this.epochs.sync(settingReport(this.env), Date.now());
    const shards = shardsOf(this.env, liveEpochs(history));
    const { failedShards } = await fanOut(shards, (shard) => shard.applyTargets(snapshot));
    if (failedShards.length > 0) {
      console.warn(
        `target snapshot v${snapshot.version} missed shard(s) ${failedShards.join(", ")}`,
      );
    }
  }
}
