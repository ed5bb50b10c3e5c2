import { Hono } from "hono";
import { RetrySchema } from "../api/requests.ts";
import type { RelayEnv } from "../config.ts";
import { forEachShard } from "../epochs/live-shards.ts";
import { jsonBody, parseOr400 } from "../http/validation.ts";

export const deliveries = new Hono<{ Bindings: RelayEnv }>();

/** `POST /api/deliveries/retry`: re-queues every dead or failed delivery, in every shard. */
deliveries.post("/retry", async (c) => {
  const { status, targetId } = parseOr400(RetrySchema, await jsonBody(c.req.raw));
  const counts = await forEachShard(c.env, (s) => s.retryDeliveries(status, targetId));
  return c.json({ queued: counts.reduce((a, b) => a + b, 0) }, 202);
});
