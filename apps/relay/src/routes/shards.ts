import { Hono } from "hono";
import { ShardCountSchema } from "../api/requests.ts";
import { configStub } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { MAX_LIVE_EPOCHS } from "../epochs/epoch-history.ts";
import { rememberEpochs, shardEpochs } from "../epochs/live-shards.ts";
import { currentEpoch, type ShardEpoch } from "../epochs/model.ts";
import { HttpError } from "../http/errors.ts";
import { jsonBody, parseOr400 } from "../http/validation.ts";

export const shards = new Hono<{ Bindings: RelayEnv }>();

/** The history as the API shows it: times as ISO strings, each epoch's state named. */
function describe(history: ShardEpoch[]) {
  const current = currentEpoch(history);
  return {
    shardCount: current.shardCount,
    epochs: history.map((e) => ({
      epoch: e.epoch,
      shardCount: e.shardCount,
      since: new Date(e.since).toISOString(),
      state: e === current ? "current" : e.retiredAt === null ? "closed" : "retired",
      retiredAt: e.retiredAt === null ? null : new Date(e.retiredAt).toISOString(),
    })),
  };
}

/** `GET /api/shards`: the shard epochs, read afresh (not this instance's copy). */
shards.get("/", async (c) => c.json(describe(await shardEpochs(c.env, { fresh: true }))));

/**
 * `POST /api/shards`: opens an epoch of `shardCount` shards. Takes effect at once: a Worker
 * instance that has not read it yet still routes every message where its events are
 * (src/epochs/store-records.ts), and sees the new epoch in listings within EPOCH_CACHE_MS.
 */
shards.post("/", async (c) => {
  const { shardCount } = parseOr400(ShardCountSchema, await jsonBody(c.req.raw));
  const result = await configStub(c.env).openShardEpoch(shardCount);
  if ("refused" in result) {
    if (result.refused === "unchanged") {
      throw new HttpError(
        409,
        "shard_count_unchanged",
        `New messages already go to ${shardCount} shards.`,
      );
    }
    throw new HttpError(
      409,
      "too_many_epochs",
      `${MAX_LIVE_EPOCHS} shard epochs are live; the oldest retires once its events are purged (RETENTION_HOURS after the next one opened).`,
    );
  }
  rememberEpochs(result.history);
  return c.json(describe(result.history), 201);
});
