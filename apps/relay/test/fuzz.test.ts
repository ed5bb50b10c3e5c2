import { EXAMPLE_NAMES, loadEvent } from "@bw-relay/fixtures";
import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { FetchStub } from "./fetch-stub.ts";
import {
  api,
  BASIC,
  received,
  relayFetch,
  runAlarms,
  status,
  useRelayTestState,
} from "./helpers.ts";

// Random and mutated Bandwidth callbacks against POST /callbacks of the real Worker, checking
// what must hold for any input: never a 5xx; a 200 accounts for every event and each id can
// be read back; a refusal stores nothing; quarantined events are never forwarded and accepted
// ones are forwarded exactly once. `pnpm test` runs a fixed seed; `pnpm test:fuzz` runs long
// (FUZZ_RUNS, FUZZ_SEED).

const { runs: RUNS, seed: SEED } = inject("fuzz");
const HOOK = "https://receiver.test/fuzz";
type Json = Record<string, unknown>;

/** Bandwidth-like message ids: distinct, so most generated events are new. */
const MESSAGE_ID = fc.stringMatching(/^fz[0-9a-z]{12}$/);

/** A plausible event: a documented example, or a template event of any status type. */
const baseEvent: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...EXAMPLE_NAMES).map((name) => loadEvent(name)),
  MESSAGE_ID.map((id) => received(id) as Json),
  fc
    .tuple(
      fc.constantFrom("message-sending", "message-delivered", "message-failed", "message-read"),
      MESSAGE_ID,
      fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }),
    )
    .map(([type, id, time]) => status(type, id, time.toISOString()) as Json),
);

const nested = (depth: number): unknown => JSON.parse(`${"[".repeat(depth)}1${"]".repeat(depth)}`);

/** Values a broken or hostile sender puts where a field should be. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    "\ud800",
    "a\udfffb",
    "2026-13-45T99:99:99Z",
    "99999999999999999999999",
    "",
    null,
  ),
  fc.integer({ min: 1, max: 3_000 }).map(nested),
  fc.integer({ min: 1, max: 4_000 }).map((n) => "x".repeat(n)),
  // Now and then near or past the body limit (MAX_BODY_BYTES is 64 KiB in tests): 413, or a
  // large event that must still be stored and read back.
  fc.integer({ min: 30_000, max: 70_000 }).map((n) => "y".repeat(n)),
  fc.integer({ min: 1, max: 2_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
);

const FIELDS = ["type", "time", "to", "errorCode", "description", "message"];
const MESSAGE_FIELDS = ["id", "to", "from", "text", "media", "direction", "segmentCount", "time"];

/** Deletes or replaces fields of the event or its message. */
const mutated: fc.Arbitrary<unknown> = fc
  .tuple(
    baseEvent,
    fc.array(
      fc.tuple(
        fc.boolean(),
        fc.constantFrom(...FIELDS, ...MESSAGE_FIELDS.map((f) => `message.${f}`)),
        fc.option(oddValue, { nil: undefined }),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([event, edits]) => {
    const copy: Json = structuredClone(event);
    for (const [, path, value] of edits) {
      const [head, tail] = path.split(".") as [string, string | undefined];
      const target = tail && typeof copy.message === "object" && copy.message ? copy.message : copy;
      const key = tail ?? head;
      if (value === undefined) delete (target as Json)[key];
      else (target as Json)[key] = value;
    }
    return copy;
  });

const anEvent = fc.oneof({ weight: 2, arbitrary: baseEvent }, { weight: 3, arbitrary: mutated });

/** A request: a batch (with internal duplicates now and then), one object, or a scalar. */
const request = fc.record({
  body: fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(anEvent, { minLength: 1, maxLength: 6 })
        .chain((events) => fc.boolean().map((dup) => (dup ? [...events, events[0]] : events))),
    },
    { weight: 2, arbitrary: anEvent },
    { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant([])) },
  ),
  // Now and then a body that is not JSON at all.
  text: fc.oneof(
    { weight: 12, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom("{", "[1,", "\u0000", "") },
  ),
  auth: fc.constantFrom<"good" | "bad" | "none" | "garbage">(
    "good",
    "good",
    "good",
    "good",
    "bad",
    "none",
    "garbage",
  ),
  contentType: fc.constantFrom("application/json", "text/plain", ""),
});

async function storedCount(): Promise<number> {
  const stats = await api<{ events: { total: number } }>("/api/stats");
  return stats.events.total;
}

describe("fuzzing POST /callbacks", () => {
  useRelayTestState();
  const fetchStub = FetchStub.useInEachTest();

  it(`keeps every promise over ${RUNS} random requests (seed ${SEED})`, {
    timeout: 900_000,
  }, async () => {
    await api("/api/targets", { method: "POST", body: { name: "fuzz", url: HOOK }, expect: 201 });
    fetchStub.on(HOOK, 200);
    const seen = new Set<string>();
    const statusCounts = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ body, text, auth, contentType }) => {
        const before = await storedCount();
        const headers: Record<string, string> = contentType ? { "content-type": contentType } : {};
        if (auth === "good") Object.assign(headers, BASIC);
        if (auth === "bad") headers.authorization = `Basic ${btoa("bandwidth:nope")}`;
        if (auth === "garbage") headers.authorization = "Basic ***";
        const res = await relayFetch("/callbacks", {
          method: "POST",
          headers,
          body: text ?? JSON.stringify(body),
        });
        const answer = await res.text();
        statusCounts.set(res.status, (statusCounts.get(res.status) ?? 0) + 1);
        expect(res.status, answer).toBeLessThan(500);
        if (res.status !== 200) {
          expect(JSON.parse(answer)).toEqual({
            error: { code: expect.any(String), message: expect.any(String) },
          });
          expect(await storedCount()).toBe(before);
          return;
        }
        const sent = Array.isArray(body) ? body.length : 1;
        const outcome = JSON.parse(answer) as {
          accepted: number;
          duplicates: number;
          quarantined: number;
          ids: string[];
        };
        expect(outcome.accepted + outcome.duplicates + outcome.quarantined).toBe(sent);
        expect(outcome.ids).toHaveLength(sent);
        const fresh = new Set(outcome.ids.filter((id) => !seen.has(id)));
        expect(await storedCount()).toBe(before + fresh.size);
        for (const id of outcome.ids) {
          seen.add(id);
          const detail = await relayFetch(`/api/events/${id}`, {
            headers: { authorization: "Bearer test-admin-token" },
          });
          expect(detail.status, id).toBe(200);
          await detail.text();
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    // Drain every delivery, then hold the forwarded ids against what was stored.
    for (let round = 0; round < 100 && (await runAlarms()) > 0; round++) {}
    const forwarded = fetchStub.eventIds(HOOK);
    expect(new Set(forwarded).size, "each accepted event forwarded once").toBe(forwarded.length);
    const statuses = new Map<string, string>();
    for (const id of seen) {
      const { event } = await api<{ event: { status: string } }>(`/api/events/${id}`);
      statuses.set(id, event.status);
    }
    const accepted = [...seen].filter((id) => statuses.get(id) !== "quarantined");
    expect(forwarded.sort()).toEqual(accepted.sort());
    expect(accepted.every((id) => statuses.get(id) === "delivered")).toBe(true);
    console.log("fuzz answers by status", Object.fromEntries(statusCounts));
    // The generators reach the store: a third of the requests at least store something new.
    expect(seen.size).toBeGreaterThan(RUNS / 3);
  });
});
