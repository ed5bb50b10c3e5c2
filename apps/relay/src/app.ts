import { Hono } from "hono";
import { openApiDocument } from "./api/openapi.ts";
import { tailStub } from "./bindings.ts";
import type { RelayEnv } from "./config.ts";
import { describeError } from "./describe-error.ts";
import { adminAuth, TAIL_SUBPROTOCOL } from "./http/auth.ts";
import { errorResponse, HttpError } from "./http/errors.ts";
import { callbacks } from "./routes/callbacks.ts";
import { deliveries } from "./routes/deliveries.ts";
import { events } from "./routes/events.ts";
import { media } from "./routes/media.ts";
import { settings } from "./routes/settings.ts";
import { shards } from "./routes/shards.ts";
import { renderMetrics, stats } from "./routes/stats.ts";
import { targets } from "./routes/targets.ts";
import { tailListenerJoined } from "./tail/tail-hub.ts";
import { VERSION } from "./version.ts";

/** The relay's HTTP surface (docs/api.md; described for machines in src/api/). */
export const app = new Hono<{ Bindings: RelayEnv }>();

app.get("/healthz", (c) => c.json({ ok: true }));

app.route("/callbacks", callbacks);
app.route("/media", media);

app.use("/api/tail", adminAuth({ allowQueryToken: true }));
app.get("/api/tail", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError(
      426,
      "upgrade_required",
      "GET /api/tail is a WebSocket; send Upgrade: websocket.",
    );
  }
  const response = await tailStub(c.env).fetch(c.req.raw);
  if (response.status !== 101) return response;
  tailListenerJoined();
  // A client that offered subprotocols must get one of them back, or it closes the socket.
  const offered = (c.req.header("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  if (!offered.includes(TAIL_SUBPROTOCOL)) return response;
  return new Response(null, {
    status: 101,
    webSocket: response.webSocket,
    headers: { "sec-websocket-protocol": TAIL_SUBPROTOCOL },
  });
});

app.use("/api/*", adminAuth());
app.route("/api/events", events);
app.route("/api/targets", targets);
app.route("/api/deliveries", deliveries);
app.route("/api/stats", stats);
app.route("/api/settings", settings);
app.route("/api/shards", shards);
app.get("/api/openapi.json", (c) => c.json(openApiDocument(VERSION)));

app.use("/metrics", adminAuth());
app.get("/metrics", async (c) =>
  c.body(await renderMetrics(c.env), 200, {
    "content-type": "text/plain; version=0.0.4; charset=utf-8",
  }),
);

app.notFound(() => errorResponse(404, "not_found", "No such route."));

app.onError((err) => {
  if (err instanceof HttpError)
    return errorResponse(err.status, err.code, err.message, err.headers);
  // Unexpected: the details go to the log (name and message only), never to the client.
  console.error("unhandled error", describeError(err));
  return errorResponse(500, "internal_error", "Something went wrong; it has been logged.");
});
