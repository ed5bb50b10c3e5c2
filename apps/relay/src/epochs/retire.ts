import { configStub, fanOut, shardsOf } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { rememberEpochs, shardEpochs } from "./live-shards.ts";
import { routeSteps } from "./model.ts";

/**
 * The cron watchdog's part in scaling: every closed epoch's shards are told they are closed
 * (so none starts a message once the newer epoch opened, even for a Worker instance that has
 * not read it yet), and an epoch whose shards all hold nothing, every event purged after
 * RETENTION_HOURS, is retired: no listing or accept asks it again. Returns the epochs retired.
 */
export async function retireDrainedEpochs(env: RelayEnv): Promise<number[]> {
  const retired: number[] = [];
  for (const step of routeSteps(await shardEpochs(env, { fresh: true }))) {
    const closedAt = step.openUntil;
    if (closedAt === null) continue;
    const shards = shardsOf(env, [{ ...step, since: 0, retiredAt: null }]);
    const out = await fanOut(shards, (shard) => shard.closeEpoch(closedAt));
    if (out.failedShards.length > 0 || !out.results.every((r) => r.value.empty)) continue;
    rememberEpochs(await configStub(env).retireShardEpoch(step.epoch));
    retired.push(step.epoch);
  }
  return retired;
}
