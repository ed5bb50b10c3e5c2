import { describe, expect, it } from "vitest";
import { addBuckets, LATENCY_BUCKETS_MS, quantileBound } from "../src/shard/latency-buckets.ts";

describe("latency buckets", () => {
  it("tell a percentile as the bound of the bucket it falls in, across shards", () => {
    const at = (ms: number) => LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
    const shard = (durations: number[]) => {
      const buckets = LATENCY_BUCKETS_MS.map(() => 0);
      for (const ms of durations) buckets[at(ms)] = (buckets[at(ms)] ?? 0) + 1;
      return buckets;
    };
    // 90 fast attempts in one shard, 10 slow ones in another.
    const merged = addBuckets(addBuckets([], shard(Array(90).fill(8))), shard(Array(10).fill(700)));
    expect(quantileBound(merged, 0.5)).toBe(10);
    expect(quantileBound(merged, 0.9)).toBe(10);
    expect(quantileBound(merged, 0.95)).toBe(1_000);
    expect(quantileBound(shard([60_000]), 0.95)).toBe(30_000);
    expect(quantileBound([], 0.95)).toBeNull();
  });
});
