/**
 * The chaos run's target: a `node:http` server on 127.0.0.1 that verifies every delivery's
 * Standard Webhooks signature (the `standardwebhooks` package) and answers, at random from a
 * seeded generator: 500 one request in four, 429 with `Retry-After: 1` one in ten, nothing at
 * all one in twenty (the request hangs until the relay's timeout closes it), else 200.
 * A delivery whose id already got `faultCap` faults gets a 200 (see README: why a cap).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";
import { now } from "../bench/lib/load.ts";
import { listenOnLoopback } from "../bench/lib/processes.ts";
import { mulberry32 } from "../bench/lib/random.ts";

export type Answer = "200" | "500" | "429" | "hang" | "bad-signature";

export interface TargetOptions {
  port: number;
  /** The target's signing secret (`whsec_…`), registered with the relay. */
  secret: string;
  seed: number;
  /** Faults at most per webhook-id; later attempts of that id get a 200. */
  faultCap: number;
}

export interface FlakyTarget {
  url: string;
  /** Per webhook-id: first 2xx answer (ms since the epoch) and how many 2xx it got. */
  receipts: Map<string, { first: number; count: number }>;
  answers: Record<Answer, number>;
  /** Requests per second since `t0` (any answer), for the timeline. */
  requestTimes: number[];
  invalidSignatures: number;
  /** The time of the last request of any kind: the drain's stall detector. */
  lastRequestAt: number;
  /** Requests held without an answer right now. */
  hanging(): number;
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : (value ?? "");
}

export async function startFlakyTarget(opts: TargetOptions): Promise<FlakyTarget> {
  const webhook = new Webhook(opts.secret);
  const next = mulberry32(opts.seed); // seeded: a run's fault sequence can be replayed
  const faults = new Map<string, number>();
  const held = new Set<ServerResponse>();
  const target: FlakyTarget = {
    url: `http://127.0.0.1:${opts.port}/bandwidth`,
    receipts: new Map(),
    answers: { "200": 0, "500": 0, "429": 0, hang: 0, "bad-signature": 0 },
    requestTimes: [],
    invalidSignatures: 0,
    lastRequestAt: now(),
    hanging: () => held.size,
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const at = now();
    target.lastRequestAt = at;
    target.requestTimes.push(at);
    const id = header(req, "webhook-id");
    try {
      webhook.verify(body, {
        "webhook-id": id,
        "webhook-timestamp": header(req, "webhook-timestamp"),
        "webhook-signature": header(req, "webhook-signature"),
      });
    } catch {
      target.invalidSignatures += 1;
      target.answers["bad-signature"] += 1;
      res.writeHead(401).end("bad signature");
      return;
    }
    const r = next();
    let answer: Answer = r < 0.05 ? "hang" : r < 0.15 ? "429" : r < 0.4 ? "500" : "200";
    const faulted = faults.get(id) ?? 0;
    if (answer !== "200" && faulted >= opts.faultCap) answer = "200";
    if (answer !== "200") faults.set(id, faulted + 1);
    target.answers[answer] += 1;
    switch (answer) {
      case "200": {
        const seen = target.receipts.get(id);
        if (seen) seen.count += 1;
        else target.receipts.set(id, { first: at, count: 1 });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        return;
      }
      case "500":
        res.writeHead(500).end("chaos: internal error");
        return;
      case "429":
        res.writeHead(429, { "retry-after": "1" }).end("chaos: slow down");
        return;
      default:
        // No answer: the relay's timeout aborts the request and closes the connection.
        held.add(res);
        res.on("close", () => held.delete(res));
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await listenOnLoopback(server, opts.port);
  return target;
}
