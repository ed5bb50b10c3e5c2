import { type RelayEnv, readSettings } from "./config.ts";
import { errorMessage } from "./describe-error.ts";
import { type ShardEpoch, shardName } from "./epochs/model.ts";

/**
 * Every Durable Object stub the relay uses, made in one place by name. Nothing here imports a
 * Durable Object class: the stubs are typed through the generated `Env`, so a module that
 * talks to another object never depends on that object's module (no import cycles).
 */

/** A shard by name, with its stub: what fan-outs call and report failures by. */
export interface ShardRef {
  name: string;
  stub: ShardStub;
}

/**
 * A shard by name, placed as SHARD_JURISDICTION and SHARD_LOCATION_HINT say. A jurisdiction is
 * part of an object's identity: changing it later starts new, empty shards. A location hint
 * only matters when a shard is first created.
 */
export function shardStub(env: RelayEnv, name: string) {
  const { shardJurisdiction, shardLocationHint } = readSettings(env);
  const namespace = shardJurisdiction ? inJurisdiction(env, shardJurisdiction) : env.EVENT_SHARD;
  return namespace.getByName(
    name,
    shardLocationHint ? { locationHint: shardLocationHint } : undefined,
  );
}

export type ShardStub = ReturnType<typeof shardStub>;

let jurisdictionUnsupported = false;

/**
 * The shards' namespace in a jurisdiction. The local runtime (`wrangler dev`, workerd) does
 * not implement jurisdictions and throws; there the setting is reported and ignored, so a
 * `.dev.vars` copied from production still runs. Deployed, it applies.
 */
function inJurisdiction(env: RelayEnv, jurisdiction: DurableObjectJurisdiction) {
  if (!jurisdictionUnsupported) {
    try {
      return env.EVENT_SHARD.jurisdiction(jurisdiction);
    } catch (err) {
      jurisdictionUnsupported = true;
      console.warn(
        `SHARD_JURISDICTION=${jurisdiction} is ignored: this runtime does not implement jurisdictions (${errorMessage(err)}); deployed, it applies`,
      );
    }
  }
  return env.EVENT_SHARD;
}

/** Every shard of the given epochs, oldest epoch first. */
export function shardsOf(env: RelayEnv, epochs: readonly ShardEpoch[]): ShardRef[] {
  return epochs.flatMap((e) =>
    Array.from({ length: e.shardCount }, (_, i) => {
      const name = shardName(e.epoch, i);
      return { name, stub: shardStub(env, name) };
    }),
  );
}

/**
 * A Worker keeps at most six connections open at once; more calls only queue behind them,
 * and a listing over 256 shards would hold its memory for all of them. Calls run at most this
 * many at a time.
 */
export const FAN_OUT_CONCURRENCY = 6;

/** What a fan-out got: the answers of the shards that answered, and the ones that failed. */
export interface FanOut<T> {
  results: { name: string; value: T }[];
  /** The names of the shards whose call failed. */
  failedShards: string[];
}

/**
 * Calls each shard, FAN_OUT_CONCURRENCY at a time, and gathers what each answered in the
 * order given: a shard that fails is named in `failedShards` instead of failing the whole call
 * (a listing says it is partial; a snapshot push names the shards that re-read it later).
 */
export async function fanOut<T>(
  shards: readonly ShardRef[],
  call: (shard: ShardStub) => Promise<T>,
): Promise<FanOut<T>> {
  const answers: ({ value: T } | null)[] = new Array(shards.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < shards.length) {
      const index = next++;
      try {
        answers[index] = { value: await call((shards[index] as ShardRef).stub) };
      } catch {
        answers[index] = null;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FAN_OUT_CONCURRENCY, shards.length) }, worker));
  const out: FanOut<T> = { results: [], failedShards: [] };
  shards.forEach((shard, i) => {
    const answer = answers[i];
    if (answer) out.results.push({ name: shard.name, value: answer.value });
    else out.failedShards.push(shard.name);
  });
  return out;
}

/** The one Config object: targets are few and change rarely, so one actor holds them all. */
export function configStub(env: RelayEnv) {
  return env.CONFIG.getByName("config");
}

/** The one live-tail hub. */
export function tailStub(env: RelayEnv) {
  return env.TAIL.getByName("tail");
}
