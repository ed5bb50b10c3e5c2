import { app } from "./app.ts";
import { forEachShard } from "./bindings.ts";
import type { RelayEnv } from "./config.ts";

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
    ctx.waitUntil(forEachShard(env, (shard) => shard.ensureAlarm()));
  },
} satisfies ExportedHandler<RelayEnv>;
