import { Hono } from "hono";
import * as v from "valibot";
import { type RelayEnv, readSettings } from "../config.ts";
import { jsonBody, parseOr400 } from "../http/validation.ts";
import { allShards } from "../shard/sharding.ts";

export const deliveries = new Hono<{ Bindings: RelayEnv }>();

const RetrySchema = v.strictObject({
  status: v.picklist(["dead", "failed"], 'status must be "dead" or "failed"'),
  targetId: v.optional(v.string()),
});

/** `POST /api/deliveries/retry`: re-queues every dead or failed delivery, in every shard. */
deliveries.post("/retry", async (c) => {
  const { status, targetId } = parseOr400(RetrySchema, await jsonBody(c.req.raw));
  const settings = readSettings(c.env);
  const counts = await Promise.all(
    allShards(c.env, settings.shardCount).map((s) => s.retryDeliveries(status, targetId)),
  );
  return c.json({ queued: counts.reduce((a, b) => a + b, 0) }, 202);
});
