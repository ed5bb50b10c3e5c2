import { describe, expect, it } from "vitest";
import { shardIndexFor } from "../src/shard/sharding.ts";

describe("shardIndexFor", () => {
  it("is 32-bit FNV-1a of the message id modulo the shard count, pinned across releases", () => {
    // Stored events stay in the shard they were written to: a changed hash would split every
    // message's events (and their ordering and dedupe) across two shards after an upgrade.
    expect(shardIndexFor("", 8)).toBe(0x811c9dc5 % 8);
    expect(shardIndexFor("a", 2 ** 30)).toBe(0xe40c292c % 2 ** 30);
    expect(shardIndexFor("14762070468292kw2fuqty55yp2b2", 8)).toBe(3);
    expect(shardIndexFor("14762070468292kw2fuqty55yp2b2", 1024)).toBe(883);
  });

  it("spreads message ids evenly over the shards", () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) {
      const index = shardIndexFor(`${1593110555875 + i}xo7watq5px6rbe5d`, 8);
      counts[index] = (counts[index] ?? 0) + 1;
    }
    // FNV-1a is fixed, so the spread is too: within a tenth of a percent of 1,000 each.
    expect(counts).toEqual([1000, 1001, 1001, 1000, 1001, 999, 999, 999]);
  });
});
