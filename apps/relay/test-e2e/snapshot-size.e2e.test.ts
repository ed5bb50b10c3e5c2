import { serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { LIMITS, targetSizeProblem } from "../src/targets/input.ts";

// Every shard keeps all targets in one storage value, written by V8's serializer (Durable
// Object storage takes values up to 2 MiB). This runs in Node, where that serializer is
// reachable (the workerd test pool does not offer node:v8's serialize).

const STORAGE_VALUE_BYTES = 2 * 1024 * 1024;

/** A target of `n` owners made by `entry`, as the size cap sees it. */
function target(n: number, entry: (i: number) => string) {
  return {
    name: "t".repeat(LIMITS.nameChars),
    url: `https://hooks.example.com/${"p".repeat(200)}`,
    eventTypes: [],
    directions: [],
    owners: Array.from({ length: n }, (_, i) => entry(i)),
    applicationIds: [],
    headers: {},
  };
}

/** The most owners of this shape the cap accepts. */
function largestAccepted(entry: (i: number) => string) {
  let n = 0;
  while (n < LIMITS.filterEntries && targetSizeProblem(target(n + 1, entry)) === null) n++;
  return target(n, entry);
}

const SHAPES: Record<string, (i: number) => string> = {
  ascii: (i) => `${i}`.padEnd(LIMITS.filterEntryChars, "o"),
  "ascii with one character beyond Latin-1": (i) =>
    `${`${i}`.padEnd(LIMITS.filterEntryChars - 1, "o")}Ā`,
  "beyond Latin-1 only": (i) => `${i}`.padEnd(LIMITS.filterEntryChars, "Ā"),
};

describe("the targets snapshot every shard stores", () => {
  for (const [shape, entry] of Object.entries(SHAPES)) {
    it(`fits one storage value with ${LIMITS.targets} of the largest targets accepted (${shape})`, () => {
      const owners = largestAccepted(entry).owners.length;
      // Each target its own: V8 writes an object met twice as a reference to the first.
      const stored = {
        version: 1,
        targets: Array.from({ length: LIMITS.targets }, (_, t) => ({
          ...target(owners, (i) => entry(t * LIMITS.filterEntries + i)),
          id: `tgt_${String(t).padStart(20, "0")}`,
          enabled: true,
          state: "active",
          stateReason: null,
          maxAttempts: 10,
          timeoutMs: 10_000,
          secrets: Array.from({ length: 4 }, (_, k) => ({
            secret: `whsec_${String(t * 4 + k).padEnd(44, "s")}`,
            until: null,
          })),
        })),
      };
      expect(serialize(stored).length).toBeLessThan(STORAGE_VALUE_BYTES);
    });
  }

  it("measures text beyond Latin-1 as stored, not as UTF-8", () => {
    // Under 16 KiB of UTF-8, but V8 writes every character of these strings in two bytes.
    const wide = target(
      70,
      SHAPES["ascii with one character beyond Latin-1"] as (i: number) => string,
    );
    expect(new TextEncoder().encode(JSON.stringify(wide.owners)).length).toBeLessThan(
      LIMITS.targetBytes,
    );
    expect(serialize(wide.owners).length).toBeGreaterThan(LIMITS.targetBytes);
    expect(targetSizeProblem(wide)).toMatch(/more than the 16384/);
  });
});
