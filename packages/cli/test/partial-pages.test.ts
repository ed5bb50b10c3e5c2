/**
 * Catching up when the relay answers a page some shards could not read (scripted-relay.ts):
 * the tail after a dropped connection, and `events list --follow`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cli, until } from "./helpers.ts";
import { page, scriptedRelay, summary } from "./scripted-relay.ts";

const ID = "evt_0123456789abcdef0123456789abcdef";
const READABLE = "evt_fedcba9876543210fedcba9876543210";

describe("tail catch-up", () => {
  const relays: { close(): Promise<void> }[] = [];
  afterAll(() => Promise.all(relays.map((r) => r.close())));

  it("hands over what a partial catch-up found, says so, and adds the rest on the next pass", async () => {
    const at = new Date().toISOString();
    const readable = summary(READABLE, at);
    const relay = await scriptedRelay([
      () => page([]), // the baseline: nothing before the tail started
      () => page([]), // the first connection's catch-up
      // After the drop: one shard of the gap answers, the other cannot be read.
      () => page([readable], ["e1-shard-3"]),
      () => page([readable, summary(ID, at)]), // the second pass reads both
    ]);
    relays.push(relay);
    let out = "";
    let err = "";
    const controller = new AbortController();
    const tailing = cli(["tail"], {
      env: { BW_RELAY_URL: relay.url },
      signal: controller.signal,
      onStdout: (c) => (out += c),
      onStderr: (c) => (err += c),
    });
    await until("the missed event", () => out.includes(ID), 20_000);
    controller.abort();
    expect((await tailing).code).toBe(0);

    const notes = err.split("\n").filter(Boolean);
    expect(notes[0]).toMatch(/^connected to ws:\/\/127\.0\.0\.1:\d+\/api\/tail/);
    expect(notes[1]).toMatch(/^connection lost \(.+\); reconnecting…$/);
    expect(notes[2]).toMatch(/^reconnected after \S+; caught up 1 event from the gap$/);
    expect(notes[3]).toMatch(/catch-up incomplete \(the relay could not read e1-shard-3\)$/);
    expect(notes[4]).toBe("caught up 1 event(s) the live feed missed");
    expect(notes).toHaveLength(5);
    // Each event once, the readable one before the other was found.
    expect(out.match(new RegExp(READABLE, "g"))).toHaveLength(1);
    expect(out.match(new RegExp(ID, "g"))).toHaveLength(1);
    expect(out.indexOf(READABLE)).toBeLessThan(out.indexOf(ID));
    expect(relay.connections()).toBe(2);
    // The dropped connection's own second pass never ran: four reads, and both of the second
    // connection's passes started from the same moment.
    expect(relay.calls).toHaveLength(4);
    expect(relay.calls[3]).toBe(relay.calls[2]);
  });
});

describe("events list --follow", () => {
  it("says so when a poll is partial, and looks from the same moment again", async () => {
    const now = Date.now();
    const older = summary(
      "evt_00000000000000000000000000000001",
      new Date(now - 8_000).toISOString(),
    );
    const newer = summary("evt_00000000000000000000000000000002", new Date(now).toISOString());
    const relay = await scriptedRelay([
      () => page([]), // the latest few, shown first
      () => page([newer], ["e1-shard-3"]), // a poll that could not read the shard of `older`
      () => page([older, newer]),
    ]);
    let err = "";
    const following = cli(
      ["events", "list", "--follow", "--interval", "100ms", "--max", "2", "--json"],
      { env: { BW_RELAY_URL: relay.url }, onStderr: (c) => (err += c) },
    );
    const result = await following;
    await relay.close();
    expect(result.code).toBe(0);
    expect(result.lines().map((l) => JSON.parse(l).event.id)).toEqual([newer.id, older.id]);
    expect(err).toContain("the relay could not read e1-shard-3; trying again");
    // The poll after the partial one starts where that one did, so `older` is still inside it.
    expect(relay.calls[2]).toBe(relay.calls[1]);
  });
});
