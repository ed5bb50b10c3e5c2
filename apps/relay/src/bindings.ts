import { type RelayEnv, readSettings } from "./config.ts";

/**
 * Every Durable Object stub the relay uses, made in one place by name. Nothing here imports a
 * Durable Object class: the stubs are typed through the generated `Env`, so a module that
 * talks to another object never depends on that object's module (no import cycles).
 */

/** The name of shard `index`; a shard's identity is its name, so these never change. */
export function shardName(index: number): string {
  return `shard-${index}`;
}

export function shardStub(env: RelayEnv, index: number) {
  return env.EVENT_SHARD.getByName(shardName(index));
}

export type ShardStub = ReturnType<typeof shardStub>;

/** Every shard of the relay (`SHARD_COUNT` of them). */
export function allShards(env: RelayEnv): ShardStub[] {
  return Array.from({ length: readSettings(env).shardCount }, (_, i) => shardStub(env, i));
}

/** Calls every shard at once and gathers the answers in shard order; the first failure rejects. */
export function forEachShard<T>(
  env: RelayEnv,
  call: (shard: ShardStub) => Promise<T>,
): Promise<T[]> {
  return Promise.all(allShards(env).map(call));
}

/** Like forEachShard, but waits for every shard and reports each outcome. */
export function forEachShardSettled<T>(
  env: RelayEnv,
  call: (shard: ShardStub) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(allShards(env).map(call));
}

/** The one Config object: targets are few and change rarely, so one actor holds them all. */
export function configStub(env: RelayEnv) {
  return env.CONFIG.getByName("config");
}

/** The one live-tail hub. */
export function tailStub(env: RelayEnv) {
  return env.TAIL.getByName("tail");
}
