/**
 * A small scripted relay (HTTP + WebSocket) for what the real relay under `wrangler dev` cannot
 * be made to do on cue: GET /api/events answers from a script, one entry per call (the last
 * repeats), and the first tail connection drops soon after it opens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

export function summary(id: string, receivedAt: string) {
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

export async function scriptedRelay(script: ((call: number) => unknown)[]) {
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

export const page = (events: unknown[], failedShards: string[] = []) => ({
  events,
  nextCursor: null,
  failedShards,
});
