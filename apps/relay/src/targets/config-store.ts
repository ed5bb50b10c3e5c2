import { DurableObject } from "cloudflare:workers";
import { generateSecret } from "@bw-relay/schema";
import { forEachShardSettled } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { applyReport, emptyBreaker, type OutcomeReport } from "./breaker.ts";
import type { CreateTargetInput, UpdateTargetInput } from "./input.ts";
import {
  type Target,
  type TargetRecord,
  type TargetsSnapshot,
  toDeliveryTarget,
  toPublicTarget,
} from "./model.ts";

/** How long a rotated-out secret keeps signing, so receivers can roll over without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

const PREFIX = "target:";

/**
 * The Config Durable Object: the targets, their secrets and breaker state. Every change bumps
 * a version and is pushed to all shards, so they route without a round trip per event.
 */
export class ConfigStore extends DurableObject<RelayEnv> {
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
  async createTarget(input: CreateTargetInput): Promise<{ target: Target; secret: string }> {
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
      previousSecret: null,
      previousSecretExpiresAt: null,
      breaker: emptyBreaker(),
    };
    await this.save([record]);
    return { target: toPublicTarget(record), secret };
  }

  async updateTarget(id: string, patch: UpdateTargetInput): Promise<Target | null> {
    const record = this.record(id);
    if (!record) return null;
    const { enabled, secret, ...rest } = patch;
    const next: TargetRecord = { ...record, ...rest, updatedAt: new Date().toISOString() };
    if (secret !== undefined) {
      next.secret = secret;
      next.previousSecret = null;
      next.previousSecretExpiresAt = null;
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
    return toPublicTarget(next);
  }

  async deleteTarget(id: string): Promise<boolean> {
    if (!this.record(id)) return false;
    this.ctx.storage.kv.delete(PREFIX + id);
    await this.bumpAndBroadcast();
    return true;
  }

  /** A new secret signs from now on; the old one also signs for ROTATION_OVERLAP_MS. */
  async rotateSecret(
    id: string,
  ): Promise<{ secret: string; previousSecretExpiresAt: string } | null> {
    const record = this.record(id);
    if (!record) return null;
    const now = Date.now();
    const secret = generateSecret();
    const expires = now + ROTATION_OVERLAP_MS;
    await this.save([
      {
        ...record,
        secret,
        previousSecret: record.secret,
        previousSecretExpiresAt: expires,
        updatedAt: new Date(now).toISOString(),
      },
    ]);
    // Shards stop signing with the old secret once the overlap is over.
    await this.ctx.storage.setAlarm(expires);
    return { secret, previousSecretExpiresAt: new Date(expires).toISOString() };
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

  /** A rotation overlap ended: push a snapshot without the old secret. */
  override async alarm(): Promise<void> {
    await this.bumpAndBroadcast();
  }

  private records(): TargetRecord[] {
    return Array.from(this.ctx.storage.kv.list<TargetRecord>({ prefix: PREFIX }), ([, r]) => r);
  }

  private record(id: string): TargetRecord | undefined {
    return this.ctx.storage.kv.get<TargetRecord>(PREFIX + id);
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
    const results = await forEachShardSettled(this.env, (shard) => shard.applyTargets(snapshot));
    const missed = results.filter((r) => r.status === "rejected").length;
    if (missed > 0) console.warn(`target snapshot v${snapshot.version} missed ${missed} shard(s)`);
  }
}
