import type { RelayEnv } from "../config.ts";
import type { EventShard } from "./event-shard.ts";

/**
 * Which shard holds a message: FNV-1a of `message.id`, so every event of one message lands in
 * one single-threaded shard (what makes per-message ordering possible). Changing SHARD_COUNT
 * moves messages between shards: set it once, before going live.
 */
export function shardIndexFor(key: string, shardCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shardCount;
}

export function shardName(index: number): string {
  return `shard-${index}`;
}

export function shardStub(env: RelayEnv, index: number): DurableObjectStub<EventShard> {
  return env.EVENT_SHARD.get(env.EVENT_SHARD.idFromName(shardName(index)));
}

export function allShards(env: RelayEnv, shardCount: number): DurableObjectStub<EventShard>[] {
  return Array.from({ length: shardCount }, (_, i) => shardStub(env, i));
}
