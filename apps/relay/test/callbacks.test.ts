import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { EXAMPLE_NAMES, loadExample } from "@bw-relay/fixtures";
import { describe, expect, it } from "vitest";
import { liveShards } from "../src/epochs/live-shards.ts";
import type { EventShard } from "../src/shard/event-shard.ts";
import { shardIndexFor } from "../src/shard/sharding.ts";
import {
  api,
  appRequest,
  BASIC,
  postCallbacks,
  received,
  relayEnv,
  relayFetch,
  SHARDS,
  shardOf,
  status,
  useRelayTestState,
} from "./helpers.ts";

async function listed(): Promise<{ id: string; status: string; type: string | null }[]> {
  const { events } = await api<{ events: { id: string; status: string; type: string | null }[] }>(
    "/api/events?limit=500",
  );
  return events;
}

describe("POST /callbacks authentication", () => {
  useRelayTestState();

  it("challenges a request without credentials (Bandwidth's first try) and stores nothing", async () => {
    const res = await postCallbacks([received("m-noauth")], {});
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="bw-relay"');
    expect(await res.json()).toEqual({
      error: { code: "unauthorized", message: expect.any(String) },
    });
    expect(await listed()).toEqual([]);
  });

  it("rejects wrong credentials, a wrong scheme and garbage, storing nothing", async () => {
    for (const authorization of [
      `Basic ${btoa("bandwidth:wrong")}`,
      `Basic ${btoa("someone:test-callback-password")}`,
      "Bearer test-callback-password",
      "Basic !!!notbase64",
      `Basic ${btoa("no-colon")}`,
    ]) {
      const res = await postCallbacks([received("m-wrong")], { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Basic");
      const text = await res.text();
      expect(text).not.toContain("test-callback-password");
    }
    expect(await listed()).toEqual([]);
  });

  it("accepts the primary pair and every CALLBACK_CREDENTIALS pair, whole", async () => {
    // CALLBACK_CREDENTIALS is "outbound-app:outbound-password\nthird:pass,with-comma:ok":
    // a comma is part of a password, never a separator.
    const pairs = [
      "bandwidth:test-callback-password",
      "outbound-app:outbound-password",
      "third:pass,with-comma:ok",
    ];
    for (const [i, pair] of pairs.entries()) {
      const res = await postCallbacks([received(`m-pair-${i}`)], {
        authorization: `Basic ${btoa(pair)}`,
      });
      expect(res.status, pair).toBe(200);
    }
    for (const cut of ["third:pass", "with-comma:ok", "outbound-app:"]) {
      const res = await postCallbacks([received("m-cut")], { authorization: `Basic ${btoa(cut)}` });
      expect(res.status, cut).toBe(401);
    }
    expect(await listed()).toHaveLength(3);
  });

  it("says what is wrong with the Authorization header", async () => {
    const message = async (authorization?: string) => {
      const res = await postCallbacks([received("m-msg")], authorization ? { authorization } : {});
      expect(res.status).toBe(401);
      return (await res.json<{ error: { message: string } }>()).error.message;
    };
    expect(await message()).toBe("HTTP Basic credentials are required.");
    expect(await message("Basic !!!")).toMatch(/is not HTTP Basic credentials/);
    // Latin-1 credentials were sent: they are wrong, not missing.
    expect(await message(`Basic ${btoa("jos\u00e9:\u00f1")}`)).toBe(
      "The HTTP Basic credentials are not valid.",
    );
  });

  it("refuses a malformed CALLBACK_CREDENTIALS loudly: 503 naming the entry, nothing stored", async () => {
    const env = { ...relayEnv, CALLBACK_CREDENTIALS: "ok:fine\nu4:" };
    const res = await appRequest(
      new Request("https://relay.test/callbacks", {
        method: "POST",
        headers: { ...BASIC, "content-type": "application/json" },
        body: JSON.stringify([received("m-misconfigured")]),
      }),
      undefined,
      env,
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: {
        code: "not_configured",
        message:
          "Callback credentials are refused: CALLBACK_CREDENTIALS: line 2: the password is empty.",
      },
    });
    expect(await listed()).toEqual([]);
  });

  it("answers 503 not_configured when no callback credentials are set", async () => {
    const env = {
      ...relayEnv,
      CALLBACK_USERNAME: undefined,
      CALLBACK_PASSWORD: undefined,
      CALLBACK_CREDENTIALS: undefined,
    };
    const res = await appRequest("/callbacks", { method: "POST", headers: BASIC, body: "[]" }, env);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "not_configured" } });
  });
});

describe("POST /callbacks body handling", () => {
  useRelayTestState();

  it("answers 413 for a body over MAX_BODY_BYTES, declared or streamed", async () => {
    const big = JSON.stringify([received("m-big", { filler: "x".repeat(70_000) })]);
    const declared = await postCallbacks(big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: "payload_too_large" } });

    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++)
          controller.enqueue(encoder.encode(big.slice(i * 7100, (i + 1) * 7100)));
        controller.close();
      },
    });
    const chunked = await relayFetch("/callbacks", {
      method: "POST",
      headers: BASIC,
      body: stream,
    });
    expect(chunked.status).toBe(413);
    expect(await listed()).toEqual([]);
  });

  it("answers 400 invalid_json for a body that is not JSON", async () => {
    for (const body of ["{not json", "", "[{]"]) {
      const res = await postCallbacks(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_json" } });
    }
    expect(await listed()).toEqual([]);
  });

  it("answers 400 empty_batch for an empty array", async () => {
    const res = await postCallbacks([]);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "empty_batch" } });
  });

  it("answers 405 to other methods", async () => {
    const res = await relayFetch("/callbacks", { headers: BASIC });
    expect(res.status).toBe(405);
  });
});

describe("POST /callbacks storage", () => {
  useRelayTestState();

  it("stores every reference example; the docs' repeated examples count as duplicates", async () => {
    const batches = EXAMPLE_NAMES.map(loadExample);
    expect(batches.length).toBe(6);
    const ids: string[] = [];
    let accepted = 0;
    let duplicates = 0;
    for (const batch of batches) {
      const res = await postCallbacks(batch);
      expect(res.status).toBe(200);
      const body = await res.json<{
        accepted: number;
        duplicates: number;
        quarantined: number;
        ids: string[];
      }>();
      expect(body.quarantined).toBe(0);
      expect(body.ids).toHaveLength(1);
      expect(body.ids[0]).toMatch(/^evt_[0-9a-f]{32}$/);
      accepted += body.accepted;
      duplicates += body.duplicates;
      ids.push(...body.ids);
    }
    // Four message-received examples share type, time, message.id and to: one event.
    expect(accepted).toBe(3);
    expect(duplicates).toBe(3);
    expect(new Set(ids).size).toBe(3);
    const events = await listed();
    expect(events.map((e) => e.type).sort()).toEqual([
      "message-failed",
      "message-received",
      "message-sending",
    ]);
    expect(events.every((e) => e.status === "stored")).toBe(true);
  });

  it("counts a resend of the same callback as a duplicate with the same id", async () => {
    const batch = [
      received("m-resend"),
      status("message-delivered", "m-resend-2", "2030-01-01T00:00:01Z"),
    ];
    const first = await (await postCallbacks(batch)).json<{ ids: string[] }>();
    const again = await postCallbacks(batch);
    expect(await again.json()).toEqual({
      accepted: 0,
      duplicates: 2,
      quarantined: 0,
      ids: first.ids,
    });
    expect(await listed()).toHaveLength(2);
  });

  it("accepts a single event object (not in an array)", async () => {
    const res = await postCallbacks(received("m-single"));
    expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 0, quarantined: 0 });
  });

  it("accepts an event type it does not know yet", async () => {
    const res = await postCallbacks([
      {
        type: "message-teleported",
        time: "2030-01-01T00:00:00Z",
        message: { id: "m-new", warp: 9 },
      },
    ]);
    expect(await res.json()).toMatchObject({ accepted: 1, quarantined: 0 });
    const [event] = await listed();
    expect(event).toMatchObject({ type: "message-teleported", status: "stored" });
  });

  it("quarantines invalid events with their issues and still stores the valid ones", async () => {
    const res = await postCallbacks([
      received("m-good"),
      { type: "message-received", message: { id: "m-bad", to: 5 } },
      42,
    ]);
    expect(res.status).toBe(200);
    const body = await res.json<{ accepted: number; quarantined: number; ids: string[] }>();
    expect(body).toMatchObject({ accepted: 1, quarantined: 2 });
    const quarantined = await api<{ events: { id: string }[] }>("/api/events?status=quarantined");
    expect(quarantined.events).toHaveLength(2);
    const { event } = await api<{
      event: { issues: { path: string; message: string }[]; normalized: unknown; raw: unknown };
    }>(`/api/events/${body.ids[1]}`);
    expect(event.normalized).toBeNull();
    expect(event.raw).toEqual({ type: "message-received", message: { id: "m-bad", to: 5 } });
    expect(event.issues).toEqual([
      { path: "time", message: expect.stringContaining("time is required") },
      { path: "message.to", message: expect.stringContaining("got 5") },
    ]);
  });

  it("commits a batch spread over several shards, or answers 5xx; the resend completes it", async () => {
    const batch = Array.from({ length: 24 }, (_, i) => received(`m-spread-${i}`));
    const brokenIndex = shardIndexFor("m-spread-0", SHARDS);
    const inBroken = batch.filter((e) => shardIndexFor(e.message.id, SHARDS) === brokenIndex);
    // The batch really spans shards: the healthy ones' part is neither nothing nor everything.
    expect(inBroken.length).toBe(7);

    // One shard's writes fail for real: its events table is out of the way.
    const broken = shardOf("m-spread-0");
    const sql = (statement: string) =>
      runInDurableObject(broken, (_i: EventShard, state) => {
        state.storage.sql.exec(statement);
      });
    await sql("ALTER TABLE events RENAME TO events_away");
    const failed = await postCallbacks(batch);
    expect(failed.status).toBe(503);
    const error = await failed.json<{ error: { code: string; message: string } }>();
    expect(error.error.code).toBe("storage_unavailable");
    expect(error.error.message).not.toMatch(/SQL|no such table/i);

    await sql("ALTER TABLE events_away RENAME TO events");
    // The broken shard stored nothing of the batch; the others committed their part.
    const partial = await listed();
    expect(partial).toHaveLength(24 - inBroken.length);
    const retried = await postCallbacks(batch);
    expect(retried.status).toBe(200);
    const body = await retried.json<{ accepted: number; duplicates: number }>();
    expect(body).toMatchObject({ accepted: inBroken.length, duplicates: 24 - inBroken.length });
    expect(await listed()).toHaveLength(24);
  });

  it("keeps stored events across a Durable Object restart", async () => {
    await postCallbacks([received("m-evict")]);
    for (const shard of await liveShards(relayEnv)) {
      await evictDurableObject(shard.stub).catch(() => {});
    }
    const events = await listed();
    expect(events.map((e) => e.status)).toEqual(["stored"]);
  });

  it("writes an event that normalizing leaves unchanged once, and still shows it as raw", async () => {
    const event = received("m-same");
    const res = await postCallbacks([event]);
    const { ids } = await res.json<{ ids: string[] }>();
    const row = await runInDurableObject(shardOf("m-same"), (_i: EventShard, state) =>
      state.storage.sql
        .exec<{ raw: string; normalized: string }>(
          "SELECT raw, normalized FROM events WHERE id = ?",
          ids[0],
        )
        .one(),
    );
    expect(row.raw).toBe("");
    expect(JSON.parse(row.normalized)).toEqual(event);
    const detail = await api<{ event: { raw: unknown; normalized: unknown } }>(
      `/api/events/${ids[0]}`,
    );
    expect(detail.event.raw).toEqual(event);
    expect(detail.event.normalized).toEqual(event);
  });

  it("writes the event and its normalized form in one row, checked in SQL", async () => {
    const res = await postCallbacks([
      received("m-sql", {
        message: { ...received("m-sql").message, to: "+12345678902", segmentCount: "2" },
      }),
    ]);
    const { ids } = await res.json<{ ids: string[] }>();
    const row = await runInDurableObject(shardOf("m-sql"), (_i: EventShard, state) =>
      state.storage.sql
        .exec<{ normalized: string; raw: string }>(
          "SELECT raw, normalized FROM events WHERE id = ?",
          ids[0],
        )
        .one(),
    );
    expect(JSON.parse(row.raw).message.to).toBe("+12345678902");
    expect(JSON.parse(row.normalized).message.to).toEqual(["+12345678902"]);
    expect(JSON.parse(row.normalized).message.segmentCount).toBe(2);
  });
});
