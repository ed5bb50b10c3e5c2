/** Settings shared by the benchmarks: credentials the relay runs with, shard count. */

/**
 * Same as the relay's wrangler.jsonc default; the baseline uses it too. BENCH_SHARDS changes
 * both (e.g. 1: what one shard takes on this machine).
 */
export const SHARD_COUNT = process.env.BENCH_SHARDS ?? "8";

const CALLBACK_USERNAME = "bandwidth";
const CALLBACK_PASSWORD = "bench-callback-password";

/** Vars and secrets of a relay under benchmark (written to a temporary --env-file). */
export const RELAY_VARS = {
  CALLBACK_USERNAME,
  CALLBACK_PASSWORD,
  ADMIN_TOKEN: "bench-admin-token",
  SHARD_COUNT,
};

export const BASIC_AUTH = `Basic ${Buffer.from(`${CALLBACK_USERNAME}:${CALLBACK_PASSWORD}`).toString("base64")}`;
export const ADMIN_HEADERS = {
  authorization: `Bearer ${RELAY_VARS.ADMIN_TOKEN}`,
  "content-type": "application/json",
};
