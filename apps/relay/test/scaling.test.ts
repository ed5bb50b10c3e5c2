import {
  createExecutionContext,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FAN_OUT_CONCURRENCY } from "../src/bindings.ts";
import type { RelayEnv } from "../src/config.ts";
import { shardName } from "../src/epochs/model.ts";
import { shardIndexFor } from "../src/shard/sharding.ts";
import {
  ADMIN,
  api,
  appRequest,
  BASIC,
  postCallbacks,
  received,
  relayEnv,
  SHARDS,
  shardOf,
  useRelayTestState,
} from "./helpers.ts";

describe("listing across shards", () => {
  useRelayTestState();

  it("names the shards it could not read instead of failing the whole listing", async () => {
    const ids = ["m-part-1", "m-part-2", "m-part-3", "m-part-4", "m-part-5", "m-part-6"];
    await postCallbacks(ids.map((id) => received(id)));
    const broken = shardIndexFor("m-part-1", SHARDS);
    const brokenName = shardName(0, broken);
    const sql = (statement: string) =>
      runInDurableObject(shardOf("m-part-1"), (_i, state) => {
        state.storage.sql.exec(statement);
      });
    await sql("ALTER TABLE events RENAME TO events_away");
    const page = await api<{ events: { messageId: string }[]; failedShards: string[] }>(
      "/api/events",
    );
    await sql("ALTER TABLE events_away RENAME TO events");
    expect(page.failedShards).toEqual([brokenName]);
    const expected = ids.filter((id) => shardIndexFor(id, SHARDS) !== broken);
    expect(page.events.map((e) => e.messageId).sort()).toEqual(expected.sort());
    const whole = await api<{ events: unknown[]; failedShards: string[] }>("/api/events");
    expect(whole).toMatchObject({ failedShards: [] });
    expect(whole.events).toHaveLength(6);
    expect(FAN_OUT_CONCURRENCY).toBe(6);
  });
});

describe("shard placement", () => {
  useRelayTestState();

  // Locally (workerd) a jurisdiction cannot be applied: the relay says so and runs without it.
  it("takes a location hint and a jurisdiction, and the relay works with them", async () => {
    const env = { ...relayEnv, SHARD_LOCATION_HINT: "enam", SHARD_JURISDICTION: "eu" } as RelayEnv;
    const call = async (path: string, init: RequestInit) => {
      const ctx = createExecutionContext();
      const res = await appRequest(`https://relay.test${path}`, init, env, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const posted = await call("/callbacks", {
      method: "POST",
      headers: { ...BASIC, "content-type": "application/json" },
      body: JSON.stringify([received("m-eu")]),
    });
    expect(posted.status).toBe(200);
    const settings = await (await call("/api/settings", { headers: ADMIN })).json<{
      settings: Record<string, unknown>;
    }>();
    expect(settings.settings).toMatchObject({
      SHARD_LOCATION_HINT: "enam",
      SHARD_JURISDICTION: "eu",
    });
    const listed = await (await call("/api/events", { headers: ADMIN })).json<{
      events: unknown[];
    }>();
    expect(listed.events).toHaveLength(1);
  });

  it("ignores a value it does not know, with a warning", async () => {
    const env = {
      ...relayEnv,
      SHARD_LOCATION_HINT: "mars",
      SHARD_JURISDICTION: "moon",
    } as RelayEnv;
    const ctx = createExecutionContext();
    const res = await appRequest("https://relay.test/api/settings", { headers: ADMIN }, env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await res.json<{ settings: Record<string, unknown> }>()).settings).toMatchObject({
      SHARD_LOCATION_HINT: null,
      SHARD_JURISDICTION: null,
    });
  });
});
