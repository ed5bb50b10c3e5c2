/**
 * The tail's catch-up when the relay answers badly, which the real relay under `wrangler dev`
 * cannot be made to do on cue: a small scripted relay (HTTP + WebSocket) drops the first tail
 * connection and answers the next catch-up with a page some shards could not read.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { cli, until } from "./helpers.ts";

const ID = "evt_0123456789abcdef0123456789abcdef";

function summary(id: string, receivedAt: string) {
  return {
    id,
    receivedAt,
    type: "message-received",
    messageId: "1796063271532abcdefghijklmnop",
    direction: "in",
    owner: "+19195550199",
    status: "delivered",
    errorCode: null,
    errorName: null,
    deliveries: [],
  };
}

/** A relay whose GET /api/events answers from a script, one entry per call. */
async function scriptedRelay(script: ((call: number) => unknown)[]) {
  const calls: string[] = [];
  const sockets = new WebSocketServer({ noServer: true });
  let connections = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://relay");
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/api/targets") return json({ targets: [] });
    if (url.pathname !== "/api/events") return res.writeHead(404).end();
    calls.push(url.searchParams.get("since") ?? "(none)");
    const step = script[calls.length - 1] ?? script[script.length - 1];
    json(step?.(calls.length));
  });
  server.on("upgrade", (req, socket, head) => {
    sockets.handleUpgrade(req, socket, head, (ws) => {
      connections++;
      // The first connection drops soon after it opens, inside its first-second grace.
      if (connections === 1) setTimeout(() => ws.terminate(), 200);
      ws.on("message", (data) => {
        if (data.toString() === "ping") ws.send("pong");
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets.clients) ws.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const page = (events: unknown[], failedShards: string[] = []) => ({
  events,
  nextCursor: null,
  failedShards,
});

describe("tail catch-up", () => {
  const relays: { close(): Promise<void> }[] = [];
  afterAll(() => Promise.all(relays.map((r) => r.close())));

  it("says so when the gap's catch-up is partial, and catches up on the next pass", async () => {
    const missedAt = new Date().toISOString();
    const relay = await scriptedRelay([
      () => page([]), // the baseline: nothing before the tail started
      () => page([]), // the first connection's catch-up
      () => page([], ["shard-0-1"]), // after the drop: the shard holding the gap is unreadable
      () => page([summary(ID, missedAt)]), // the second pass reads it
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
    expect(notes[2]).toMatch(
      /^reconnected after \S+; catching up on the gap failed, trying again in a moment$/,
    );
    expect(notes[3]).toMatch(/catch-up failed \(the relay could not read shard-0-1\)$/);
    expect(notes[4]).toBe("caught up 1 event(s) the live feed missed");
    expect(out.match(new RegExp(ID, "g"))).toHaveLength(1);
    expect(relay.connections()).toBe(2);
    // The dropped connection's own second pass never ran: four reads, and both of the second
    // connection's passes started from the same moment.
    expect(relay.calls).toHaveLength(4);
    expect(relay.calls[3]).toBe(relay.calls[2]);
  });
});
