import {
  createExecutionContext,
  createScheduledController,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { RelayEnv } from "../src/config.ts";
import { liveShards, rememberEpochs, shardEpochs } from "../src/epochs/live-shards.ts";
import { shardName } from "../src/epochs/model.ts";
import worker from "../src/index.ts";
import { EventShard } from "../src/shard/event-shard.ts";
import { shardIndexFor } from "../src/shard/sharding.ts";
import { FetchStub } from "./fetch-stub.ts";
import {
  ADMIN,
  advance,
  api,
  appRequest,
  postCallbacks,
  received,
  relayEnv,
  relayFetch,
  runAlarms,
  SHARDS,
  status,
  useRelayTestState,
} from "./helpers.ts";

const HOOK = "https://receiver.test/hook";
const HOUR = 3_600_000;

interface Epochs {
  shardCount: number;
  epochs: { epoch: number; shardCount: number; state: string; retiredAt: string | null }[];
}
interface Listed {
  events: { id: string; messageId: string; type: string; status: string }[];
  nextCursor: string | null;
  failedShards: string[];
}

useRelayTestState();
const fetchStub = FetchStub.useInEachTest();

/** The names of the live shards holding any event of `messageId` (one, if it stays together). */
async function holders(messageId: string): Promise<string[]> {
  const names: string[] = [];
  for (const shard of await liveShards(relayEnv)) {
    const n = await runInDurableObject(
      shard.stub,
      (_i, state) =>
        state.storage.sql
          .exec<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE message_id = ?", messageId)
          .one().n,
    );
    if (n > 0) names.push(shard.name);
  }
  return names;
}

async function accept(
  events: unknown[],
): Promise<{ accepted: number; duplicates: number; ids: string[] }> {
  const res = await postCallbacks(events);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

function reshard(shardCount: number, expectStatus = 201) {
  return api<Epochs>("/api/shards", { method: "POST", body: { shardCount }, expect: expectStatus });
}

/** Every event the listing pages through, `limit` at a time. */
async function listAll(limit: number): Promise<Listed["events"]> {
  const all: Listed["events"] = [];
  let cursor: string | null = null;
  do {
    const page: Listed = await api<Listed>(
      `/api/events?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(page.failedShards).toEqual([]);
    all.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

const sending = (id: string) => status("message-sending", id, "2030-01-01T00:00:01Z");
const delivered = (id: string) => status("message-delivered", id, "2030-01-01T00:00:02Z");
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe("shard epochs", () => {
  it("starts with one epoch of SHARD_COUNT shards named as before epochs existed", async () => {
    const epochs = await api<Epochs>("/api/shards");
    expect(epochs).toEqual({
      shardCount: SHARDS,
      epochs: [
        {
          epoch: 0,
          shardCount: SHARDS,
          since: "1970-01-01T00:00:00.000Z",
          state: "current",
          retiredAt: null,
        },
      ],
    });
    await accept([received("m-first")]);
    expect(await holders("m-first")).toEqual([shardName(0, shardIndexFor("m-first", SHARDS))]);
  });

  it("raises the count: a message's status callbacks straddling the change stay in its shard, a resend is still a duplicate, new messages spread over the new shards", async () => {
    const before = ids("m-old", 24);
    const fresh = ids("m-new", 24);
    const first = await accept(before.map(sending));
    expect(first.accepted).toBe(24);

    const raised = await reshard(16);
    expect(raised.shardCount).toBe(16);
    expect(raised.epochs.map((e) => [e.epoch, e.shardCount, e.state])).toEqual([
      [0, SHARDS, "closed"],
      [1, 16, "current"],
    ]);

    // After the change: the old messages' next events, new messages, and a resend of the first.
    const after = await accept([...before.map(delivered), ...fresh.map((id) => received(id))]);
    expect(after).toMatchObject({ accepted: 48, duplicates: 0 });
    const resent = await accept([sending(before[0] as string), received(fresh[0] as string)]);
    expect(resent).toMatchObject({ accepted: 0, duplicates: 2 });

    for (const id of before) {
      expect(await holders(id)).toEqual([shardName(0, shardIndexFor(id, SHARDS))]);
    }
    for (const id of fresh) {
      expect(await holders(id)).toEqual([shardName(1, shardIndexFor(id, 16))]);
    }
    // The new messages really use the new count, not the old one's shards.
    expect(new Set(fresh.map((id) => shardIndexFor(id, 16))).size).toBe(12);

    // Lists, pages and the per-message listing see both epochs.
    const listed = await listAll(7);
    expect(listed).toHaveLength(72);
    expect(new Set(listed.map((e) => e.id)).size).toBe(72);
    const old = await api<Listed>(`/api/events?messageId=${before[3]}`);
    expect(old.events.map((e) => e.type).sort()).toEqual(["message-delivered", "message-sending"]);
    const metrics = await (await relayFetch("/metrics", { headers: ADMIN })).text();
    expect(metrics).toContain('bw_relay_shards{epoch_state="current"} 16');
    expect(metrics).toContain(`bw_relay_shards{epoch_state="closed"} ${SHARDS}`);
    const stats = await api<{ events: { byType: Record<string, number> } }>("/api/stats");
    expect(stats.events.byType).toMatchObject({
      "message-sending": 24,
      "message-delivered": 24,
      "message-received": 24,
    });
  });

  it("sends a new message straight to the newest epoch: the closed shards are not asked about it", async () => {
    const before = ids("m-kf-old", 12);
    await accept(before.map(sending));
    await reshard(SHARDS + 3);
    // Calls to a closed epoch's shards carry its route; the newest epoch's carry none.
    const ingest = vi.spyOn(EventShard.prototype, "ingest");
    const closedCalls = () => ingest.mock.calls.filter(([, route]) => route !== undefined).length;
    try {
      const fresh = ids("m-kf-new", 40);
      for (const id of fresh) expect((await accept([received(id)])).accepted).toBe(1);
      // Each closed shard was asked for its filter instead (about 1 % may still be offered).
      expect(closedCalls()).toBeLessThanOrEqual(2);
      for (const id of fresh.slice(0, 5)) {
        expect(await holders(id)).toEqual([shardName(1, shardIndexFor(id, SHARDS + 3))]);
      }
      // A message the old epoch holds is still offered to its shard, and stays there.
      const offered = closedCalls();
      expect(await accept([delivered(before[0] as string)])).toMatchObject({ accepted: 1 });
      expect(await accept([sending(before[1] as string)])).toMatchObject({ duplicates: 1 });
      expect(closedCalls()).toBe(offered + 2);
      expect(await holders(before[0] as string)).toEqual([
        shardName(0, shardIndexFor(before[0] as string, SHARDS)),
      ]);
    } finally {
      ingest.mockRestore();
    }
  });

  it("delivers a straddling message in order and replays and recovers across epochs", async () => {
    await api("/api/targets", { method: "POST", body: { name: "hook", url: HOOK }, expect: 201 });
    let refuse = true;
    fetchStub.on(HOOK, (request) => {
      const [event] = JSON.parse(request.body);
      if (event.type === "message-sending" && refuse) return new Response("busy", { status: 503 });
      return new Response("ok");
    });
    const [sent] = (await accept([sending("m-straddle")])).ids;
    await runAlarms();
    await reshard(2);
    const [done, other] = (await accept([delivered("m-straddle"), received("m-after")])).ids;
    await runAlarms();
    // The sending event failed; its message's later event waits behind it, across the change.
    expect(fetchStub.eventIds(HOOK).filter((id) => id !== other)).toEqual([sent]);
    refuse = false;
    advance(HOUR);
    await runAlarms();
    await runAlarms();
    expect(fetchStub.eventIds(HOOK).filter((id) => id !== other)).toEqual([sent, sent, done]);
    expect(fetchStub.eventIds(HOOK)).toContain(other);

    // Replay finds an event in either epoch; detail too.
    for (const id of [sent, other]) {
      await api(`/api/events/${id}/replay`, { method: "POST", body: {}, expect: 202 });
      expect((await api<{ event: { id: string } }>(`/api/events/${id}`)).event.id).toBe(id);
    }
    await runAlarms();
    expect(fetchStub.eventIds(HOOK).slice(-2).sort()).toEqual([sent, other].sort());
  });

  it("recovers dead deliveries of every epoch with one call, and counts them in the stats", async () => {
    const { target } = await api<{ target: { id: string } }>("/api/targets", {
      method: "POST",
      body: { name: "hook", url: HOOK, maxAttempts: 1 },
      expect: 201,
    });
    fetchStub.on(HOOK, 500, 500, 200);
    await accept([received("m-dead-old")]);
    await reshard(3);
    await accept([received("m-dead-new")]);
    await runAlarms();
    const stats = await api<{ targets: { id: string; deliveries: { dead: number } }[] }>(
      "/api/stats",
    );
    expect(stats.targets.find((t) => t.id === target.id)?.deliveries.dead).toBe(2);
    const retried = await api<{ queued: number }>("/api/deliveries/retry", {
      method: "POST",
      body: { status: "dead", targetId: target.id },
      expect: 202,
    });
    expect(retried.queued).toBe(2);
    await runAlarms();
    const dead = await api<Listed>("/api/events?deliveryStatus=dead");
    expect(dead.events).toEqual([]);
  });

  it("lowers the count the same way", async () => {
    await accept(ids("m-down", 12).map(sending));
    await reshard(1);
    await accept([
      ...ids("m-down", 12).map(delivered),
      ...ids("m-later", 6).map((id) => received(id)),
    ]);
    for (const id of ids("m-down", 12)) {
      expect(await holders(id)).toEqual([shardName(0, shardIndexFor(id, SHARDS))]);
    }
    for (const id of ids("m-later", 6)) expect(await holders(id)).toEqual([shardName(1, 0)]);
    expect(await listAll(50)).toHaveLength(30);
  });

  it("keeps a message together when a Worker instance still routes with the history from before", async () => {
    const stale = await shardEpochs(relayEnv);
    await reshard(8);
    // A fresh instance starts m-split in the new epoch: its old shard learns it is closed.
    await accept([sending("m-split")]);
    // An instance that has not read the change offers the next event to the old epoch only.
    rememberEpochs(stale);
    const next = await accept([delivered("m-split")]);
    expect(next.accepted).toBe(1);
    expect(await holders("m-split")).toEqual([shardName(1, shardIndexFor("m-split", 8))]);
  });

  it("moves nothing while events are being accepted during the change", async () => {
    const messages = ids("m-load", 30);
    const batches = messages.map((id) => [sending(id), delivered(id)]);
    const posted = Promise.all(
      batches.map(async (batch, i) => {
        // Each message's second event goes out after its first is acknowledged.
        const [one, two] = batch;
        const a = await accept([one]);
        const b = i % 3 === 0 ? await accept([two]) : await accept([two, one]);
        return a.accepted + b.accepted;
      }),
    );
    const changed = reshard(12);
    const [accepted] = await Promise.all([posted, changed]);
    expect(accepted.reduce((a, b) => a + b, 0)).toBe(60);
    for (const id of messages) expect(await holders(id)).toHaveLength(1);
    expect(await listAll(500)).toHaveLength(60);
  });

  it("retires an epoch once its events are purged, and asks it no more", async () => {
    await accept([sending("m-retire")]);
    await reshard(2);
    const watchdog = async () => {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController(), relayEnv, ctx);
      await waitOnExecutionContext(ctx);
    };
    await watchdog();
    expect((await api<Epochs>("/api/shards")).epochs[0]?.state).toBe("closed");
    advance(49 * HOUR);
    await runAlarms();
    await watchdog();
    const after = await api<Epochs>("/api/shards");
    expect(after.epochs.map((e) => e.state)).toEqual(["retired", "current"]);
    expect((await liveShards(relayEnv)).map((s) => s.name)).toEqual([
      shardName(1, 0),
      shardName(1, 1),
    ]);
    // The message's shard is gone with its events: a late event starts it afresh.
    await accept([delivered("m-retire")]);
    expect(await holders("m-retire")).toEqual([shardName(1, shardIndexFor("m-retire", 2))]);
  });

  it("refuses a change that changes nothing, a bad count, and a fifth live epoch", async () => {
    const same = await api<{ error: { code: string } }>("/api/shards", {
      method: "POST",
      body: { shardCount: SHARDS },
      expect: 409,
    });
    expect(same.error.code).toBe("shard_count_unchanged");
    for (const shardCount of [0, 1.5, 2000, "8"]) {
      await api("/api/shards", { method: "POST", body: { shardCount }, expect: 400 });
    }
    await reshard(5);
    await reshard(6);
    await reshard(7);
    const fifth = await api<{ error: { code: string } }>("/api/shards", {
      method: "POST",
      body: { shardCount: 9 },
      expect: 409,
    });
    expect(fifth.error.code).toBe("too_many_epochs");
    expect((await api<Epochs>("/api/shards")).shardCount).toBe(7);
  });
});

describe("SHARD_COUNT, the setting", () => {
  /** A request as a Worker version uploaded at `versionAt`, reading SHARD_COUNT=`count`. */
  async function asVersion(count: number, versionAt: string, path = "/api/shards") {
    const env = {
      ...relayEnv,
      SHARD_COUNT: String(count),
      CF_VERSION_METADATA: { id: versionAt, tag: "", timestamp: versionAt },
    } as RelayEnv;
    const ctx = createExecutionContext();
    const res = await appRequest(`https://relay.test${path}`, { headers: ADMIN }, env, ctx);
    await waitOnExecutionContext(ctx);
    return res.json<Epochs>();
  }

  it("opens an epoch when a newer version reads a new value; an older one does not undo it", async () => {
    await api("/api/shards");
    const newer = await asVersion(6, "2099-01-01T00:00:00Z");
    expect(newer.epochs.map((e) => e.shardCount)).toEqual([SHARDS, 6]);
    const older = await asVersion(SHARDS, "2098-01-01T00:00:00Z");
    expect(older.shardCount).toBe(6);
    // A count set by the admin call stays until the setting itself changes again.
    await reshard(10);
    expect((await asVersion(6, "2099-06-01T00:00:00Z")).shardCount).toBe(10);
    expect((await asVersion(3, "2099-07-01T00:00:00Z")).shardCount).toBe(3);
  });
});
