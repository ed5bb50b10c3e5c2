/**
 * Load generation with autocannon: realistic Bandwidth callbacks (one-event arrays,
 * message-received and message-delivered alternating), every request with a message id of
 * its own, so the relay stores each one (no duplicates).
 */
import autocannon from "autocannon";

const APPLICATION_ID = "93de2206-9669-4e07-948d-329f4b722ee2";
const OUR_NUMBER = "+19195550100";
const THEIR_NUMBER = "+19195550199";

/** A generator of distinct callback bodies; `prefix` keeps ids unique across runs. */
export function callbackBodies(prefix: string): () => string {
  let n = 0;
  return () => {
    n += 1;
    const time = new Date().toISOString();
    // Shaped like Bandwidth's ids: epoch millis + random-looking suffix.
    const id = `${Date.now()}${prefix}${n.toString(36).padStart(7, "0")}`;
    const event =
      n % 2 === 1
        ? {
            type: "message-received",
            time,
            description: "Incoming message received",
            to: OUR_NUMBER,
            message: {
              id,
              owner: OUR_NUMBER,
              applicationId: APPLICATION_ID,
              time,
              segmentCount: 1,
              direction: "in",
              to: [OUR_NUMBER],
              from: THEIR_NUMBER,
              text: `Benchmark message ${n}: is this thing on?`,
            },
          }
        : {
            type: "message-delivered",
            time,
            description: "Message delivered to carrier.",
            to: THEIR_NUMBER,
            message: {
              id,
              owner: OUR_NUMBER,
              applicationId: APPLICATION_ID,
              time,
              segmentCount: 1,
              direction: "out",
              to: [THEIR_NUMBER],
              from: OUR_NUMBER,
              text: "",
              tag: "bench",
            },
          };
    return JSON.stringify([event]);
  };
}

export interface LoadOptions {
  url: string;
  /** Extra request headers (authorization). */
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
  /** Requests per second over all connections; unlimited when absent. */
  overallRate?: number;
  nextBody: () => string;
  /** Called for every response, with the time it arrived (ms since epoch). */
  onResponse?: (status: number, body: string, at: number) => void;
}

export interface LoadResult {
  requests: number;
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

/** POSTs callbacks to `${url}/callbacks` for `durationSec` seconds. */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationSec,
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
        timeout: 10,
        headers: { "content-type": "application/json", ...opts.headers },
        requests: [
          {
            method: "POST",
            path: "/callbacks",
            setupRequest: (req) => ({ ...req, body: opts.nextBody() }),
            ...(opts.onResponse
              ? {
                  onResponse: (status: number, body: string) =>
                    opts.onResponse?.(status, body, Date.now()),
                }
              : {}),
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
