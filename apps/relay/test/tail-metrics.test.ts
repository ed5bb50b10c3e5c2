import { describe, expect, it } from "vitest";
import { api, postCallbacks, received, relayFetch, useRelayTestState } from "./helpers.ts";

describe("GET /api/tail", () => {
  useRelayTestState();

  it("streams each accepted event as {event: EventSummary}", async () => {
    // Accepted while nobody listens: the relay stops asking the hub for a moment…
    await postCallbacks([received("m-tail-0")]);
    await api("/api/stats"); // lets the background publish of that accept finish
    // …but a tail that connects starts at once.
    const res = await relayFetch("/api/tail?token=test-admin-token", {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(101);
    const socket = res.webSocket as WebSocket;
    socket.accept();
    const messages: { event: { messageId: string } }[] = [];
    const marker = new Promise<void>((resolve) => {
      socket.addEventListener("message", (m) => {
        messages.push(JSON.parse(m.data as string));
        if (messages.at(-1)?.event.messageId === "m-tail-3") resolve();
      });
    });
    await postCallbacks([received("m-tail-1"), received("m-tail-2")]);
    await postCallbacks([received("m-tail-1")]); // a duplicate is not news
    // A fresh event after the duplicate: once it arrives, anything the duplicate caused has too.
    await postCallbacks([received("m-tail-3")]);
    await marker;
    expect(messages.map((m) => m.event.messageId)).toEqual(["m-tail-1", "m-tail-2", "m-tail-3"]);
    expect(messages[0]).toEqual({
      event: expect.objectContaining({
        messageId: "m-tail-1",
        status: "stored",
        type: "message-received",
        deliveries: [],
      }),
    });
    socket.close();
  });

  it("takes the token as a WebSocket subprotocol, so a browser never puts it in a URL", async () => {
    const protocols = (token: string) =>
      `bw-relay, bw-relay.bearer.${btoa(token).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}`;
    const res = await relayFetch("/api/tail", {
      headers: { upgrade: "websocket", "sec-websocket-protocol": protocols("test-admin-token") },
    });
    expect(res.status).toBe(101);
    expect(res.headers.get("sec-websocket-protocol")).toBe("bw-relay");
    res.webSocket?.accept();
    res.webSocket?.close();
    const wrong = await relayFetch("/api/tail", {
      headers: { upgrade: "websocket", "sec-websocket-protocol": protocols("nope") },
    });
    expect(wrong.status).toBe(401);
  });

  it("requires the token and a WebSocket upgrade", async () => {
    expect((await relayFetch("/api/tail", { headers: { upgrade: "websocket" } })).status).toBe(401);
    expect(
      (await relayFetch("/api/tail?token=wrong", { headers: { upgrade: "websocket" } })).status,
    ).toBe(401);
    const plain = await relayFetch("/api/tail", {
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ error: { code: "upgrade_required" } });
  });
});

describe("GET /metrics", () => {
  useRelayTestState();

  it("exposes the counters in Prometheus text format", async () => {
    await postCallbacks([
      received("m-metrics-1"),
      received("m-metrics-2"),
      { type: "x", message: {} },
    ]);
    await postCallbacks([received("m-metrics-1")]);
    const res = await relayFetch("/metrics", {
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain("# TYPE bw_relay_events_accepted_total counter");
    expect(text).toMatch(/^bw_relay_events_accepted_total 2$/m);
    expect(text).toMatch(/^bw_relay_events_duplicates_total 1$/m);
    expect(text).toMatch(/^bw_relay_events_quarantined_total 1$/m);
    expect(text).toMatch(/^bw_relay_deliveries_pending 0$/m);
    expect(text).toMatch(/^bw_relay_oldest_pending_age_seconds 0$/m);
    expect(text).toMatch(/^bw_relay_delivery_attempts_total\{outcome="delivered"\} 0$/m);
    await api("/api/stats");
  });
});

describe("GET /metrics with targets", () => {
  useRelayTestState();

  it("keeps per-target series in their own families, so sum() never double-counts", async () => {
    const { target } = await api<{ target: { id: string } }>("/api/targets", {
      method: "POST",
      body: { name: 'crm "eu"', url: "https://receiver.test/hook" },
      expect: 201,
    });
    await postCallbacks([received("m-metrics-t1"), received("m-metrics-t2")]);
    const text = await (
      await relayFetch("/metrics", { headers: { authorization: "Bearer test-admin-token" } })
    ).text();
    expect(text).toMatch(/^bw_relay_deliveries_pending 2$/m);
    expect(text).not.toMatch(/^bw_relay_deliveries_pending\{/m);
    expect(text).toContain(
      `bw_relay_target_deliveries_pending{target="${target.id}",target_name="crm \\"eu\\""} 2`,
    );
    expect(text).toMatch(
      /^bw_relay_target_oldest_pending_age_seconds\{target="tgt_\w+",target_name="[^"\\]*(\\.[^"\\]*)*"\} 0$/m,
    );
    const stats = await api<{ targets: { lagMs: unknown; latencyMs: unknown }[] }>("/api/stats");
    expect(stats.targets[0]?.lagMs).toEqual({ avg: null, max: null });
    expect(stats.targets[0]?.latencyMs).toEqual({ p50: null, p95: null });
  });
});
