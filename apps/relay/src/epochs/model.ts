/**
 * Shard epochs: the history of shard counts (docs/scaling.md). Each epoch is a generation of
 * shards with its own names; a message lives, all its events together, in the shard of the
 * oldest live epoch that knows it. Raising or lowering the count opens a new epoch for
 * messages first seen from then on, and nothing ever moves between shards.
 */

export interface ShardEpoch {
  /** 0, 1, 2, …; epoch 0's shards keep the names they had before epochs existed. */
  epoch: number;
  shardCount: number;
  /** When it opened (ms since 1970; 0 for the first one). */
  since: number;
  /** When it was retired: closed and empty, never asked again. */
  retiredAt: number | null;
}

/** One step of the accept path: the epoch's shard count and when it stopped taking new messages. */
export interface RouteStep {
  epoch: number;
  shardCount: number;
  /** When the next epoch opened; from then on its shards take only messages they know. */
  openUntil: number | null;
}

/** The largest shard count; one listing asks every shard of every live epoch. */
export const MAX_SHARD_COUNT = 1024;

/**
 * Shard `index` of `epoch`. A shard's identity is its name, so names never change: epoch 0's
 * are `shard-<i>` (as before epochs), later ones `e<epoch>-shard-<i>`.
 */
export function shardName(epoch: number, index: number): string {
  return epoch === 0 ? `shard-${index}` : `e${epoch}-shard-${index}`;
}

/** The epochs whose shards may hold events: every one not yet retired, oldest first. */
export function liveEpochs(history: readonly ShardEpoch[]): ShardEpoch[] {
  return history.filter((e) => e.retiredAt === null);
}

/** The newest epoch: the one new messages go to. */
export function currentEpoch(history: readonly ShardEpoch[]): ShardEpoch {
  const last = history.at(-1);
  if (!last) throw new Error("no shard epoch");
  return last;
}

/**
 * The accept path, oldest live epoch first: a record is offered to its message's shard in
 * each epoch in turn until one takes it. A closed epoch takes only messages it already holds
 * (so a message's events stay together and a resend is still a duplicate); the newest takes
 * everything.
 */
export function routeSteps(history: readonly ShardEpoch[]): RouteStep[] {
  return liveEpochs(history).map((e) => ({
    epoch: e.epoch,
    shardCount: e.shardCount,
    // The newest epoch is never retired and has no successor: it takes everything.
    openUntil: history.find((next) => next.epoch === e.epoch + 1)?.since ?? null,
  }));
}
