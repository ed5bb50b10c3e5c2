import {
  configStub,
  type FanOut,
  fanOut,
  type ShardRef,
  type ShardStub,
  shardsOf,
} from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { keepClosedFiltersOf } from "./closed-filters.ts";
import { settingReport } from "./epoch-history.ts";
import { liveEpochs, type ShardEpoch } from "./model.ts";

/**
 * How long a Worker instance trusts the epoch history it read. A change reaches every instance
 * within this time; until then an instance that has not seen it still routes correctly (a
 * closed shard declines new messages and the Worker re-reads, see routes/callbacks.ts), and
 * only its listings miss the new epoch's events.
 */
export const EPOCH_CACHE_MS = 15_000;

let cached: { history: ShardEpoch[]; readAt: number } | null = null;

/**
 * The shard epochs, from this instance's copy when fresh (or when the Config object cannot be
 * reached and a copy exists), else from the Config object.
 */
export async function shardEpochs(env: RelayEnv, opts: { fresh?: boolean } = {}) {
  const now = Date.now();
  if (!opts.fresh && cached && now - cached.readAt < EPOCH_CACHE_MS) return cached.history;
  try {
    const history = await configStub(env).shardEpochs(settingReport(env));
    remember(history, now);
    return history;
  } catch (err) {
    if (!cached) throw err;
    console.warn("shard epochs could not be re-read; using the copy read before");
    return cached.history;
  }
}

/** Takes a history the Config object just answered (after a change made here). */
export function rememberEpochs(history: ShardEpoch[]): void {
  remember(history, Date.now());
}

function remember(history: ShardEpoch[], readAt: number): void {
  cached = { history, readAt };
  keepClosedFiltersOf(liveEpochs(history).map((e) => e.epoch));
}

/** Forgets the copy, and the closed shards' key filters (tests reset storage under them). */
export function forgetEpochs(): void {
  cached = null;
  keepClosedFiltersOf([]);
}

/** Every shard that may hold events: those of every live epoch. */
export async function liveShards(env: RelayEnv): Promise<ShardRef[]> {
  return shardsOf(env, liveEpochs(await shardEpochs(env)));
}

/** Calls every live shard at once, answers in shard order; the first failure rejects. */
export async function forEachShard<T>(
  env: RelayEnv,
  call: (shard: ShardStub) => Promise<T>,
): Promise<T[]> {
  return Promise.all((await liveShards(env)).map((s) => call(s.stub)));
}

/** Calls every live shard a few at a time; failures are named, not thrown (bindings.ts). */
export async function fanOutShards<T>(
  env: RelayEnv,
  call: (shard: ShardStub) => Promise<T>,
): Promise<FanOut<T>> {
  return fanOut(await liveShards(env), call);
}
