/**
 * Benchmark 1, accept throughput: `POST /callbacks` on the relay (no targets: pure accept; with
 * `withTarget`, one target configured and a local receiver answering 204, so every accept
 * also queues a delivery and the alarm delivers meanwhile) against the baseline Worker
 * (bench/baseline: parse + sharded SQLite insert, nothing else), both under `wrangler dev`,
 * driven alternately with the same request mix and connections. With a target, a third Worker
 * runs beside them: the same baseline forwarding every stored event to the same receiver
 * (FORWARD_URL), the least any relay that forwards each event as its own request must do here.
 */
import { createServer } from "node:http";
import { join } from "node:path";
import { callbackBodies } from "./lib/load.ts";
import {
  appDir,
  benchDir,
  listenOnLoopback,
  startWrangler,
  type Wrangler,
} from "./lib/processes.ts";
import { createTarget, drain } from "./lib/relay-api.ts";
import { printTable, round } from "./lib/report.ts";
import { type RoundRun, runRounds, type Summary, startBaseline, summarize } from "./lib/rounds.ts";
import { BASIC_AUTH, RELAY_VARS, SHARD_COUNT } from "./settings.ts";

export interface AcceptOptions {
  /** One target configured and receiving (a local server answering 204). */
  withTarget: boolean;
  /**
   * Measure the relay while a closed shard epoch is live (BENCH_ACCEPT_EPOCH=1): every event
   * is of a new message, so each is first offered to, and declined by, its old shard.
   */
  closedEpoch?: boolean;
  connections: number;
  warmupSec: number;
  durationSec: number;
  rounds: number;
}

type Target = "baseline" | "forwarder" | "relay";

export interface AcceptResult {
  options: AcceptOptions;
  /** Each measured run, with the CPU its `wrangler dev` used meanwhile (lib/cpu.ts). */
  runs: RoundRun<Target>[];
  summary: Partial<Record<Target, Summary>> & Record<"baseline" | "relay", Summary>;
  /** relay req/s ÷ baseline req/s; the goal is ≥ ACCEPT_GOAL. */
  ratio: number;
  /** With a target: forwarder req/s ÷ baseline req/s (what forwarding itself costs here). */
  forwarderRatio: number | null;
  /**
   * With a target: what the receiver got from the relay (distinct webhook-ids) once its
   * backlog drained, against the relay's 200s; and how long the drain took after the last run.
   */
  relayDelivered: { received: number; drainSec: number | null } | null;
  /**
   * What the relay says it stored against what it answered 200 to and what was sent to it
   * (warm-ups included): 200s <= stored <= sent, the difference being requests still in
   * flight when a run's time was up.
   */
  relayStored: { responses200: number; eventsStored: number | null; sent: number };
  /** Error lines in the relay's log during the run. */
  relayLogErrors: string[];
}

/** The goal of issue 13: relay ≥ 0.9 × the baseline, with one target configured and receiving. */
export const ACCEPT_GOAL = 0.9;

/** The receiver of `withTarget` runs (8793 is the delivery benchmark's). */
const RECEIVER_PORT = 8799;

export async function runAcceptBench(opts: AcceptOptions): Promise<AcceptResult> {
  console.log(
    `\n== accept throughput: relay ${opts.withTarget ? "(one target, receiving) " : ""}vs baseline under wrangler dev ==`,
  );
  const [baseline, relay] = await Promise.all([
    startBaseline(),
    startWrangler({
      name: "relay-accept",
      cwd: appDir,
      port: 8790,
      inspectorPort: 8794,
      vars: { ...RELAY_VARS, ALLOW_HTTP_TARGETS: "true" },
    }),
  ]);
  // The forwarding baseline (ports of the worst-case run, which never runs beside this one).
  const forwarder = opts.withTarget
    ? await startWrangler({
        name: "forwarder",
        cwd: join(benchDir, "baseline"),
        port: 8797,
        inspectorPort: 8798,
        vars: { SHARD_COUNT, FORWARD_URL: `http://127.0.0.1:${RECEIVER_PORT}/forwarded` },
      })
    : null;
  const relayIds = new Set<string>();
  const receiver = opts.withTarget
    ? await listenOnLoopback(
        createServer((req, res) => {
          const id = req.headers["webhook-id"];
          if (typeof id === "string") relayIds.add(id);
          req.resume();
          req.on("end", () => res.writeHead(204).end());
        }),
        RECEIVER_PORT,
      )
    : null;
  try {
    if (opts.withTarget) {
      await createTarget(relay.url, {
        name: "bench-receiver",
        url: `http://127.0.0.1:${RECEIVER_PORT}/hook`,
      });
      console.log(`  relay has one target: a local receiver on port ${RECEIVER_PORT}`);
    }
    if (opts.closedEpoch ?? process.env.BENCH_ACCEPT_EPOCH === "1") {
      // One more shard than the baseline's: the API refuses a change to the same count.
      const res = await fetch(`${relay.url}/api/shards`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${RELAY_VARS.ADMIN_TOKEN}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ shardCount: Number(SHARD_COUNT) + 1 }),
      });
      if (res.status !== 201) throw new Error(`POST /api/shards answered ${res.status}`);
      console.log(`  relay has a closed epoch of ${SHARD_COUNT} shards before the current one`);
    }
    const servers: Partial<Record<Target, Wrangler>> = { baseline, relay };
    if (forwarder) servers.forwarder = forwarder;
    const targets = Object.keys(servers) as Target[];
    targets.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const headers = { authorization: BASIC_AUTH };
    const nextBody = callbackBodies(`a${Date.now().toString(36)}`);
    for (const target of targets) {
      await expectAccepted((servers[target] as Wrangler).url, headers, nextBody());
    }
    const { runs, totals } = await runRounds({
      ...opts,
      servers: targets.map((t) => [t, servers[t] as Wrangler] as const),
      headers,
      nextBody,
      indent: "  ",
    });
    // The probe above, then the warm-ups and the runs.
    const relayOk = 1 + (totals.get("relay")?.responses200 ?? 0);
    const relaySent = 1 + (totals.get("relay")?.sent ?? 0);

    const summary: AcceptResult["summary"] = {
      baseline: summarize(runs, "baseline"),
      relay: summarize(runs, "relay"),
    };
    if (forwarder) summary.forwarder = summarize(runs, "forwarder");
    const ratio = summary.relay.rps / summary.baseline.rps;
    const forwarderRatio = summary.forwarder ? summary.forwarder.rps / summary.baseline.rps : null;
    // Delivery keeps up: the relay's backlog drains and the receiver got every accepted event.
    const relayDelivered = opts.withTarget ? await drain(relay.url, () => relayIds.size) : null;

    // Every 200 is a committed event: the relay's count must match (warm-ups and the probe too).
    const stats = await fetch(`${relay.url}/api/stats`, {
      headers: { authorization: `Bearer ${RELAY_VARS.ADMIN_TOKEN}` },
    }).then((r) => (r.ok ? (r.json() as Promise<{ events?: { total?: number } }>) : null));
    const relayStored = {
      responses200: relayOk,
      eventsStored: stats?.events?.total ?? null,
      sent: relaySent,
    };

    printTable(
      `Accept: POST /callbacks, ${opts.connections} connections, ${opts.durationSec} s per run after ${opts.warmupSec} s warm-up`,
      [
        "target",
        "round",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "errors",
        "non-2xx",
        "cores",
        "busiest thread",
      ],
      runs.map((r) => [
        r.target,
        r.round,
        round(r.rps, 0),
        r.p50,
        r.p90,
        r.p99,
        r.max,
        r.errors,
        r.non2xx,
        r.cpu ? r.cpu.cores.toFixed(2) : "-",
        r.cpu ? `${r.cpu.busiest.cores.toFixed(2)} ${r.cpu.busiest.thread}` : "-",
      ]),
    );
    console.log(
      "  cores: CPU s/s of that wrangler dev; busiest thread: its busiest one (lib/cpu.ts)",
    );
    printTable(
      "Accept summary (mean of rounds)",
      ["target", "req/s", "p50 ms", "p99 ms", "errors", "non-2xx"],
      targets.map((t) => {
        const s = summary[t] as Summary;
        return [t, round(s.rps, 0), round(s.p50), round(s.p99), s.errors, s.non2xx];
      }),
    );
    console.log(
      `\n  relay/baseline throughput ratio: ${ratio.toFixed(2)} (goal >= ${ACCEPT_GOAL}: ${ratio >= ACCEPT_GOAL ? "met" : "NOT met"})`,
    );
    if (summary.forwarder && forwarderRatio !== null) {
      console.log(
        `  forwarder/baseline: ${forwarderRatio.toFixed(2)} (the floor: storing and forwarding, nothing else); ` +
          `relay/forwarder: ${(summary.relay.rps / summary.forwarder.rps).toFixed(2)}`,
      );
    }
    console.log(
      `  p50 latency ratio: ${(summary.relay.p50 / summary.baseline.p50).toFixed(2)}, ` +
        `p99 latency ratio: ${(summary.relay.p99 / summary.baseline.p99).toFixed(2)}`,
    );
    console.log(
      `  relay stored ${relayStored.eventsStored} events for ${relayStored.responses200} 200s ` +
        `(${relayStored.sent} requests sent, the rest cut off in flight at the end of a run)`,
    );
    if (relayDelivered) {
      console.log(
        `  relay delivered ${relayDelivered.received} distinct events for ${relayOk} 200s; ` +
          (relayDelivered.drainSec === null
            ? "its backlog did NOT drain within 60 s"
            : `backlog drained ${relayDelivered.drainSec.toFixed(1)} s after the last run`),
      );
    }
    return {
      options: opts,
      runs,
      summary,
      ratio,
      forwarderRatio,
      relayDelivered,
      relayStored,
      relayLogErrors: relay.errorLines(),
    };
  } finally {
    receiver?.closeAllConnections();
    receiver?.close();
    await Promise.all([baseline.stop(), relay.stop(), forwarder?.stop()]);
  }
}

const order: Target[] = ["baseline", "forwarder", "relay"];

/** One request first, so a relay that rejects the mix fails loudly instead of measuring errors. */
async function expectAccepted(url: string, headers: Record<string, string>, body: string) {
  const res = await fetch(`${url}/callbacks`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body,
  });
  const text = await res.text();
  if (res.status !== 200) {
    throw new Error(`POST ${url}/callbacks answered ${res.status}: ${text}\nrequest body: ${body}`);
  }
}
