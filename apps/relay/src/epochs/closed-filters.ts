import { shardStub } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { describeError } from "../describe-error.ts";
import type { KeyFilter } from "./key-filter.ts";
import { shardName } from "./model.ts";

/**
 * This instance's copies of the closed shards' key filters (key-filter.ts), by shard name. A
 * filter stays true for the shard's whole life (a closed shard takes no new key), so it is
 * kept until its epoch retires; a shard that gave none (still open as far as it knows, too
 * many keys, unreachable) is asked again after ASK_AGAIN_MS and meanwhile offered every record,
 * as without filters. The copies together stay under MAX_CACHED_BYTES of the isolate's 128 MB.
 */
interface Copy {
  epoch: number;
  filter: KeyFilter | null;
  askedAt: number;
}
const copies = new Map<string, Copy>();
const asking = new Map<string, Promise<KeyFilter | null>>();
let cachedBytes = 0;
export const MAX_CACHED_BYTES = 16 * 1_048_576;
const ASK_AGAIN_MS = 15_000;

/**
 * The key filter of shard `index` of `epoch`, closed at `openUntil`, or null: offer it every
 * record.
 */
export async function closedShardFilter(
  env: RelayEnv,
  epoch: number,
  index: number,
  openUntil: number,
): Promise<KeyFilter | null> {
  const name = shardName(epoch, index);
  const known = copies.get(name);
  if (known && (known.filter || Date.now() - known.askedAt < ASK_AGAIN_MS)) return known.filter;
  let pending = asking.get(name);
  if (!pending) {
    pending = ask(env, name, epoch, openUntil).finally(() => asking.delete(name));
    asking.set(name, pending);
  }
  return pending;
}

async function ask(
  env: RelayEnv,
  name: string,
  epoch: number,
  openUntil: number,
): Promise<KeyFilter | null> {
  let filter: KeyFilter | null = null;
  try {
    filter = await shardStub(env, name).closedKeys(openUntil);
  } catch (err) {
    console.warn(`no key filter from ${name}; offering it every record`, describeError(err));
  }
  if (filter && cachedBytes + filter.bits.length > MAX_CACHED_BYTES) filter = null;
  if (filter) cachedBytes += filter.bits.length;
  copies.set(name, { epoch, filter, askedAt: Date.now() });
  return filter;
}

/** Drops the copies of epochs no longer live: their shards are never asked again. */
export function keepClosedFiltersOf(liveEpochs: readonly number[]): void {
  for (const [name, copy] of copies) {
    if (liveEpochs.includes(copy.epoch)) continue;
    cachedBytes -= copy.filter?.bits.length ?? 0;
    copies.delete(name);
  }
}
