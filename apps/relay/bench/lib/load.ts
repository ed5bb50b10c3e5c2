/**
 * Load generation with autocannon: realistic Bandwidth callbacks (one-event arrays,
 * message-received and message-delivered alternating), every request with a message id of
 * its own, so the relay stores each one (no duplicates).
 */
import { Agent, request } from "node:http";
import autocannon from "autocannon";
import { percentile } from "./report.ts";

/** Milliseconds since the epoch, sub-millisecond; the one clock of the load and receivers. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

const APPLICATION_ID = "93de2206-9669-4e07-948d-329f4b722ee2";
const OUR_NUMBER = "+19195550100";
const THEIR_NUMBER = "+19195550199";

/**
 * The `n`-th callback event of a stream (odd: `message-received`, even: `message-delivered`),
 * stamped `at` (ms since the epoch); `prefix` keeps message ids unique across runs. The cost
 * curve (bench/cost-curve.ts) seeds its stored events with the same shapes.
 */
export function callbackEvent(n: number, prefix: string, at: number) {
  const time = new Date(at).toISOString();
  // Shaped like Bandwidth's ids: epoch millis + random-looking suffix.
  const id = `${at}${prefix}${n.toString(36).padStart(7, "0")}`;
  const inbound = n % 2 === 1;
  return {
    type: inbound ? "message-received" : "message-delivered",
    time,
    description: inbound ? "Incoming message received" : "Message delivered to carrier.",
    to: inbound ? OUR_NUMBER : THEIR_NUMBER,
    message: {
      id,
      owner: OUR_NUMBER,
      applicationId: APPLICATION_ID,
      time,
      segmentCount: 1,
      direction: inbound ? "in" : "out",
      to: [inbound ? OUR_NUMBER : THEIR_NUMBER],
      from: inbound ? THEIR_NUMBER : OUR_NUMBER,
      ...(inbound
        ? { text: `Benchmark message ${n}: is this thing on?` }
        : { text: "", tag: "bench" }),
    },
  };
}

/** A generator of distinct callback bodies; `prefix` keeps ids unique across runs. */
export function callbackBodies(prefix: string): () => string {
  let n = 0;
  return () => {
    n += 1;
    return JSON.stringify([callbackEvent(n, prefix, Date.now())]);
  };
}

export interface LoadOptions {
  url: string;
  /** Extra request headers (authorization). */
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
  nextBody: () => string;
}

export interface LoadResult {
  /** Responses received. */
  requests: number;
  /** Requests sent: more than `requests` by those in flight when the time was up. */
  sent: number;
  durationSec: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/**
 * Closed loop, as fast as the server answers: each of `connections` keep-alive connections
 * POSTs a callback to `${url}/callbacks`, waits for the answer, and sends the next, for
 * `durationSec` seconds (autocannon). Measures maximum throughput and its latency.
 */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationSec,
        timeout: 10,
        headers: { "content-type": "application/json", ...opts.headers },
        requests: [
          {
            method: "POST",
            path: "/callbacks",
            setupRequest: (req) => ({ ...req, body: opts.nextBody() }),
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const statusCodes: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
          statusCodes[code] = Number(count);
        }
        const requests = result.requests.total;
        const durationSec = result.duration;
        resolve({
          requests,
          sent: result.requests.sent,
          durationSec,
          rps: requests / durationSec,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
          statusCodes,
        });
      },
    );
  });
}

export interface PacedOptions {
  url: string;
  headers?: Record<string, string>;
  /** Requests per second, evenly spaced. */
  rate: number;
  durationSec: number;
  /** Keep-alive connections at most; a request due while all are busy waits for one. */
  connections: number;
  nextBody: () => string;
  /** Every final response, with the time it was due to be sent and the time it arrived. */
  onResponse?: (status: number, body: string, sentAt: number, at: number) => void;
  /**
   * Retry like Bandwidth: a request that fails or is answered non-2xx is sent again, same body,
   * after a short backoff (250 ms doubling to 2 s, jittered), until it gets a 2xx or until
   * `retryForMs` after it was due. Without it, every request is sent once.
   */
  retryForMs?: number;
}

export interface PacedResult {
  /** Requests (distinct bodies) sent. */
  sent: number;
  /** Final outcomes: a 2xx, another status, or a connection error or timeout. */
  ok: number;
  non2xx: number;
  errors: number;
  /** Attempts beyond the first (with `retryForMs`). */
  retries: number;
  /** Every failed attempt, by status code or error code (ECONNREFUSED, timeout...). */
  attemptFailures: Record<string, number>;
  /** From the time each request was due (so queueing counts) to its response, ms. */
  latency: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
}

/**
 * Open loop at a fixed rate: request i is due at start + i/rate, whatever the answers do
 * (autocannon's own rate limit sends each second's requests in a burst at its start).
 * Waits for every response.
 */
export async function runPaced(opts: PacedOptions): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const target = new URL("/callbacks", opts.url);
  const total = Math.round(opts.rate * opts.durationSec);
  const latencies: number[] = [];
  const result: PacedResult = {
    sent: 0,
    ok: 0,
    non2xx: 0,
    errors: 0,
    retries: 0,
    attemptFailures: {},
    latency: { p50: null, p90: null, p99: null, max: null },
  };
  const inFlight = new Set<Promise<void>>();
  const attempt = (body: string, dueAt: number, n: number): Promise<void> =>
    new Promise<void>((resolve) => {
      let settled = false;
      const settle = (status: number | null, failure: string, text: string) => {
        if (settled) return;
        settled = true;
        const at = now();
        const ok = status !== null && status >= 200 && status < 300;
        if (!ok) result.attemptFailures[failure] = (result.attemptFailures[failure] ?? 0) + 1;
        if (!ok && opts.retryForMs !== undefined && at - dueAt < opts.retryForMs) {
          result.retries += 1;
          const wait = Math.min(2_000, 250 * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
          setTimeout(() => attempt(body, dueAt, n + 1).then(resolve), wait);
          return;
        }
        if (status === null) {
          result.errors += 1;
        } else {
          latencies.push(at - dueAt);
          if (ok) result.ok += 1;
          else result.non2xx += 1;
          opts.onResponse?.(status, text, dueAt, at);
        }
        resolve();
      };
      const fail = (err: Error) =>
        settle(null, (err as NodeJS.ErrnoException).code ?? err.message, "");
      const req = request(
        target,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", ...opts.headers },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", fail);
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            settle(status, String(status), Buffer.concat(chunks).toString("utf8"));
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", fail);
      req.end(body);
    });
  const send = (dueAt: number) => {
    const done = attempt(opts.nextBody(), dueAt, 1);
    inFlight.add(done);
    done.then(() => inFlight.delete(done));
    result.sent += 1;
  };
  const start = now();
  for (let i = 0; i < total; ) {
    const dueAt = start + (i * 1000) / opts.rate;
    const wait = dueAt - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Timers are coarse: send everything that is due by now.
    for (; i < total && start + (i * 1000) / opts.rate <= now(); i++) {
      send(start + (i * 1000) / opts.rate);
    }
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  result.latency = {
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? null,
  };
  return result;
}
