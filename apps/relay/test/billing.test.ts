import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { liveShards } from "../src/epochs/live-shards.ts";
import { FetchStub } from "./fetch-stub.ts";
import {
  advance,
  api,
  postCallbacks,
  received,
  relayEnv,
  runAlarms,
  status,
  useRelayTestState,
} from "./helpers.ts";
import { startTally } from "./sql-tally.ts";

// What one callback costs in the units Cloudflare bills SQLite-backed Durable Objects by
// (rows written, rows read; docs/scaling.md "What it costs"), counted from every statement's
// cursor over the event's whole life: accept, one delivery, purge.

const HOOK = "https://receiver.test/hook";
const HOUR = 3_600_000;
const EVENTS = 200;

useRelayTestState();
const fetchStub = FetchStub.useInEachTest();

interface Tally {
  written: number;
  read: number;
}

/** Counts the rows every SQL statement of this isolate writes and reads while `work` runs. */
async function tallied(work: () => Promise<void>): Promise<Tally> {
  const [first] = await liveShards(relayEnv);
  if (!first) throw new Error("no shard");
  // Started and stopped inside an object, so the prototype is the runtime's own.
  const tally = await runInDurableObject(first.stub, (_i, state) => startTally(state.storage.sql));
  try {
    await work();
  } catch (err) {
    tally.stop();
    throw err;
  }
  return tally.stop();
}

/** Rows written and read per event by phase, with `targets` targets wanting every event. */
async function rowsPerEvent(targets: number) {
  for (let t = 0; t < targets; t++) {
    const url = `${HOOK}${t}`;
    await api("/api/targets", { method: "POST", body: { name: `hook-${t}`, url }, expect: 201 });
    fetchStub.on(url, 204);
  }
  const events = Array.from({ length: EVENTS }, (_, i) =>
    i % 2 === 0
      ? received(`m-cost-${i}`)
      : status("message-delivered", `m-cost-${i}`, "2030-01-01T00:00:02Z"),
  );
  const accept = await tallied(async () => {
    for (const event of events) expect((await postCallbacks([event])).status).toBe(200);
  });
  const deliver = await tallied(async () => {
    // A run sends at most 50 per target; a shard with more takes another run.
    for (let run = 0; run < 5 && fetchStub.requests.length < EVENTS * targets; run++) {
      await runAlarms();
    }
  });
  expect(fetchStub.requests).toHaveLength(EVENTS * targets);
  const purge = await tallied(async () => {
    advance(49 * HOUR);
    await runAlarms();
  });
  const { events: left } = await api<{ events: unknown[] }>("/api/events");
  expect(left).toEqual([]);
  const per = (t: Tally) => ({
    written: Math.round((t.written / EVENTS) * 10) / 10,
    read: Math.round((t.read / EVENTS) * 10) / 10,
  });
  const figures = { accept: per(accept), deliver: per(deliver), purge: per(purge) };
  const written = figures.accept.written + figures.deliver.written + figures.purge.written;
  const read = figures.accept.read + figures.deliver.read + figures.purge.read;
  console.log(`rows per event, ${targets} target(s): ${JSON.stringify(figures)}`);
  return { written, read };
}

// The figures docs/scaling.md prices with; a change that writes more per event shows here.
describe("what an event costs in SQLite rows, accept to purge", () => {
  it("without a target", async () => {
    const { written } = await rowsPerEvent(0);
    expect(written).toBeGreaterThanOrEqual(5);
    expect(written).toBeLessThanOrEqual(12);
  });

  it("with one target", async () => {
    const { written } = await rowsPerEvent(1);
    expect(written).toBeGreaterThanOrEqual(15);
    expect(written).toBeLessThanOrEqual(25);
  });

  it("with two targets", async () => {
    const { written } = await rowsPerEvent(2);
    expect(written).toBeGreaterThanOrEqual(25);
    expect(written).toBeLessThanOrEqual(38);
  });
});

describe("what an alarm run reads", () => {
  it("is in proportion to its work, not to the events the shard stores", async () => {
    const readByOneRun = async (stored: number) => {
      const shards = await liveShards(relayEnv);
      const batch = Array.from({ length: stored }, (_, i) => received(`m-size-${stored}-${i}`));
      for (let i = 0; i < batch.length; i += 100) {
        expect((await postCallbacks(batch.slice(i, i + 100))).status).toBe(200);
      }
      // One more event, then every shard's alarm once: the purge schedule is read each time.
      await postCallbacks([received(`m-size-${stored}-last`)]);
      advance(HOUR);
      return (await tallied(async () => void (await runAlarms()))).read / shards.length;
    };
    const small = await readByOneRun(10);
    const large = await readByOneRun(2000);
    // A scan of the events table per run would read ~500 rows a shard here.
    expect(large).toBeLessThan(small + 20);
  });
});

describe("what a delivery run over a backlog reads", () => {
  it("is its batch, not the whole backlog", async () => {
    await api("/api/targets", { method: "POST", body: { name: "down", url: HOOK }, expect: 201 });
    fetchStub.on(HOOK, 503);
    const readByOneRun = async (backlog: number) => {
      const batch = Array.from({ length: backlog }, (_, i) => received(`m-bl-${backlog}-${i}`));
      for (let i = 0; i < batch.length; i += 100) {
        expect((await postCallbacks(batch.slice(i, i + 100))).status).toBe(200);
      }
      // The first runs try what was due; the measured one, an hour on, retries a batch.
      for (let run = 0; run < 12; run++) await runAlarms();
      advance(HOUR);
      const shards = await liveShards(relayEnv);
      return (await tallied(async () => void (await runAlarms()))).read / shards.length;
    };
    const small = await readByOneRun(200);
    const large = await readByOneRun(1800);
    // A scan of every pending delivery per run would read ~500 more rows a shard here.
    expect(large).toBeLessThan(small + 150);
  });
});
