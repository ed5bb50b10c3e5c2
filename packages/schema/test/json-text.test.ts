import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  jsonText,
  MAX_EVENT_DEPTH,
  nestsDeeperThan,
  normalize,
  rawEventId,
} from "../src/index.ts";

/** The recursive canonical form this package used before; the reference for the new one. */
function recursiveCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursiveCanonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object)
      .filter((k) => object[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${recursiveCanonical(object[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const nested = (depth: number, leaf: unknown = 0): unknown =>
  JSON.parse(`${"[".repeat(depth)}${JSON.stringify(leaf)}${"]".repeat(depth)}`);

describe("jsonText", () => {
  it("writes exactly what JSON.stringify writes for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonText(value)).toBe(JSON.stringify(value));
      }),
      { seed: 20261130, numRuns: 500 },
    );
  });

  it("with sortKeys, is the canonical form eventId has always hashed", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(recursiveCanonical(value));
      }),
      { seed: 20261130, numRuns: 500 },
    );
  });

  it("handles lone surrogates, __proto__ keys and undefined like JSON.stringify", () => {
    const value = JSON.parse('{"__proto__":{"a":"\\ud800"},"b":[1,null]}');
    value.c = undefined;
    value.b.push(undefined);
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it("writes values 200,000 levels deep, where the runtime's serializers give up", () => {
    const deep = nested(200_000, { x: "y" });
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    const text = jsonText(deep);
    expect(text.length).toBe(400_000 + '{"x":"y"}'.length);
    expect(text.startsWith("[[[")).toBe(true);
    expect(canonicalJson(deep)).toBe(text);
  });
});

describe("nestsDeeperThan", () => {
  it("measures nesting without recursion", () => {
    expect(nestsDeeperThan(0, 0)).toBe(false);
    expect(nestsDeeperThan([], 0)).toBe(true);
    expect(nestsDeeperThan(nested(3), 3)).toBe(false);
    expect(nestsDeeperThan(nested(4), 3)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: {} }] }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: { c: [] } }] }, 4)).toBe(true);
    expect(nestsDeeperThan(nested(500_000), 64)).toBe(true);
  });
});

describe("events nested deeper than MAX_EVENT_DEPTH", () => {
  const deepEvent = (depth: number) => ({
    type: "message-received",
    time: "2026-01-01T00:00:00Z",
    message: { id: "m-deep", extra: nested(depth) },
  });

  it("are rejected with one issue, however deep", () => {
    for (const depth of [MAX_EVENT_DEPTH, 5_000, 100_000]) {
      expect(normalize(deepEvent(depth))).toEqual({
        success: false,
        issues: [
          {
            path: "",
            message: `the event nests arrays and objects deeper than ${MAX_EVENT_DEPTH} levels`,
          },
        ],
        issueCount: 1,
      });
    }
    // The event, its message and the unknown field are three levels: 61 more still pass.
    expect(normalize(deepEvent(MAX_EVENT_DEPTH - 3)).success).toBe(true);
  });

  it("still get an id, 100,000 levels deep", async () => {
    expect(rawEventId(nested(100_000))).toMatch(/^evt_[0-9a-f]{32}$/);
  });
});
