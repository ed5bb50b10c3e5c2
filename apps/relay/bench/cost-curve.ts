/**
 * The cost curve (`BENCH_ONLY=cost`, `pnpm bench:cost`): accept throughput and p99 of the
 * relay as the stored events grow (by default empty, 100k and 1M over the shards), each level
 * against the baseline Worker in the same run, so each level has its own relay/baseline ratio
 * and the machine's drift cancels out. The goal: throughput and p99 flat within 15 % of the
 * empty relay's.
 *
 * One relay, one `--persist-to` state for the whole run. It starts fresh and stores a few
 * callbacks, so every shard's SQLite file exists and is migrated. Then, for each level: the
 * relay is stopped, the shards' files are topped up to the level with realistic settled events
 * written straight into them (lib/seed-shards.ts: a million through HTTP would take most of an
 * hour), the relay is restarted on the same state (same bundle), and autocannon drives the
 * baseline and the relay alternately, as the accept benchmark does. Level 0 goes through the
 * same stop and restart, with nothing added. The events the benchmark itself posts stay in the
 * store and count towards the next level.
 *
 * `withTarget` (BENCH_COST_TARGET=1): one target configured and receiving (a local server
 * answering 204), the seeded events delivered to it; otherwise no target (pure accept).
 */
import { createServer } from "node:http";
import { join } from "node:path";
import { callbackBodies } from "./lib/load.ts";
import {
  appDir,
  listenOnLoopback,
  startWrangler,
  type Wrangler,
  waitPortFree,
  workDir,
} from "./lib/processes.ts";
import { createTarget, fetchStats, type RelayStats } from "./lib/relay-api.ts";
import { printTable, round } from "./lib/report.ts";
import { type RoundRun, runRounds, type Summary, startBaseline, summarize } from "./lib/rounds.ts";
import {
  countStoredEvents,
  type SeedResult,
  seedShards,
  shardFiles,
  shardIndexFor,
  waitShardFilesClosed,
} from "./lib/seed-shards.ts";
import { BASIC_AUTH, RELAY_VARS, SHARD_COUNT } from "./settings.ts";

export interface CostCurveOptions {
  /** Stored events at which accept is measured, ascending. */
  levels: number[];
  withTarget: boolean;
  connections: number;
  warmupSec: number;
  durationSec: number;
  rounds: number;
  /** The relay's RETENTION_HOURS (its default, 48, unless set). */
  retentionHours: number;
}

type Target = "baseline" | "relay";

export interface CostLevel {
  /** Stored events asked for. */
  level: number;
  /** Stored events when the measurement began (`GET /api/stats`). */
  storedBefore: number | null;
  seed: SeedResult | null;
  /** Each measured run, with the CPU its `wrangler dev` used meanwhile (lib/cpu.ts). */
  runs: RoundRun<Target>[];
  summary: Record<Target, Summary>;
  /** relay req/s ÷ baseline req/s at this level. */
  ratio: number;
  /** This level's ratio ÷ the first level's: 1 is perfectly flat. */
  rpsVsFirst: number;
  /** The relay's mean p99 ÷ the first level's (raw, and each divided by its baseline p99). */
  p99VsFirst: number;
  p99VsFirstNormalized: number;
  /** Both within 15 % of the first level. */
  flat: boolean;
  /** What the counters say happened during the level's load. */
  during: { accepted: number | null; purged: number | null; responses200: number; sent: number };
}

export interface CostCurveResult {
  options: CostCurveOptions;
  levels: CostLevel[];
  relayLogErrors: string[];
  problems: string[];
}

const RECEIVER_PORT = 8799;
const RELAY_PORT = 8790;
const RELAY_INSPECTOR = 8794;
/** Flat: throughput and p99 within this fraction of the empty relay's. */
const TOLERANCE = 0.15;

export async function runCostCurve(opts: CostCurveOptions): Promise<CostCurveResult> {
  console.log(
    `\n== cost curve: accept ${opts.withTarget ? "(one target, receiving) " : ""}at ` +
      `${opts.levels.map((l) => l.toLocaleString("en")).join(" / ")} stored events, vs baseline ==`,
  );
  const retentionMs = opts.retentionHours * 3_600_000;
  const relayOptions = (restart: boolean) => ({
    name: "relay-cost",
    cwd: appDir,
    port: RELAY_PORT,
    inspectorPort: RELAY_INSPECTOR,
    vars: {
      ...RELAY_VARS,
      ALLOW_HTTP_TARGETS: "true",
      RETENTION_HOURS: String(opts.retentionHours),
    },
    reuseBundle: restart, // the same code on the same state
  });
  const stateDir = join(workDir, "relay-cost-state");
  const [baseline, firstRelay] = await Promise.all([
    startBaseline(),
    startWrangler(relayOptions(false)),
  ]);
  let relay: Wrangler = firstRelay;
  const logErrors: string[] = [];
  const receiver = opts.withTarget
    ? await listenOnLoopback(
        createServer((req, res) => {
          req.resume();
          req.on("end", () => res.writeHead(204).end());
        }),
        RECEIVER_PORT,
      )
    : null;
  const problems: string[] = [];
  const levels: CostLevel[] = [];
  const headers = { authorization: BASIC_AUTH };
  const nextBody = callbackBodies(`c${Date.now().toString(36)}`);
  try {
    const targetId = opts.withTarget
      ? (
          await createTarget(relay.url, {
            name: "bench-receiver",
            url: `http://127.0.0.1:${RECEIVER_PORT}/hook`,
          })
        ).id
      : null;
    // Every shard stores something, so its file exists, is migrated and names its index.
    await primeShards(relay.url, nextBody);
    if (opts.withTarget) await waitDrained(relay.url);

    for (const [i, level] of opts.levels.entries()) {
      // Stop (the files must not be written by two processes), top up, restart.
      logErrors.push(...relay.errorLines());
      await relay.stop();
      await waitPortFree(RELAY_PORT);
      await waitPortFree(RELAY_INSPECTOR);
      await waitShardFilesClosed(stateDir);
      const files = shardFiles(stateDir, Number(SHARD_COUNT));
      const missing = level - countStoredEvents(files);
      let seed: SeedResult | null = null;
      if (missing > 0) {
        seed = seedShards({
          stateDir,
          shardCount: Number(SHARD_COUNT),
          count: missing,
          retentionMs,
          targetId,
          prefix: `s${i}${Date.now().toString(36)}`,
        });
        console.log(
          `  seeded ${seed.added.toLocaleString("en")} events in ${(seed.ms / 1000).toFixed(1)} s ` +
            `(${JSON.stringify(seed.byStatus)}; shard files ${(seed.bytes / 1e6).toFixed(0)} MB)`,
        );
      }
      relay = await startWrangler(relayOptions(true));
      // Wakes every shard (its constructor, its alarm) before the load, and counts.
      const before = await fetchStats(relay.url, 120_000);
      const storedBefore = before?.events.total ?? null;
      console.log(`  level ${level.toLocaleString("en")}: ${storedBefore} events stored`);

      const { runs, totals } = await runRounds<Target>({
        ...opts,
        servers: [
          ["baseline", baseline],
          ["relay", relay],
        ],
        headers,
        nextBody,
        indent: "    ",
      });
      const { responses200, sent } = totals.get("relay") ?? { responses200: 0, sent: 0 };
      if (opts.withTarget) await waitDrained(relay.url);
      const after = await fetchStats(relay.url, 120_000);
      const delta = (name: string) => counterDelta(before, after, name);
      const summary = {
        baseline: summarize(runs, "baseline"),
        relay: summarize(runs, "relay"),
      };
      const ratio = summary.relay.rps / summary.baseline.rps;
      const first = levels[0];
      const p99Norm = summary.relay.p99 / summary.baseline.p99;
      const row: CostLevel = {
        level,
        storedBefore,
        seed,
        runs,
        summary,
        ratio,
        rpsVsFirst: first ? ratio / first.ratio : 1,
        p99VsFirst: first ? summary.relay.p99 / first.summary.relay.p99 : 1,
        p99VsFirstNormalized: first
          ? p99Norm / (first.summary.relay.p99 / first.summary.baseline.p99)
          : 1,
        flat: true,
        during: { accepted: delta("accepted"), purged: delta("purged"), responses200, sent },
      };
      row.flat =
        Math.abs(row.rpsVsFirst - 1) <= TOLERANCE && row.p99VsFirstNormalized <= 1 + TOLERANCE;
      levels.push(row);
      console.log(
        `  level ${level.toLocaleString("en")}: relay/baseline ${ratio.toFixed(2)} ` +
          `(${pct(row.rpsVsFirst)} of the first level's), relay p99 ${round(summary.relay.p99)} ms ` +
          `(${pct(row.p99VsFirstNormalized)} normalized); purged during the load: ${row.during.purged}`,
      );

      for (const t of ["baseline", "relay"] as const) {
        if (summary[t].errors + summary[t].non2xx > 0)
          problems.push(
            `level ${level}: ${t} had ${summary[t].errors} errors, ${summary[t].non2xx} non-2xx`,
          );
      }
      const accepted = row.during.accepted;
      if (accepted === null || accepted < responses200 || accepted > sent)
        problems.push(
          `level ${level}: the relay counted ${accepted} accepted events for ${responses200} 200s (${sent} sent)`,
        );
    }
  } finally {
    logErrors.push(...relay.errorLines());
    receiver?.close();
    await Promise.all([baseline.stop(), relay.stop()]);
  }
  const relayLogErrors = [...new Set(logErrors)];
  if (relayLogErrors.length > 0)
    problems.push(
      `relay log has ${relayLogErrors.length} error lines, first ones:\n    ` +
        relayLogErrors.slice(0, 10).join("\n    "),
    );

  printTable(
    `Cost curve: accept ${opts.withTarget ? "with one target receiving" : "(no target)"}, ${opts.connections} connections, ${opts.rounds} × ${opts.durationSec} s per target and level`,
    [
      "stored",
      "baseline req/s",
      "relay req/s",
      "ratio",
      "vs first",
      "relay p50 ms",
      "relay p99 ms",
      "baseline p99 ms",
      "p99 vs first (norm.)",
      "purged",
      "flat",
    ],
    levels.map((l) => [
      l.storedBefore,
      round(l.summary.baseline.rps, 0),
      round(l.summary.relay.rps, 0),
      round(l.ratio, 2),
      pct(l.rpsVsFirst),
      round(l.summary.relay.p50),
      round(l.summary.relay.p99),
      round(l.summary.baseline.p99),
      pct(l.p99VsFirstNormalized),
      l.during.purged,
      l.flat ? "yes" : "NO",
    ]),
  );
  const notFlat = levels.filter((l) => !l.flat).map((l) => l.level.toLocaleString("en"));
  console.log(
    notFlat.length === 0
      ? `\n  flat within ${TOLERANCE * 100} % at every level`
      : `\n  NOT flat within ${TOLERANCE * 100} % at ${notFlat.join(", ")} stored events`,
  );
  return { options: opts, levels, relayLogErrors, problems };
}

function counterDelta(
  before: RelayStats | null,
  after: RelayStats | null,
  name: string,
): number | null {
  if (!before || !after) return null;
  return (after.counters[name] ?? 0) - (before.counters[name] ?? 0);
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** Posts callbacks until every shard index has stored at least two. */
async function primeShards(url: string, nextBody: () => string): Promise<void> {
  const shards = Number(SHARD_COUNT);
  const seen = new Map<number, number>();
  for (let sent = 0; seen.size < shards || [...seen.values()].some((n) => n < 2); sent++) {
    if (sent > 50 * shards) throw new Error("priming: some shard never got an event");
    const body = nextBody();
    const res = await fetch(`${url}/callbacks`, {
      method: "POST",
      headers: { authorization: BASIC_AUTH, "content-type": "application/json" },
      body,
    });
    if (res.status !== 200)
      throw new Error(`POST /callbacks answered ${res.status}: ${await res.text()}`);
    const messageId = (JSON.parse(body) as { message: { id: string } }[])[0]?.message.id ?? "";
    const index = shardIndexFor(messageId, shards);
    seen.set(index, (seen.get(index) ?? 0) + 1);
  }
}

/** Waits (60 s at most) until no delivery is pending, so the state is settled before a stop. */
async function waitDrained(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const stats = await fetchStats(url, 30_000);
    if (stats && stats.pending === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("deliveries still pending after 60 s");
}
