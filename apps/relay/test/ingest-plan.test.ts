import { describe, expect, it } from "vitest";
import { MAX_INGEST_CALL_BYTES, planIngest } from "../src/shard/ingest-plan.ts";
import { shardIndexFor } from "../src/shard/sharding.ts";
import type { IngestRecord } from "../src/shard/types.ts";
import { postCallbacks, useRelayTestState } from "./helpers.ts";

const record = (id: string, messageId: string, chars = 10): IngestRecord => ({
  id,
  type: "message-received",
  messageId,
  direction: "in",
  owner: null,
  applicationId: null,
  raw: "x".repeat(chars),
  normalized: null,
  issues: null,
});

describe("planIngest", () => {
  it("groups by the message's shard and sends a repeated event once", () => {
    const plan = planIngest(
      [record("e1", "m1"), record("e2", "m2"), record("e1", "m1"), record("e3", "m1")],
      8,
    );
    expect(plan.repeats).toBe(1);
    const m1 = plan.calls.get(shardIndexFor("m1", 8));
    expect(m1?.flat().map((r) => r.id)).toEqual(
      shardIndexFor("m1", 8) === shardIndexFor("m2", 8) ? ["e1", "e2", "e3"] : ["e1", "e3"],
    );
  });

  it("splits a shard's share into calls under the Durable Object call limit", () => {
    const big = MAX_INGEST_CALL_BYTES / 2 / 2; // chars: a third of a call each, after the 2x bound
    const plan = planIngest(
      Array.from({ length: 7 }, (_, i) => record(`e${i}`, "same-message", big * 0.6)),
      4,
    );
    const calls = plan.calls.get(shardIndexFor("same-message", 4)) ?? [];
    expect(calls.map((call) => call.length)).toEqual([3, 3, 1]);
    expect(calls.flat().map((r) => r.id)).toEqual(["e0", "e1", "e2", "e3", "e4", "e5", "e6"]);
  });
});

describe("a body of thousands of copies of one tiny event", () => {
  useRelayTestState();

  it("stores it once and counts the rest as duplicates", async () => {
    const res = await postCallbacks(`[${Array.from({ length: 30_000 }, () => "7").join(",")}]`);
    expect(res.status).toBe(200);
    const body = await res.json<{ quarantined: number; duplicates: number; ids: string[] }>();
    expect(body).toMatchObject({ accepted: 0, quarantined: 1, duplicates: 29_999 });
    expect(new Set(body.ids).size).toBe(1);
    expect(body.ids).toHaveLength(30_000);
  });
});
