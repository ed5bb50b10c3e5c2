/**
 * The live tail (`GET /api/tail`, a WebSocket through the `ws` package so Node 20 needs no
 * flag) that never silently misses an event: it reconnects by itself with backoff, notices a
 * dead connection (no `pong` to its `ping`) or a suspended laptop (the clock jumped), and after
 * every (re)connect catches up from GET /api/events what arrived meanwhile. The relay may skip
 * publishing to a tail for up to a second after it connects, so each connect is followed by a
 * second catch-up pass once that second is over. Events are handed over once each, in order.
 */
import WebSocket from "ws";
import type { DeliveryUpdate, EventList, EventSummary } from "../api-types.ts";
import { type ApiClient, describeNetworkError, USER_AGENT } from "../client.ts";
import type { CliError } from "../errors.ts";
import { readEventPages } from "../event-pages.ts";
import { SeenSet, sleep } from "../util.ts";

export type TailStatus =
  | { kind: "connected"; url: string }
  | { kind: "disconnected"; reason: string }
  /** `caughtUp` is null when the catch-up request failed (a second pass follows). */
  | { kind: "reconnected"; gapMs: number; caughtUp: number | null }
  /** A pass failed, or some shards could not be read: a later pass tries again. */
  | { kind: "catch-up-incomplete"; reason: string }
  | { kind: "caught-up"; count: number }
  | { kind: "catch-up-truncated"; skipped: string };

export interface TailHandlers {
  /** Called once per event, in order; `via` says whether the socket or a catch-up found it. */
  event(e: EventSummary, via: "live" | "catch-up"): void | Promise<void>;
  delivery(d: DeliveryUpdate): void | Promise<void>;
  status(s: TailStatus): void;
  /** The relay answered the first request: credentials are good, the stream starts. */
  ready?(): void;
}

export interface TailOptions {
  api: ApiClient;
  signal: AbortSignal;
  pingEveryMs?: number;
  /** A pong later than this means the connection is dead. */
  pongTimeoutMs?: number;
  backoffMaxMs?: number;
}

const OVERLAP_MS = 5_000;
const PUBLISH_GRACE_MS = 1_500;
const CATCH_UP_PAGES = 20;
const LATE_PASS_TRIES = 4;
/** A tick later than this means the process was suspended (the laptop slept). */
const CLOCK_JUMP_MS = 5_000;

export function tailUrl(base: string): string {
  const url = new URL(`${base}/api/tail`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** Runs until `signal` aborts; rejects only when the relay refuses the tail for good. */
export async function runTail(options: TailOptions, handlers: TailHandlers): Promise<void> {
  const { api, signal } = options;
  const pingEvery = options.pingEveryMs ?? 15_000;
  const pongTimeout = options.pongTimeoutMs ?? 10_000;
  const backoffMax = options.backoffMaxMs ?? 5_000;
  const seen = new SeenSet(50_000);

  // The relay's clock bounds what counts as new: nothing received before the tail started.
  const baseline = await api.request<EventList>("GET", "/api/events", { query: { limit: 100 } });
  const dateHeader = Date.parse(baseline.headers.get("date") ?? "");
  const startAt = Number.isNaN(dateHeader) ? Date.now() - 1_000 : dateHeader;
  let newest = startAt;
  for (const e of baseline.body.events) seen.add(e.id);
  handlers.ready?.();

  let queue: Promise<void> = Promise.resolve();
  const deliver = (e: EventSummary, via: "live" | "catch-up"): boolean => {
    if (!seen.add(e.id)) return false;
    newest = Math.max(newest, Date.parse(e.receivedAt));
    queue = queue.then(() => handlers.event(e, via)).catch(() => undefined);
    return true;
  };

  /** Where a connection's catch-up starts: just before the newest event seen when it opened. */
  const catchUpFrom = () => new Date(Math.max(startAt, newest - OVERLAP_MS)).toISOString();

  /** Hands over what arrived since `since`; a page the relay could not fully read is named. */
  const catchUp = async (since: string): Promise<{ count: number; failedShards: string[] }> => {
    const pages = await readEventPages(api, { since, limit: 500 }, CATCH_UP_PAGES);
    if (pages.nextCursor) {
      handlers.status({
        kind: "catch-up-truncated",
        skipped: `events older than ${pages.events.at(-1)?.receivedAt}`,
      });
    }
    let count = 0;
    const oldestFirst = pages.events.sort(
      (a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt),
    );
    for (const e of oldestFirst) if (deliver(e, "catch-up")) count++;
    await queue;
    return { count, failedShards: pages.failedShards };
  };

  /**
   * One catch-up pass that never throws: how many events it handed over (null when the request
   * failed) and why it is incomplete (a failure, or shards that could not be read), if it is.
   */
  const pass = async (since: string): Promise<{ count: number | null; problem: string | null }> => {
    try {
      const { count, failedShards } = await catchUp(since);
      const problem =
        failedShards.length > 0 ? `the relay could not read ${failedShards.join(", ")}` : null;
      return { count, problem };
    } catch (err) {
      return { count: null, problem: (err as Error).message };
    }
  };

  let attempt = 0;
  let connectedOnce = false;
  let lostAt: number | null = null;
  while (!signal.aborted) {
    const outcome = await connectOnce(options, api, {
      pingEvery,
      pongTimeout,
      onOpen: async (connection) => {
        attempt = 0;
        const gapStart = lostAt;
        lostAt = null;
        if (!connectedOnce) {
          connectedOnce = true;
          handlers.status({ kind: "connected", url: tailUrl(api.conn.url) });
        }
        // Both passes start where the gap did, whatever live events arrive meanwhile. What a
        // pass finds is handed over even when it is incomplete; the next pass adds the rest.
        const since = catchUpFrom();
        const first = await pass(since);
        if (gapStart !== null) {
          handlers.status({
            kind: "reconnected",
            gapMs: Date.now() - gapStart,
            caughtUp: first.count,
          });
        }
        if (first.problem) handlers.status({ kind: "catch-up-incomplete", reason: first.problem });
        // The second pass belongs to this connection: once it has closed, the next connection
        // catches up for itself (two passes at once would only split the count between them).
        // While it is incomplete it is tried again, a few times, as long as the connection lasts.
        await sleep(PUBLISH_GRACE_MS, connection);
        for (let tries = 1; !connection.aborted; tries++) {
          const late = await pass(since);
          if (connection.aborted) return;
          if (late.count) handlers.status({ kind: "caught-up", count: late.count });
          if (late.problem === null) return;
          handlers.status({ kind: "catch-up-incomplete", reason: late.problem });
          if (tries === LATE_PASS_TRIES) return;
          await sleep(PUBLISH_GRACE_MS * 2 ** tries, connection);
        }
      },
      onMessage: (data) => {
        if (data === "pong") return;
        let message: { event?: EventSummary; delivery?: DeliveryUpdate };
        try {
          message = JSON.parse(data);
        } catch {
          return;
        }
        if (message.event) deliver(message.event, "live");
        if (message.delivery) {
          const d = message.delivery;
          queue = queue.then(() => handlers.delivery(d)).catch(() => undefined);
        }
      },
    });
    if (signal.aborted) break;
    if (outcome.fatal) throw outcome.fatal;
    lostAt ??= Date.now();
    handlers.status({ kind: "disconnected", reason: outcome.reason });
    attempt++;
    await sleep(Math.min(backoffMax, 250 * 2 ** Math.min(attempt, 10)), signal);
  }
  await queue;
}

interface ConnectHooks {
  pingEvery: number;
  pongTimeout: number;
  /** `connection` aborts when this connection closes. */
  onOpen(connection: AbortSignal): Promise<void>;
  onMessage(data: string): void;
}

/** One connection, from the handshake to its end: why it ended, and whether to give up. */
function connectOnce(
  options: TailOptions,
  api: ApiClient,
  hooks: ConnectHooks,
): Promise<{ reason: string; fatal?: CliError }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(tailUrl(api.conn.url), {
      headers: { authorization: `Bearer ${api.conn.token}`, "user-agent": USER_AGENT },
      handshakeTimeout: 10_000,
    });
    let refused: { status: number; body: string } | null = null;
    let lastPong = Date.now();
    let lastTick = Date.now();
    let reason = "connection closed";
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - lastTick > CLOCK_JUMP_MS) {
        reason = `the clock jumped ${Math.round((now - lastTick) / 1000)}s (suspended?)`;
        ws.terminate();
      } else if (
        ws.readyState === WebSocket.OPEN &&
        now - lastPong > hooks.pingEvery + hooks.pongTimeout
      ) {
        reason = "no answer to ping";
        ws.terminate();
      }
      lastTick = now;
    }, 1_000);
    const ping = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send("ping");
    }, hooks.pingEvery);
    const onAbort = () => ws.close(1000, "bye");
    const open = new AbortController();
    options.signal.addEventListener("abort", onAbort, { once: true });

    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      res.on("end", () => {
        refused = { status: res.statusCode ?? 0, body };
        ws.terminate();
      });
    });
    ws.on("open", () => {
      lastPong = Date.now();
      hooks.onOpen(open.signal).catch(() => undefined);
    });
    ws.on("message", (data, isBinary) => {
      lastPong = Date.now();
      if (!isBinary) hooks.onMessage(data.toString());
    });
    ws.on("error", (err) => {
      reason = describeNetworkError(err);
    });
    ws.on("close", () => {
      open.abort();
      clearInterval(timer);
      clearInterval(ping);
      options.signal.removeEventListener("abort", onAbort);
      if (refused) {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(refused.body);
        } catch {
          // not JSON
        }
        // Auth and configuration do not fix themselves; a 5xx or a proxy hiccup might.
        if ([401, 503, 404, 426].includes(refused.status) || refused.status < 500) {
          return resolve({
            reason: `refused (${refused.status})`,
            fatal: api.failure(refused.status, parsed, "bearer"),
          });
        }
        return resolve({ reason: `the relay answered ${refused.status}` });
      }
      resolve({ reason });
    });
  });
}
