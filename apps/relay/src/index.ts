import { app } from "./app.ts";
import type { RelayEnv } from "./config.ts";
import { forEachShard } from "./epochs/live-shards.ts";
import { retireDrainedEpochs } from "./epochs/retire.ts";

export { EventShard } from "./shard/event-shard.ts";
export { TailHub } from "./tail/tail-hub.ts";
export { ConfigStore } from "./targets/config-store.ts";

export default {
  fetch: app.fetch,
  /**
   * The cron watchdog (wrangler.jsonc `triggers`): a shard of any live epoch whose alarm was
   * lost (its retries ran out, or it was reset mid-run) with work still pending gets a new
   * one, and drained shard epochs are retired. Cheap: an RPC or two per shard that reads an
   * index or two.
   */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      Promise.all([forEachShard(env, (shard) => shard.ensureAlarm()), retireDrainedEpochs(env)]),
    );
  },
} satisfies ExportedHandler<RelayEnv>;
