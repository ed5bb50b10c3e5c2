/**
 * Benchmark 2, delivery: the relay (under `wrangler dev`) forwards to a fast local receiver
 * while callbacks arrive at a fixed rate. Measures delivered/s against accepted/s, whether the
 * backlog (`GET /api/stats` → `pending`) grows, the lag from the 200 of the accept to the
 * receiver's receipt (by `webhook-id`), how long the backlog takes to drain, and whether every
 * accepted event arrived (and how many twice).
 */
import { createServer, type Server } from "node:http";
import { callbackBodies, now, type PacedResult, runPaced } from "./lib/load.ts";
import { appDir, listenOnLoopback, startWrangler } from "./lib/processes.ts";
import { createTarget, fetchStats } from "./lib/relay-api.ts";
import { type Percentiles, percentiles, printTable, round, slope } from "./lib/report.ts";
import { BASIC_AUTH, RELAY_VARS } from "./settings.ts";

const RECEIVER_PORT = 8793;

export interface DeliveryOptions {
  /** Callbacks per second during the load. */
  rate: number;
  durationSec: number;
  connections: number;
  /** How long to wait for the backlog to drain after the load. */
  drainCapSec: number;
}

export interface DeliveryResult {
  options: DeliveryOptions;
  /** The accept side: its latency is from each request's due time to its 200. */
  load: PacedResult;
  accepted: number;
  acceptedPerSec: number;
  /** First receipts during the load window, per second. */
  deliveredPerSec: number;
  /** Least-squares slope of `pending` during the load (after its first 2 s), events/s. */
  backlogGrowthPerSec: number;
  backlogGrows: boolean;
  maxPending: number;
  /** Receipt minus the arrival of the 200 (negative: delivered before the 200 was read). */
  lagMs: Percentiles;
  /** Receipt minus the time the request was sent. */
  lagFromSendMs: Percentiles;
  drainMs: number | null;
  received: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  /** The relay's own view at the end (`GET /api/stats`, our target). */
  relayTargetStats: unknown;
  timeline: { second: number; accepted: number; delivered: number; pending: number | null }[];
  problems: string[];
}

interface Arrival {
  first: number;
  count: number;
}

function startReceiver(arrivals: Map<string, Arrival>): Promise<Server> {
  const server = createServer((req, res) => {
    const at = now();
    const id = String(req.headers["webhook-id"] ?? "");
    const seen = arrivals.get(id);
    if (seen) seen.count += 1;
    else arrivals.set(id, { first: at, count: 1 });
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  return listenOnLoopback(server, RECEIVER_PORT);
}

export async function runDeliveryBench(opts: DeliveryOptions): Promise<DeliveryResult> {
  console.log(
    `\n== delivery: ${opts.rate} callbacks/s for ${opts.durationSec} s, forwarded to a local receiver ==`,
  );
  const arrivals = new Map<string, Arrival>();
  const receiver = await startReceiver(arrivals);
  const relay = await startWrangler({
    name: "relay-delivery",
    cwd: appDir,
    port: 8792,
    inspectorPort: 8796,
    vars: { ...RELAY_VARS, ALLOW_HTTP_TARGETS: "true", RETRY_BASE_MS: "100" },
  });
  try {
    const headers = { authorization: BASIC_AUTH };
    const prefix = `d${Date.now().toString(36)}`;
    // Warm-up without a target: shards are created and warm, and nothing of it is delivered.
    await runPaced({
      url: relay.url,
      headers,
      connections: opts.connections,
      durationSec: 2,
      rate: opts.rate,
      nextBody: callbackBodies(`${prefix}w`),
    });
    const { id: targetId } = await createTarget(relay.url, {
      name: "bench-receiver",
      url: `http://127.0.0.1:${RECEIVER_PORT}/bandwidth`,
    });
    const pendingNow = async (): Promise<{ pending: number | null; stats: unknown }> => {
      const stats = await fetchStats(relay.url);
      return {
        pending: stats?.pending ?? null,
        stats: stats?.targets.find((t) => t.id === targetId) ?? null,
      };
    };

    // Load, with `pending` sampled once a second until the drain ends.
    const accepted = new Map<string, { sentAt: number; at: number }>();
    const samples: { at: number; pending: number | null }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const next = now() + 1_000;
        const { pending } = await pendingNow();
        samples.push({ at: now(), pending });
        await new Promise((r) => setTimeout(r, Math.max(0, next - now())));
      }
    })();
    const loadStart = now();
    const load = await runPaced({
      url: relay.url,
      headers,
      connections: opts.connections,
      durationSec: opts.durationSec,
      rate: opts.rate,
      nextBody: callbackBodies(prefix),
      onResponse: (status, body, sentAt, at) => {
        if (status !== 200) return;
        for (const id of (JSON.parse(body) as { ids: string[] }).ids)
          accepted.set(id, { sentAt, at });
      },
    });
    const loadEnd = now();

    // Drain: until nothing is pending and every accepted event arrived, or the cap.
    let drainMs: number | null = null;
    while (now() - loadEnd < opts.drainCapSec * 1_000) {
      const allArrived = [...accepted.keys()].every((id) => arrivals.has(id));
      if (allArrived && (await pendingNow()).pending === 0) {
        drainMs = Math.round(now() - loadEnd);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    sampling = false;
    await sampler;
    const relayTargetStats = (await pendingNow()).stats;

    // Figures.
    const loadSec = (loadEnd - loadStart) / 1_000;
    const lags: number[] = [];
    const lagsFromSend: number[] = [];
    let missing = 0;
    for (const [id, { sentAt, at }] of accepted) {
      const arrival = arrivals.get(id);
      if (arrival) {
        lags.push(arrival.first - at);
        lagsFromSend.push(arrival.first - sentAt);
      } else missing += 1;
    }
    let duplicates = 0;
    let unexpected = 0;
    let deliveredInLoad = 0;
    for (const [id, a] of arrivals) {
      duplicates += a.count - 1;
      if (!accepted.has(id)) unexpected += 1;
      if (a.first <= loadEnd) deliveredInLoad += 1;
    }
    const second = (t: number) => Math.floor((t - loadStart) / 1_000);
    const timeline: DeliveryResult["timeline"] = [];
    const lastSecond = Math.max(second(now()), 0);
    for (let s = 0; s <= lastSecond; s++) {
      timeline.push({ second: s, accepted: 0, delivered: 0, pending: null });
    }
    for (const { at } of accepted.values()) {
      const row = timeline[second(at)];
      if (row) row.accepted += 1;
    }
    for (const a of arrivals.values()) {
      const row = timeline[second(a.first)];
      if (row) row.delivered += 1;
    }
    for (const sample of samples) {
      const row = timeline[second(sample.at)];
      if (row && sample.pending !== null) row.pending = sample.pending;
    }
    const trend: [number, number][] = samples
      .filter((s) => s.pending !== null && s.at >= loadStart + 2_000 && s.at <= loadEnd)
      .map((s) => [(s.at - loadStart) / 1_000, s.pending as number]);
    const backlogGrowthPerSec = slope(trend);
    const backlogGrows = backlogGrowthPerSec > Math.max(1, opts.rate * 0.05);

    const result: DeliveryResult = {
      options: opts,
      load,
      accepted: accepted.size,
      acceptedPerSec: accepted.size / loadSec,
      deliveredPerSec: deliveredInLoad / loadSec,
      backlogGrowthPerSec,
      backlogGrows,
      maxPending: Math.max(0, ...samples.map((s) => s.pending ?? 0)),
      lagMs: percentiles(lags),
      lagFromSendMs: percentiles(lagsFromSend),
      drainMs,
      received: arrivals.size,
      missing,
      duplicates,
      unexpected,
      relayTargetStats,
      timeline,
      problems: [],
    };
    report(result);

    if (load.errors + load.non2xx > 0)
      result.problems.push(`delivery run: ${load.errors} errors, ${load.non2xx} non-2xx on accept`);
    if (result.backlogGrows)
      result.problems.push(
        `backlog grows by ${backlogGrowthPerSec.toFixed(1)} deliveries/s under load`,
      );
    if (missing > 0) result.problems.push(`${missing} accepted events never reached the receiver`);
    if (drainMs === null) result.problems.push(`backlog not drained within ${opts.drainCapSec} s`);
    const logErrors = relay.errorLines();
    if (logErrors.length > 0) {
      result.problems.push(`relay log has ${logErrors.length} error lines (delivery)`);
      console.log(`\n  relay log errors (first 10):\n    ${logErrors.slice(0, 10).join("\n    ")}`);
    }
    return result;
  } finally {
    await relay.stop();
    receiver.close();
  }
}

function report(r: DeliveryResult): void {
  printTable(
    "Delivery timeline (per second from the start of the load; pending sampled from /api/stats)",
    ["second", "accepted", "delivered", "pending"],
    r.timeline.map((t) => [t.second, t.accepted, t.delivered, t.pending]),
  );
  printTable(
    `Delivery: ${r.options.rate} callbacks/s for ${r.options.durationSec} s, ${r.options.connections} connections`,
    ["figure", "value"],
    [
      ["accepted events", r.accepted],
      ["accepted/s", round(r.acceptedPerSec)],
      ["delivered/s (during load)", round(r.deliveredPerSec)],
      ["delivered/accepted", round(r.deliveredPerSec / r.acceptedPerSec, 2)],
      ["backlog growth (pending/s)", round(r.backlogGrowthPerSec, 2)],
      ["max pending", r.maxPending],
      ["lag p50 ms (200 -> receipt)", r.lagMs.p50],
      ["lag p90 ms", r.lagMs.p90],
      ["lag p99 ms", r.lagMs.p99],
      ["lag max ms", r.lagMs.max],
      ["lag p50 ms (sent -> receipt)", r.lagFromSendMs.p50],
      ["lag p99 ms (sent -> receipt)", r.lagFromSendMs.p99],
      ["accept p50 ms", round(r.load.latency.p50)],
      ["accept p99 ms", round(r.load.latency.p99)],
      ["accept non-2xx / errors", `${r.load.non2xx} / ${r.load.errors}`],
      ["drain after load ms", r.drainMs],
      ["received (distinct)", r.received],
      ["missing", r.missing],
      ["duplicates", r.duplicates],
      ["unexpected ids", r.unexpected],
    ],
  );
  const offered = r.options.rate;
  const saturated = r.acceptedPerSec < offered * 0.95;
  console.log(
    `\n  ${saturated ? `accept SATURATED: ${r.acceptedPerSec.toFixed(0)}/s accepted of ${offered}/s offered (requests queued at the client); ` : ""}` +
      `backlog ${r.backlogGrows ? "GROWS: delivery falls behind" : "stable: delivery keeps up"} at ${r.acceptedPerSec.toFixed(0)} accepted/s; ` +
      `${r.missing === 0 ? "every accepted event arrived" : `${r.missing} accepted events MISSING`}, ` +
      `${r.duplicates} duplicates`,
  );
}
