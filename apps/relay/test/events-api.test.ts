import { describe, expect, it } from "vitest";
import type { EventSummary } from "../src/shard/types.ts";
import {
  advance,
  api,
  appRequest,
  postCallbacks,
  received,
  relayEnv,
  relayFetch,
  status,
  useRelayTestState,
} from "./helpers.ts";

interface Page {
  events: EventSummary[];
  nextCursor: string | null;
}

/** Posts one event per call, one millisecond apart, so "newest first" has one answer. */
async function seed(events: unknown[]): Promise<string[]> {
  const ids: string[] = [];
  for (const event of events) {
    advance(1);
    const res = await postCallbacks([event]);
    expect(res.status).toBe(200);
    ids.push(...(await res.json<{ ids: string[] }>()).ids);
  }
  return ids;
}

describe("admin API authentication", () => {
  useRelayTestState();

  it("answers 401 with a Bearer challenge without or with a wrong token", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer nope" },
      { authorization: "Basic dGVzdA==" },
    ];
    for (const headers of attempts) {
      const res = await relayFetch("/api/events", { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    const metrics = await relayFetch("/metrics");
    expect(metrics.status).toBe(401);
  });

  it("answers 503 not_configured without ADMIN_TOKEN", async () => {
    const res = await appRequest(
      "/api/events",
      { headers: { authorization: "Bearer x" } },
      { ...relayEnv, ADMIN_TOKEN: undefined },
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: "not_configured" } });
  });

  it("serves /healthz without auth and 404s unknown routes in the error shape", async () => {
    expect((await relayFetch("/healthz")).status).toBe(200);
    const res = await relayFetch("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("GET /api/events", () => {
  useRelayTestState();

  it("lists newest first across shards and pages with a cursor", async () => {
    const ids = await seed(Array.from({ length: 7 }, (_, i) => received(`m-list-${i}`)));
    const first = await api<Page>("/api/events?limit=3");
    expect(first.events.map((e) => e.id)).toEqual([ids[6], ids[5], ids[4]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await api<Page>(`/api/events?limit=3&cursor=${first.nextCursor}`);
    expect(second.events.map((e) => e.id)).toEqual([ids[3], ids[2], ids[1]]);
    const third = await api<Page>(`/api/events?limit=3&cursor=${second.nextCursor}`);
    expect(third.events.map((e) => e.id)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
  });

  it("keeps pages stable while new events arrive", async () => {
    const ids = await seed(Array.from({ length: 4 }, (_, i) => received(`m-stable-${i}`)));
    const first = await api<Page>("/api/events?limit=2");
    await seed([received("m-stable-new-1"), received("m-stable-new-2")]);
    const second = await api<Page>(`/api/events?limit=2&cursor=${first.nextCursor}`);
    expect(second.events.map((e) => e.id)).toEqual([ids[1], ids[0]]);
  });

  it("shapes each summary as the contract says", async () => {
    const [id] = await seed([received("m-shape")]);
    const { events } = await api<Page>("/api/events");
    expect(events[0]).toEqual({
      id,
      receivedAt: expect.stringMatching(/^2030-01-01T00:00:00\.\d{3}Z$/),
      type: "message-received",
      messageId: "m-shape",
      direction: "in",
      owner: "+12345678902",
      status: "stored",
      errorCode: null,
      errorName: null,
      deliveries: [],
    });
  });

  it("searches the Bandwidth fields people debug with", async () => {
    const ids = await seed([
      received("m-s-1", {
        message: { ...received("m-s-1").message, text: "Hello Stop Words", tag: "t1" },
      }),
      status("message-failed", "m-s-2", "2030-01-01T00:00:06Z", { errorCode: 4432 }),
      received("m-s-3", {
        message: { ...received("m-s-3").message, from: "+15550009999", to: ["+15550001111"] },
      }),
      { type: "message-received", message: { id: "m-s-bad", from: "+15550009999", to: 5 } },
    ]);
    const q = async (query: string) =>
      (await api<Page>(`/api/events?${query}`)).events.map((e) => e.id);
    expect(await q("text=stop%20words")).toEqual([ids[0]]);
    expect(await q("tag=t1")).toEqual([ids[0]]);
    expect(await q("errorCode=4432")).toEqual([ids[1]]);
    // Quarantined events are searched in their raw form; an unencoded + is a space in a query.
    expect(await q("from=+15550009999")).toEqual([ids[3], ids[2]]);
    expect(await q("from=%2B15550009999")).toEqual([ids[3], ids[2]]);
    expect(await q("to=%2B15550001111")).toEqual([ids[2]]);
    // `to` matches the top-level recipient as well as message.to.
    expect(await q("to=+12345678902")).toEqual([ids[2], ids[0]]);
    expect(await q("applicationId=93de2206-9669-4e07-948d-329f4b722ee2")).toEqual([ids[2], ids[0]]);
    const failed = (await api<Page>("/api/events?errorCode=4432")).events[0];
    expect(failed).toMatchObject({ errorCode: 4432, errorName: "rejected-forbidden-country" });
  });

  it("refuses a parameter it does not know, instead of ignoring it", async () => {
    const res = await api<{ error: { code: string; message: string } }>(
      "/api/events?stauts=failed",
      { expect: 400 },
    );
    expect(res.error).toEqual({
      code: "invalid_query",
      message: "unknown field `stauts` (did you mean `status`?).",
    });
  });

  it("filters by type, direction, owner, messageId, status, since and until", async () => {
    const ids = await seed([
      received("m-f-1"),
      status("message-delivered", "m-f-2", "2030-01-01T00:00:05Z"),
      status("message-failed", "m-f-2", "2030-01-01T00:00:06Z", { errorCode: 4432 }),
      received("m-f-3", { message: { ...received("m-f-3").message, owner: "+15555550100" } }),
      { type: "message-received", message: { id: "m-f-bad" } },
    ]);
    const q = async (query: string) =>
      (await api<Page>(`/api/events?${query}`)).events.map((e) => e.id);
    expect(await q("type=message-failed")).toEqual([ids[2]]);
    expect(await q("direction=out")).toEqual([ids[2], ids[1]]);
    expect(await q("owner=%2B15555550100")).toEqual([ids[3]]);
    expect(await q("messageId=m-f-2")).toEqual([ids[2], ids[1]]);
    expect(await q("status=quarantined")).toEqual([ids[4]]);
    expect(await q("status=stored&direction=in")).toEqual([ids[3], ids[0]]);
    const all = (await api<Page>("/api/events")).events;
    const at = (id: string | undefined) => all.find((e) => e.id === id)?.receivedAt ?? "";
    expect(await q(`since=${encodeURIComponent(at(ids[2]))}`)).toEqual([ids[4], ids[3], ids[2]]);
    expect(await q(`until=${encodeURIComponent(at(ids[1]))}`)).toEqual([ids[1], ids[0]]);
    expect(await q(`since=${Date.parse(at(ids[1]))}&until=${Date.parse(at(ids[2]))}`)).toEqual([
      ids[2],
      ids[1],
    ]);
  });

  it("rejects bad filters with 400 and a message naming the parameter", async () => {
    for (const [query, code] of [
      ["limit=0", "invalid_query"],
      ["limit=abc", "invalid_query"],
      ["limit=501", "invalid_query"],
      ["status=exploded", "invalid_query"],
      ["direction=sideways", "invalid_query"],
      ["since=yesterday", "invalid_query"],
      ["cursor=garbage", "invalid_cursor"],
      ["targetId=tgt_x&status=quarantined", "invalid_query"],
    ] as const) {
      const res = await relayFetch(`/api/events?${query}`, {
        headers: { authorization: "Bearer test-admin-token" },
      });
      expect(res.status, query).toBe(400);
      const body = await res.json<{ error: { code: string; message: string } }>();
      expect(body.error.code, query).toBe(code);
    }
  });
});

describe("GET /api/events/:id", () => {
  useRelayTestState();

  it("returns raw, normalized and issues", async () => {
    const raw = received("m-detail", {
      message: { ...received("m-detail").message, to: "+12345678902", extra: { a: 1 } },
    });
    const [id] = await seed([raw]);
    const { event } = await api<{ event: Record<string, unknown> }>(`/api/events/${id}`);
    expect(event).toMatchObject({
      id,
      status: "stored",
      type: "message-received",
      issues: null,
      deliveries: [],
    });
    expect(event.raw).toEqual(raw);
    expect(event.normalized).toMatchObject({ message: { to: ["+12345678902"], extra: { a: 1 } } });
  });

  it("answers 404 for an unknown id", async () => {
    const res = await relayFetch("/api/events/evt_00000000000000000000000000000000", {
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("GET /api/stats", () => {
  useRelayTestState();

  it("counts events by status and type and the accept counters", async () => {
    await seed([received("m-s-1"), received("m-s-2"), { type: "x", message: {} }]);
    await postCallbacks([received("m-s-1")]);
    const stats = await api<{
      events: { total: number; byStatus: Record<string, number>; byType: Record<string, number> };
      counters: Record<string, number>;
    }>("/api/stats");
    expect(stats.events.total).toBe(3);
    expect(stats.events.byStatus).toEqual({ stored: 2, quarantined: 1 });
    expect(stats.events.byType).toEqual({ "message-received": 2, x: 1 });
    expect(stats.counters).toMatchObject({ accepted: 2, duplicates: 1, quarantined: 1 });
  });
});
