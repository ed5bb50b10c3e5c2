import { app } from "./app.ts";
import type { RelayEnv } from "./config.ts";
import { readSettings } from "./config.ts";
import { allShards } from "./shard/sharding.ts";

export { EventShard } from "./shard/event-shard.ts";
export { TailHub } from "./tail/tail-hub.ts";
export { ConfigStore } from "./targets/config-store.ts";

export default {
  fetch: app.fetch,
  /**
   * The cron watchdog (wrangler.jsonc `triggers`): a shard whose alarm was lost (its retries
   * ran out, or it was reset mid-run) with work still pending gets a new one. Cheap: one
   * RPC per shard that reads an index or two.
   */
  async scheduled(_controller, env, ctx) {
    const shards = allShards(env, readSettings(env).shardCount);
    ctx.waitUntil(Promise.all(shards.map((shard) => shard.ensureAlarm())));
  },
} satisfies ExportedHandler<RelayEnv>;
