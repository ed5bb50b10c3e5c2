import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { FetchStub } from "./fetch-stub.ts";
import {
  advance,
  api,
  BASIC,
  postCallbacks,
  received,
  relayFetch,
  runAlarms,
  shardOf,
  status,
  useRelayTestState,
} from "./helpers.ts";

const HOOK = "https://receiver.test/hook";
const OTHER = "https://other.test/hook";

interface Delivery {
  targetId: string;
  status: string;
  attemptCount: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
}
interface Detail {
  id: string;
  status: string;
  deliveries: (Delivery & {
    lastError: string | null;
    attempts: { at: string; statusCode: number | null; durationMs: number; error: string | null }[];
  })[];
}

useRelayTestState();
const fetchStub = FetchStub.useInEachTest();

async function createTarget(body: Record<string, unknown> = {}) {
  return api<{ target: { id: string; state: string }; secret: string }>("/api/targets", {
    method: "POST",
    body: { name: "receiver", url: HOOK, ...body },
    expect: 201,
  });
}

async function accept(events: unknown[]): Promise<string[]> {
  const res = await postCallbacks(events);
  expect(res.status).toBe(200);
  return (await res.json<{ ids: string[] }>()).ids;
}

async function detail(id: string | undefined): Promise<Detail> {
  return (await api<{ event: Detail }>(`/api/events/${id}`)).event;
}

async function target(id: string) {
  return (
    await api<{ target: { state: string; stateReason: string | null; enabled: boolean } }>(
      `/api/targets/${id}`,
    )
  ).target;
}

describe("signed delivery", () => {
  it("posts the normalized event as a one-element array, signed per Standard Webhooks", async () => {
    const { target: t, secret } = await createTarget({ headers: { "x-tenant": "acme" } });
    fetchStub.on(HOOK, 200);
    const event = received("m-sign", {
      message: { ...received("m-sign").message, to: "+12345678902" },
    });
    const [id] = await accept([event]);
    expect(await runAlarms()).toBe(1);

    const [request] = fetchStub.to(HOOK);
    expect(request?.method).toBe("POST");
    const headers = request?.headers as Headers;
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.get("user-agent")).toMatch(/^bw-relay\/\d+\.\d+\.\d+/);
    expect(headers.get("webhook-id")).toBe(id);
    expect(headers.get("webhook-timestamp")).toBe(String(Math.floor(Date.now() / 1000)));
    expect(headers.get("bw-relay-attempt")).toBe("1");
    expect(headers.get("x-tenant")).toBe("acme");
    const body = JSON.parse(request?.body ?? "");
    expect(body).toHaveLength(1);
    expect(body[0].message.to).toEqual(["+12345678902"]);
    expect(body[0].type).toBe("message-received");

    // The reference implementation accepts it (at the fake clock's time).
    const wh = new Webhook(secret.replace(/^whsec_/, ""));
    const verifyAt = Math.floor(Date.now() / 1000);
    expect(() =>
      wh.verify(request?.body ?? "", {
        "webhook-id": headers.get("webhook-id") ?? "",
        "webhook-timestamp": String(verifyAt),
        "webhook-signature": headers.get("webhook-signature") ?? "",
      }),
    ).not.toThrow();
    expect(() =>
      new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify(request?.body ?? "", {
        "webhook-id": headers.get("webhook-id") ?? "",
        "webhook-timestamp": String(verifyAt),
        "webhook-signature": headers.get("webhook-signature") ?? "",
      }),
    ).toThrow();

    const d = await detail(id);
    expect(d.status).toBe("delivered");
    expect(d.deliveries[0]).toMatchObject({
      targetId: t.id,
      status: "delivered",
      attemptCount: 1,
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    expect(d.deliveries[0]?.attempts).toEqual([
      {
        at: expect.any(String),
        statusCode: 200,
        durationMs: expect.any(Number),
        error: null,
        responseExcerpt: "status 200",
        attempt: 1,
      },
    ]);
  });

  it("sends nothing for events no target wants, and honours every filter", async () => {
    await createTarget({
      eventTypes: ["message-failed"],
      directions: ["out"],
      owners: ["+19196494865"],
      applicationIds: ["cfd4fb83-7531-4acc-b471-42d0bb76a65c"],
    });
    fetchStub.on(HOOK, 200);
    const [inbound, delivered, failed, otherOwner] = await accept([
      received("m-filter-1"),
      status("message-delivered", "m-filter-2", "2030-01-01T00:00:01Z"),
      status("message-failed", "m-filter-3", "2030-01-01T00:00:02Z", { errorCode: 4432 }),
      {
        ...status("message-failed", "m-filter-4", "2030-01-01T00:00:03Z"),
        message: { ...status("message-failed", "m-filter-4", "x").message, owner: "+10000000000" },
      },
    ]);
    await runAlarms();
    expect(fetchStub.eventIds(HOOK)).toEqual([failed]);
    expect((await detail(inbound)).status).toBe("stored");
    expect((await detail(delivered)).status).toBe("stored");
    expect((await detail(otherOwner)).status).toBe("stored");
  });

  it("forwards quarantined events never", async () => {
    await createTarget();
    fetchStub.on(HOOK, 200);
    await accept([{ type: "message-received", message: { id: 7 } }]);
    await runAlarms();
    expect(fetchStub.requests).toEqual([]);
  });
});

describe("response classes", () => {
  const cases: [
    string,
    FetchStub["on"] extends (u: string, ...r: infer R) => unknown ? R[number] : never,
    string,
    string,
  ][] = [
    ["204", 204, "delivered", "delivered"],
    [
      "301 (redirects are not followed)",
      { status: 301, headers: { location: "https://elsewhere.test/" } },
      "failed",
      "failed",
    ],
    ["400", 400, "failed", "failed"],
    ["404", 404, "failed", "failed"],
    ["408", 408, "pending", "pending"],
    ["425", 425, "pending", "pending"],
    ["500", 500, "pending", "pending"],
    ["503", 503, "pending", "pending"],
    ["network error", "network-error", "pending", "pending"],
  ];
  for (const [name, responder, deliveryStatus, eventStatus] of cases) {
    it(`${name} -> ${deliveryStatus}`, async () => {
      await createTarget();
      fetchStub.on(HOOK, responder);
      const [id] = await accept([received(`m-class-${name}`)]);
      await runAlarms();
      const d = await detail(id);
      expect(d.status).toBe(eventStatus);
      expect(d.deliveries[0]?.status).toBe(deliveryStatus);
      expect(d.deliveries[0]?.attempts).toHaveLength(1);
      if (deliveryStatus === "pending") {
        const next = Date.parse(d.deliveries[0]?.nextAttemptAt ?? "");
        expect(next).toBeGreaterThan(Date.now());
        expect(next - Date.now()).toBeLessThanOrEqual(5000);
      }
    });
  }

  it("429 waits as long as Retry-After says", async () => {
    await createTarget();
    fetchStub.on(HOOK, { status: 429, headers: { "retry-after": "120" } }, 200);
    const [id] = await accept([received("m-429")]);
    await runAlarms();
    const d = await detail(id);
    expect(Date.parse(d.deliveries[0]?.nextAttemptAt ?? "") - Date.now()).toBe(120_000);
    advance(119_000);
    await runAlarms();
    expect(fetchStub.to(HOOK)).toHaveLength(1);
    advance(1_000);
    await runAlarms();
    expect(fetchStub.to(HOOK)).toHaveLength(2);
    expect((await detail(id)).status).toBe("delivered");
  });

  it("a timeout is retried and logged as a timeout", async () => {
    await createTarget({ timeoutMs: 1000 });
    fetchStub.on(HOOK, "hang");
    const [id] = await accept([received("m-timeout")]);
    await runAlarms();
    const d = await detail(id);
    expect(d.deliveries[0]).toMatchObject({
      status: "pending",
      lastStatusCode: null,
      lastError: "timeout after 1000 ms",
    });
  });

  it("410 disables the target; its deliveries wait and drain when re-enabled", async () => {
    const { target: t } = await createTarget();
    fetchStub.on(HOOK, 410, 200);
    const [first] = await accept([received("m-gone-1")]);
    await runAlarms();
    const after = await target(t.id);
    expect(after).toMatchObject({ state: "disabled", enabled: false });
    expect(after.stateReason).toContain("410");
    const [second] = await accept([received("m-gone-2")]);
    advance(60_000);
    await runAlarms();
    expect(fetchStub.to(HOOK)).toHaveLength(1);
    expect((await detail(first)).status).toBe("pending");
    expect((await detail(second)).status).toBe("pending");

    await api(`/api/targets/${t.id}`, { method: "PATCH", body: { enabled: true } });
    await runAlarms();
    expect(fetchStub.eventIds(HOOK).slice(1).sort()).toEqual([first, second].sort());
    expect((await detail(first)).status).toBe("delivered");
  });
});

describe("retries", () => {
  it("backs off and marks a delivery dead after maxAttempts", async () => {
    await createTarget({ maxAttempts: 3 });
    fetchStub.on(HOOK, 500);
    const [id] = await accept([received("m-dead")]);
    for (let i = 0; i < 3; i++) {
      const d = await detail(id);
      if (d.deliveries[0]?.nextAttemptAt) vi_setTo(d.deliveries[0].nextAttemptAt);
      await runAlarms();
    }
    const d = await detail(id);
    expect(d.status).toBe("dead");
    expect(d.deliveries[0]).toMatchObject({ status: "dead", attemptCount: 3, nextAttemptAt: null });
    expect(fetchStub.to(HOOK).map((r) => r.headers.get("bw-relay-attempt"))).toEqual([
      "1",
      "2",
      "3",
    ]);
    // Nothing more is sent, however long we wait.
    advance(48 * 3_600_000);
    await runAlarms();
    expect(fetchStub.to(HOOK)).toHaveLength(3);
  });

  it("a retry is not sent before it is due", async () => {
    await createTarget();
    fetchStub.on(HOOK, 500, 200);
    const [id] = await accept([received("m-notdue")]);
    await runAlarms();
    const due = Date.parse((await detail(id)).deliveries[0]?.nextAttemptAt ?? "");
    vi_setTo(new Date(due - 1).toISOString());
    await runAlarms();
    expect(fetchStub.to(HOOK)).toHaveLength(1);
    vi_setTo(new Date(due).toISOString());
    await runAlarms();
    expect(fetchStub.to(HOOK)).toHaveLength(2);
    expect((await detail(id)).status).toBe("delivered");
  });
});

function vi_setTo(iso: string): void {
  const at = Date.parse(iso);
  if (at > Date.now()) advance(at - Date.now());
}

describe("ordering", () => {
  it("holds a message's later event until the earlier one is delivered, while other messages flow", async () => {
    await createTarget();
    let failFirst = true;
    fetchStub.on(HOOK, (request) => {
      const [event] = JSON.parse(request.body);
      if (event.type === "message-sending" && failFirst) {
        failFirst = false;
        return new Response("busy", { status: 503 });
      }
      return new Response("ok");
    });
    const [sending, delivered, other] = await accept([
      status("message-sending", "m-order", "2030-01-01T00:00:01Z"),
      status("message-delivered", "m-order", "2030-01-01T00:00:02Z"),
      received("m-order-other"),
    ]);
    await runAlarms();
    // The sending event failed once; delivered must wait; the other message went through.
    expect(fetchStub.eventIds(HOOK).sort()).toEqual([sending, other].sort());
    expect((await detail(delivered)).status).toBe("pending");
    advance(3_600_000);
    await runAlarms();
    expect(fetchStub.eventIds(HOOK).slice(2)).toEqual([sending]);
    await runAlarms();
    expect(fetchStub.eventIds(HOOK).slice(3)).toEqual([delivered]);
    expect((await detail(delivered)).status).toBe("delivered");
  });
});

describe("a slow target", () => {
  it("holds only its own share of connections while other targets' deliveries flow", async () => {
    // The slow target never answers: each of its attempts ends at its 1 s timeout.
    await createTarget({ url: HOOK, timeoutMs: 1000 });
    await createTarget({ name: "fast", url: OTHER });
    fetchStub.on(HOOK, "hang");
    let slowRequestsWhenFastDone = -1;
    fetchStub.on(OTHER, () => {
      if (fetchStub.to(OTHER).length === 6) slowRequestsWhenFastDone = fetchStub.to(HOOK).length;
      return new Response("ok");
    });
    // 6 events of one shard's messages, each wanted by both targets.
    const shard = shardOf("m-slow-0");
    const ids: string[] = [];
    for (let i = 0; ids.length < 6; i++) {
      const id = `m-slow-${i}`;
      if (shardOf(id).id.toString() === shard.id.toString())
        ids.push(...(await accept([received(id)])));
    }
    await runDurableObjectAlarm(shard);
    // All fast deliveries went out during the slow target's first wave of 3 (of 6 connections).
    expect(slowRequestsWhenFastDone).toBe(3);
    expect(fetchStub.eventIds(OTHER).sort()).toEqual([...ids].sort());
    expect(fetchStub.to(HOOK)).toHaveLength(6);
  });
});

describe("pause and resume", () => {
  it("keeps deliveries of a paused target and drains them on resume", async () => {
    const { target: t } = await createTarget();
    fetchStub.on(HOOK, 200);
    await api(`/api/targets/${t.id}`, { method: "PATCH", body: { enabled: false } });
    expect(await target(t.id)).toMatchObject({ state: "paused", enabled: false });
    const ids = await accept([received("m-pause-1"), received("m-pause-2")]);
    advance(3_600_000);
    await runAlarms();
    expect(fetchStub.requests).toEqual([]);
    for (const id of ids) expect((await detail(id)).status).toBe("pending");
    await api(`/api/targets/${t.id}`, { method: "PATCH", body: { enabled: true } });
    await runAlarms();
    expect(fetchStub.eventIds(HOOK).sort()).toEqual([...ids].sort());
  });
});

describe("circuit breaker", () => {
  it("opens after many failures over an hour, probes, and closes on success", async () => {
    const { target: t } = await createTarget({ maxAttempts: 50 });
    let healthy = false;
    fetchStub.on(HOOK, () => new Response(null, { status: healthy ? 200 : 500 }));
    // 25 events of distinct messages fail every few minutes for over an hour.
    await accept(Array.from({ length: 25 }, (_, i) => received(`m-breaker-${i}`)));
    for (let i = 0; i < 14; i++) {
      await runAlarms();
      if ((await target(t.id)).state !== "active") break;
      advance(6 * 60_000);
    }
    const open = await target(t.id);
    expect(open.state).toBe("circuit_open");
    expect(open.stateReason).toMatch(/consecutive failures/);
    const sentWhenOpened = fetchStub.to(HOOK).length;

    // Open: nothing is sent before the probe time, then one probe per shard run.
    advance(60_000);
    await runAlarms();
    expect(fetchStub.to(HOOK)).toHaveLength(sentWhenOpened);
    healthy = true;
    advance(5 * 60_000);
    const shard = shardOf("m-breaker-0");
    await runDurableObjectAlarm(shard);
    expect(fetchStub.to(HOOK).length).toBe(sentWhenOpened + 1);
    expect((await target(t.id)).state).toBe("active");
    for (let i = 0; i < 5; i++) await runAlarms();
    const stats = await api<{
      targets: { id: string; deliveries: { pending: number; delivered: number } }[];
    }>("/api/stats");
    expect(stats.targets[0]?.deliveries).toMatchObject({ pending: 0, delivered: 25 });
  });
});

describe("replay and bulk retry", () => {
  it("replays a delivered event as a fresh delivery", async () => {
    await createTarget();
    fetchStub.on(HOOK, 200);
    const [id] = await accept([received("m-replay")]);
    await runAlarms();
    expect(
      await api(`/api/events/${id}/replay`, { method: "POST", body: {}, expect: 202 }),
    ).toEqual({ queued: 1 });
    expect((await detail(id)).status).toBe("pending");
    await runAlarms();
    expect(fetchStub.eventIds(HOOK)).toEqual([id, id]);
    const d = await detail(id);
    expect(d.status).toBe("delivered");
    expect(d.deliveries[0]?.attempts).toHaveLength(2);
  });

  it("replays to one named target, and refuses quarantined and unknown events", async () => {
    await createTarget();
    const { target: other } = await createTarget({
      name: "other",
      url: OTHER,
      eventTypes: ["message-read"],
    });
    fetchStub.on(HOOK, 200).on(OTHER, 200);
    const [id, bad] = await accept([received("m-replay-2"), { type: "x", message: {} }]);
    await runAlarms();
    await api(`/api/events/${id}/replay`, {
      method: "POST",
      body: { targetId: other.id },
      expect: 202,
    });
    await runAlarms();
    expect(fetchStub.eventIds(OTHER)).toEqual([id]);
    await api(`/api/events/${bad}/replay`, { method: "POST", body: {}, expect: 409 });
    await api(`/api/events/${id}/replay`, {
      method: "POST",
      body: { targetId: "tgt_nope" },
      expect: 404,
    });
    await api("/api/events/evt_00000000000000000000000000000000/replay", {
      method: "POST",
      body: {},
      expect: 404,
    });
    await api(`/api/events/${id}/replay`, { method: "POST", body: { targetId: 5 }, expect: 400 });
  });

  it("retries every failed or dead delivery in bulk", async () => {
    const { target: t } = await createTarget({ maxAttempts: 1 });
    let round = 1;
    fetchStub.on(HOOK, (request) => {
      if (round > 1) return new Response("ok");
      return new Response("no", { status: request.body.includes("m-bulk-1") ? 400 : 500 });
    });
    const [failed, dead] = await accept([received("m-bulk-1"), received("m-bulk-2")]);
    await runAlarms();
    round = 2;
    expect((await detail(failed)).status).toBe("failed");
    expect((await detail(dead)).status).toBe("dead");
    expect(
      await api("/api/deliveries/retry", {
        method: "POST",
        body: { status: "dead", targetId: t.id },
        expect: 202,
      }),
    ).toEqual({ queued: 1 });
    expect(
      await api("/api/deliveries/retry", {
        method: "POST",
        body: { status: "failed" },
        expect: 202,
      }),
    ).toEqual({ queued: 1 });
    await runAlarms();
    expect((await detail(failed)).status).toBe("delivered");
    expect((await detail(dead)).status).toBe("delivered");
    await api("/api/deliveries/retry", {
      method: "POST",
      body: { status: "pending" },
      expect: 400,
    });
  });
});

describe("secret rotation", () => {
  it("signs with both secrets for 24 hours, then with the new one only", async () => {
    const { target: t, secret: oldSecret } = await createTarget();
    fetchStub.on(HOOK, 200);
    const { secret: newSecret } = await api<{ secret: string }>(
      `/api/targets/${t.id}/rotate-secret`,
      { method: "POST", expect: 201 },
    );
    expect(newSecret).not.toBe(oldSecret);
    await accept([received("m-rotate-1")]);
    await runAlarms();
    const verifyWith = (secret: string, i: number) => {
      const r = fetchStub.to(HOOK)[i];
      const sigs = (r?.headers.get("webhook-signature") ?? "").split(" ");
      return {
        count: sigs.length,
        ok: (() => {
          try {
            new Webhook(secret.replace(/^whsec_/, "")).verify(r?.body ?? "", {
              "webhook-id": r?.headers.get("webhook-id") ?? "",
              "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
              "webhook-signature": r?.headers.get("webhook-signature") ?? "",
            });
            return true;
          } catch {
            return false;
          }
        })(),
      };
    };
    expect(verifyWith(oldSecret, 0)).toEqual({ count: 2, ok: true });
    expect(verifyWith(newSecret, 0)).toEqual({ count: 2, ok: true });
    advance(24 * 3_600_000 + 1000);
    await accept([received("m-rotate-2", { time: "2030-01-02T00:00:01Z" })]);
    await runAlarms();
    expect(verifyWith(newSecret, 1)).toEqual({ count: 1, ok: true });
    expect(verifyWith(oldSecret, 1)).toEqual({ count: 1, ok: false });
  });
});

describe("restarts", () => {
  it("an object reset in the middle of a delivery run loses nothing", async () => {
    await createTarget({ timeoutMs: 30_000 });
    const shard = shardOf("m-evict-run");
    const [id] = await accept([received("m-evict-run")]);
    // The object dies while the target is answering: the attempt is never recorded.
    const state = await runInDurableObject(shard, (_instance, s) => s);
    fetchStub.on(
      HOOK,
      () => {
        state.abort("test: the machine went away");
        return new Response("never recorded");
      },
      200,
    );
    expect(await runDurableObjectAlarm(shard).catch(() => "reset")).toBe("reset");
    const d = await detail(id);
    expect(d.status).toBe("pending");
    expect(d.deliveries[0]).toMatchObject({ attemptCount: 0, status: "pending" });
    // The platform retries the failed alarm; the delivery goes out then.
    await runAlarms();
    expect((await detail(id)).status).toBe("delivered");
    expect(fetchStub.eventIds(HOOK)).toEqual([id, id]);
  });
});

describe("deleting a target", () => {
  it("fails its pending deliveries visibly instead of losing them silently", async () => {
    const { target: t } = await createTarget();
    fetchStub.on(HOOK, 500);
    const [id] = await accept([received("m-delete")]);
    await runAlarms();
    const res = await api(`/api/targets/${t.id}`, { method: "DELETE", expect: 204 });
    expect(res).toEqual({});
    advance(3_600_000);
    await runAlarms();
    const d = await detail(id);
    expect(d.status).toBe("failed");
    expect(d.deliveries[0]).toMatchObject({ status: "failed", lastError: "target deleted" });
  });
});

describe("deleting a target with a backlog", () => {
  it("fails more than one batch of its deliveries run after run, without waiting for the watchdog", async () => {
    const { target: t } = await createTarget();
    fetchStub.on(HOOK, 500);
    const shard = shardOf("m-backlog-0");
    const ids: string[] = [];
    for (let i = 0; ids.length < 520; i++) {
      const id = `m-backlog-${i}`;
      if (shardOf(id).id.toString() === shard.id.toString()) ids.push(id);
    }
    for (let i = 0; i < ids.length; i += 100) {
      await accept(ids.slice(i, i + 100).map((id) => received(id)));
    }
    await api(`/api/targets/${t.id}`, { method: "DELETE", expect: 204 });
    // One run marks a batch of 500; the next, set for at once, the rest.
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    const alarm = await runInDurableObject(shard, (_i, state) => state.storage.getAlarm());
    expect(alarm).toBe(Date.now());
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    const pending = await api<{ events: unknown[] }>("/api/events?status=pending&limit=500");
    expect(pending.events).toEqual([]);
    const failed = await api<{ events: unknown[] }>("/api/events?status=failed&limit=500");
    expect(failed.events).toHaveLength(500);
  });
});

describe("finding deliveries", () => {
  it("lists events by the status of their deliveries, with each target's name", async () => {
    const { target: t } = await createTarget({ name: "crm" });
    await createTarget({ name: "backup", url: OTHER });
    fetchStub.on(HOOK, 400).on(OTHER, 200);
    const [id] = await accept([received("m-find")]);
    await runAlarms();
    // One delivery failed, the other was delivered: the event itself is "failed".
    const list = async (query: string) =>
      (
        await api<{ events: { id: string; deliveries: { targetName: string | null }[] }[] }>(
          `/api/events?${query}`,
        )
      ).events;
    expect((await list("deliveryStatus=failed")).map((e) => e.id)).toEqual([id]);
    expect((await list("deliveryStatus=delivered")).map((e) => e.id)).toEqual([id]);
    expect((await list(`deliveryStatus=delivered&targetId=${t.id}`)).map((e) => e.id)).toEqual([]);
    expect((await list(`status=failed&targetId=${t.id}`)).map((e) => e.id)).toEqual([id]);
    const [event] = await list("deliveryStatus=failed");
    expect(event?.deliveries.map((d) => d.targetName).sort()).toEqual(["backup", "crm"]);
  });
});

describe("trace context", () => {
  const TRACE = "0af7651916cd43dd8448eb211c80319c";

  it("continues the inbound trace: each event gets a span of its own, sent on every attempt", async () => {
    await createTarget();
    fetchStub.on(HOOK, 500, 200);
    const res = await postCallbacks([received("m-trace-1"), received("m-trace-2")], {
      ...BASIC,
      traceparent: `00-${TRACE}-b7ad6b7169203331-01`,
    });
    const { ids } = await res.json<{ ids: string[] }>();
    await runAlarms();
    advance(10_000);
    await runAlarms();
    const sent = fetchStub.to(HOOK).map((r) => r.headers.get("traceparent") ?? "");
    expect(sent).toHaveLength(3);
    for (const header of sent) expect(header).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    // Two events, two spans; the retry of one carries the same span as its first attempt.
    expect(new Set(sent).size).toBe(2);
    const details = await Promise.all(
      ids.map((id) => api<{ event: { traceparent: string } }>(`/api/events/${id}`)),
    );
    expect(details.map((d) => d.event.traceparent).sort()).toEqual([...new Set(sent)].sort());
  });

  it("starts a new trace when none (or a malformed one) arrives", async () => {
    await createTarget();
    fetchStub.on(HOOK, 200);
    for (const traceparent of [
      undefined,
      "00-00000000000000000000000000000000-b7ad6b7169203331-01",
      "garbage",
    ]) {
      await postCallbacks([received(`m-newtrace-${traceparent}`)], {
        ...BASIC,
        ...(traceparent ? { traceparent } : {}),
      });
    }
    await runAlarms();
    const sent = fetchStub.to(HOOK).map((r) => r.headers.get("traceparent") ?? "");
    expect(sent).toHaveLength(3);
    for (const header of sent) {
      expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(header).not.toContain("00000000000000000000000000000000");
    }
    expect(new Set(sent.map((h) => h.split("-")[1])).size).toBe(3);
  });
});

describe("POST /api/targets/:id/test", () => {
  it("sends one signed sample delivery now and tells what the target answered", async () => {
    const { target: t, secret } = await createTarget({ enabled: false });
    fetchStub.on(HOOK, { status: 503, body: "down for maintenance" });
    const result = await api<{
      eventId: string;
      statusCode: number;
      error: string;
      responseExcerpt: string;
    }>(`/api/targets/${t.id}/test`, { method: "POST" });
    expect(result).toMatchObject({
      statusCode: 503,
      error: "HTTP 503",
      responseExcerpt: "down for maintenance",
      eventId: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
    });
    const [request] = fetchStub.to(HOOK);
    const headers = Object.fromEntries(request?.headers ?? []);
    const [event] = new Webhook(secret).verify(request?.body ?? "", headers) as {
      message: { tag: string };
    }[];
    expect(event?.message.tag).toBe("bw-relay-test");
    expect(headers["webhook-id"]).toBe(result.eventId);
    // Nothing was stored, and nothing is retried.
    expect((await api<{ events: unknown[] }>("/api/events")).events).toEqual([]);
    await api("/api/targets/tgt_nope/test", { method: "POST", expect: 404 });
  });
});

describe("the live tail", () => {
  it("tells each delivery attempt as it ends, after the event itself", async () => {
    const { target: t } = await createTarget({ name: "crm" });
    fetchStub.on(HOOK, 500, 200);
    const res = await relayFetch("/api/tail?token=test-admin-token", {
      headers: { upgrade: "websocket" },
    });
    const socket = res.webSocket as WebSocket;
    socket.accept();
    const messages: Record<string, Record<string, unknown>>[] = [];
    let wanted = 0;
    let arrived: () => void = () => {};
    socket.addEventListener("message", (m) => {
      messages.push(JSON.parse(m.data as string));
      if (messages.length >= wanted) arrived();
    });
    const waitFor = (count: number) =>
      new Promise<void>((resolve) => {
        wanted = count;
        arrived = resolve;
        if (messages.length >= count) resolve();
      });
    const [id] = await accept([received("m-tail-delivery")]);
    await waitFor(1);
    await runAlarms();
    await waitFor(2);
    advance(10_000);
    await runAlarms();
    await waitFor(3);
    socket.close();
    expect(messages[0]).toMatchObject({ event: { id, status: "pending" } });
    expect(messages[1]).toEqual({
      delivery: {
        eventId: id,
        targetId: t.id,
        targetName: "crm",
        attempt: 1,
        status: "pending",
        statusCode: 500,
        durationMs: expect.any(Number),
        error: "HTTP 500",
        nextAttemptAt: expect.stringMatching(/^2030-/),
      },
    });
    expect(messages[2]).toMatchObject({
      delivery: {
        eventId: id,
        attempt: 2,
        status: "delivered",
        statusCode: 200,
        nextAttemptAt: null,
      },
    });
    expect(messages).toHaveLength(3);
  });
});
