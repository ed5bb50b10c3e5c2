import { describe, expect, it } from "vitest";
import { buildKeyFilter, mayHold, recordKey } from "../src/epochs/key-filter.ts";

// The closed shards' key filters let the Worker skip a shard only when it certainly does not
// hold a message: a false "absent" would split a message between epochs.
describe("the key filter of a closed shard", () => {
  const held = Array.from({ length: 20_000 }, (_, i) => `${1_700_000_000_000 + i * 7}x${i}`);
  const filter = buildKeyFilter(held);

  it("reports every key it was built from", () => {
    expect(held.filter((key) => !mayHold(filter, key))).toEqual([]);
  });

  it("rules out nearly every other key (about 1 % false positives)", () => {
    const others = Array.from({ length: 20_000 }, (_, i) => `other-${i}`);
    const falsePositives = others.filter((key) => mayHold(filter, key)).length;
    expect(falsePositives / others.length).toBeLessThan(0.02);
  });

  it("holds nothing when built from nothing, and is ten bits a key", () => {
    const empty = buildKeyFilter([]);
    expect(mayHold(empty, "m-1")).toBe(false);
    expect(filter.bits.length).toBe(25_000);
  });

  it("knows an event without a message by its id, as the shard looks it up", () => {
    expect(recordKey({ id: "ev1", messageId: "m-1" })).toBe("m-1");
    expect(recordKey({ id: "ev1", messageId: null })).toBe("id:ev1");
  });
});
