import { EXAMPLE_NAMES, loadEvent } from "@bw-relay/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonText, MAX_ISSUES, normalize, rawEventId } from "../src/index.ts";

// Mutated Bandwidth events, hostile shapes included (deep nesting, huge arrays, long strings,
// lone surrogates, swapped types): normalize never throws, words at most MAX_ISSUES issues
// and counts the rest, and what it accepts it serializes and accepts again unchanged.

type Json = Record<string, unknown>;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Fixed in `pnpm test`; `pnpm test:fuzz` draws a new one each run (and prints it). */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

const nested = (depth: number): unknown => JSON.parse(`${"[".repeat(depth)}0${"]".repeat(depth)}`);

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 1, max: 20_000 }).map(nested),
  fc.integer({ min: 1, max: 50_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.integer({ min: 1, max: 100_000 }).map((n) => "\ud800".repeat(n)),
  fc.constantFrom(1e308, -0, 2 ** 60, "99999999999999999999999", "2026-02-30T00:00:00Z", null),
);

const PATHS = [
  "type",
  "time",
  "errorCode",
  "message",
  "extra",
  "message.id",
  "message.to",
  "message.media",
  "message.segmentCount",
  "message.content",
  "message.extra",
];

const event = fc
  .tuple(
    fc.constantFrom(...EXAMPLE_NAMES),
    fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.option(hostile, { nil: undefined })), {
      maxLength: 3,
    }),
  )
  .map(([name, edits]) => {
    const copy = loadEvent(name) as Json & { message: Json };
    for (const [path, value] of edits) {
      const [head, tail] = path.split(".") as [string, string | undefined];
      const target: Json =
        tail && typeof copy.message === "object" && copy.message !== null ? copy.message : copy;
      const key = tail ?? head;
      if (value === undefined) delete target[key];
      else target[key] = value;
    }
    return copy;
  });

describe("normalize on hostile input", () => {
  it("never throws, caps its issues, and is idempotent on what it accepts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(event, hostile), async (input) => {
        const result = normalize(input);
        if (result.success) {
          const again = normalize(JSON.parse(JSON.stringify(result.event)));
          expect(again).toEqual(result);
        } else {
          expect(result.issues.length).toBeGreaterThan(0);
          expect(result.issues.length).toBeLessThanOrEqual(MAX_ISSUES);
          expect(result.issueCount).toBeGreaterThanOrEqual(result.issues.length);
          expect(jsonText(input).length).toBeGreaterThan(0);
          expect(rawEventId(input)).toMatch(/^evt_[0-9a-f]{32}$/);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);
});
