import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EventShard } from "../src/shard/event-shard.ts";
import { FetchStub } from "./fetch-stub.ts";
import {
  advance,
  api,
  postCallbacks,
  received,
  runAlarms,
  shardOf,
  useRelayTestState,
} from "./helpers.ts";
import { startTally } from "./sql-tally.ts";

const HOUR = 3_600_000;

async function count(messageId: string): Promise<number> {
  return runInDurableObject(
    shardOf(messageId),
    (_i: EventShard, state) =>
      state.storage.sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE message_id = ?", messageId)
        .one().n,
  );
}

describe("retention", () => {
  useRelayTestState();
  const fetchStub = FetchStub.useInEachTest();

  it("purges an event RETENTION_HOURS after it settled, not before", async () => {
    await postCallbacks([received("m-keep")]);
    advance(47 * HOUR);
    await runAlarms();
    expect(await count("m-keep")).toBe(1);
    advance(HOUR);
    expect(await runAlarms()).toBe(1);
    expect(await count("m-keep")).toBe(0);
    const { events } = await api<{ events: unknown[] }>("/api/events");
    expect(events).toEqual([]);
  });

  it("never purges an event whose delivery is pending; counts retention from delivery", async () => {
    await api("/api/targets", {
      method: "POST",
      body: { name: "slow", url: "https://slow.test/", maxAttempts: 50 },
      expect: 201,
    });
    fetchStub.on("https://slow.test/", 503);
    await postCallbacks([received("m-pending")]);
    for (let i = 0; i < 6; i++) {
      advance(12 * HOUR);
      await runAlarms();
    }
    expect(await count("m-pending")).toBe(1);
    fetchStub.on("https://slow.test/", 200);
    advance(17 * HOUR);
    await runAlarms();
    const { events } = await api<{ events: { status: string }[] }>("/api/events");
    expect(events.map((e) => e.status)).toEqual(["delivered"]);
    advance(47 * HOUR);
    await runAlarms();
    expect(await count("m-pending")).toBe(1);
    advance(2 * HOUR);
    await runAlarms();
    expect(await count("m-pending")).toBe(0);
  });

  it("finds the next expiry through the settled index, not by reading every event", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `m-scan-${i}`);
    await postCallbacks(ids.map((id) => received(id)));
    const rowsRead = await runInDurableObject(shardOf("m-scan-0"), (shard: EventShard, state) => {
      const held = state.storage.sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM events")
        .one().n;
      expect(held).toBe(11);
      // Every statement of the isolate, counted as billing.test.ts does.
      const retention = (shard as unknown as { retention: { nextWake(): number | null } })
        .retention;
      const tally = startTally(state.storage.sql);
      let wake: number | null = null;
      let read = 0;
      try {
        wake = retention.nextWake();
      } finally {
        read = tally.stop().read;
      }
      expect(wake).not.toBeNull();
      return read;
    });
    expect(rowsRead).toBeLessThanOrEqual(2);
  });
});
