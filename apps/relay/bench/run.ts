/**
 * `pnpm bench`: the relay's benchmarks under `wrangler dev` on this machine (see README.md).
 *   1. accept throughput and latency against a minimal baseline Worker (bench/accept.ts);
 *   2. delivery throughput and accept-to-receipt lag under sustained load (bench/delivery.ts).
 * Not in the default run: BENCH_ONLY=worst (`pnpm bench:worst`), hostile bodies one at a time
 * (bench/worst-case.ts), written to bench/results/worst-case.json; BENCH_ONLY=list
 * (`pnpm bench:list`), listing cost by shard count (bench/list-cost.ts); BENCH_ONLY=cost
 * (`pnpm bench:cost`), accept as the stored events grow (bench/cost-curve.ts), written to
 * bench/results/cost-curve.json (cost-curve-target.json with BENCH_COST_TARGET=1).
 * Knobs (environment): BENCH_ONLY=accept|delivery|worst|list|cost, BENCH_CONNECTIONS, BENCH_DURATION,
 * BENCH_WARMUP, BENCH_ROUNDS, BENCH_RATE, BENCH_DELIVERY_DURATION, BENCH_WORST_SHAPES,
 * BENCH_WORST_TIMEOUT, BENCH_WORST_GETS, BENCH_COST_LEVELS, BENCH_COST_TARGET.
 * Writes bench/results/latest.json. Exits 1 when a run fails or the relay loses or rejects
 * events; a throughput ratio under the goal is reported, not an error.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { type AcceptResult, runAcceptBench } from "./accept.ts";
import { runCostCurve } from "./cost-curve.ts";
import { type DeliveryResult, runDeliveryBench } from "./delivery.ts";
import { envNumber } from "./lib/env.ts";
import { appDir, benchDir, removeWorkDir, workDir } from "./lib/processes.ts";
import { runListCostBench } from "./list-cost.ts";
import { runWorstCaseBench } from "./worst-case.ts";

function machine() {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    cpu = /Model name:\s*(.+)/.exec(execFileSync("lscpu", { encoding: "utf8" }))?.[1] ?? cpu;
  } catch {
    // no lscpu
  }
  const wrangler = execFileSync(join(appDir, "node_modules", ".bin", "wrangler"), ["--version"], {
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  }).trim();
  return {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpu,
    node: process.version,
    wrangler,
  };
}

/** Writes `results/<name>`; exits 1 (keeping the logs) when there are problems. */
function finish(name: string, figures: object, problems: string[]): void {
  mkdirSync(join(benchDir, "results"), { recursive: true });
  const file = join(benchDir, "results", name);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  // In the repo's JSON style, so `biome check .` stays clean whether or not it is committed.
  spawnSync(
    join(appDir, "..", "..", "node_modules", ".bin", "biome"),
    ["format", "--write", file],
    {
      cwd: appDir,
      stdio: "ignore",
    },
  );
  console.log(`\nresults written to ${file}`);
  if (problems.length > 0) {
    console.error(`\nPROBLEMS:\n  ${problems.join("\n  ")}\nlogs kept in ${workDir}`);
    process.exitCode = 1;
  } else {
    removeWorkDir();
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY ?? "";
  if (!["", "accept", "delivery", "worst", "list", "cost"].includes(only))
    throw new Error("BENCH_ONLY must be accept, delivery, worst, list or cost");
  const env = machine();
  console.log(
    `bw-relay benchmarks: ${env.date}, ${env.nproc} CPUs (${env.cpu}), node ${env.node}, wrangler ${env.wrangler}`,
  );
  if (only === "worst") {
    const worst = await runWorstCaseBench({
      shapes: (process.env.BENCH_WORST_SHAPES ?? "").split(",").filter((s) => s.trim() !== ""),
      timeoutSec: envNumber("BENCH_WORST_TIMEOUT", 60),
      maxGets: envNumber("BENCH_WORST_GETS", 100),
    });
    finish("worst-case.json", { environment: env, worst }, worst.problems);
    return;
  }
  if (only === "list") {
    const list = await runListCostBench({
      shardCounts: (process.env.BENCH_LIST_SHARDS ?? "8,64,256").split(",").map(Number),
      events: envNumber("BENCH_LIST_EVENTS", 512),
      repeats: envNumber("BENCH_LIST_REPEATS", 20),
    });
    finish("list-cost.json", { environment: env, list }, []);
    return;
  }
  if (only === "cost") {
    const withTarget = process.env.BENCH_COST_TARGET === "1";
    const levels = (process.env.BENCH_COST_LEVELS ?? "0,100000,1000000").split(",").map(Number);
    if (levels.some((l, i) => !Number.isInteger(l) || l < 0 || (i > 0 && l < (levels[i - 1] ?? 0))))
      throw new Error("BENCH_COST_LEVELS must be ascending whole numbers, e.g. 0,100000,1000000");
    const cost = await runCostCurve({
      levels,
      withTarget,
      connections: envNumber("BENCH_CONNECTIONS", 16),
      warmupSec: envNumber("BENCH_WARMUP", 2),
      durationSec: envNumber("BENCH_DURATION", 8),
      rounds: envNumber("BENCH_ROUNDS", 3),
      retentionHours: 48,
    });
    finish(
      withTarget ? "cost-curve-target.json" : "cost-curve.json",
      { environment: env, cost },
      cost.problems,
    );
    return;
  }
  let accept: AcceptResult | null = null;
  let delivery: DeliveryResult | null = null;
  if (only !== "delivery") {
    accept = await runAcceptBench({
      withTarget: process.env.BENCH_ACCEPT_TARGET === "1",
      connections: envNumber("BENCH_CONNECTIONS", 16),
      warmupSec: envNumber("BENCH_WARMUP", 2),
      durationSec: envNumber("BENCH_DURATION", 8),
      rounds: envNumber("BENCH_ROUNDS", 3),
    });
  }
  if (only !== "accept") {
    delivery = await runDeliveryBench({
      rate: envNumber("BENCH_RATE", 200),
      durationSec: envNumber("BENCH_DELIVERY_DURATION", 20),
      connections: envNumber("BENCH_CONNECTIONS", 16),
      drainCapSec: 60,
    });
  }

  const problems: string[] = [];
  if (accept) {
    const { relay, baseline } = accept.summary;
    if (relay.errors + relay.non2xx > 0)
      problems.push(`relay: ${relay.errors} errors, ${relay.non2xx} non-2xx under accept load`);
    if (baseline.errors + baseline.non2xx > 0)
      problems.push(`baseline: ${baseline.errors} errors, ${baseline.non2xx} non-2xx`);
    const { eventsStored, responses200, sent } = accept.relayStored;
    if (eventsStored === null || eventsStored < responses200 || eventsStored > sent)
      problems.push(
        `relay stored ${eventsStored} events for ${responses200} 200 responses (${sent} requests sent)`,
      );
    if (accept.relayDelivered) {
      const { received, drainSec } = accept.relayDelivered;
      if (drainSec === null) problems.push("relay: the delivery backlog did not drain within 60 s");
      else if (received < responses200)
        problems.push(`relay delivered ${received} events for ${responses200} 200 responses`);
    }
    if (
      accept.summary.forwarder &&
      accept.summary.forwarder.errors + accept.summary.forwarder.non2xx > 0
    )
      problems.push(
        `forwarder: ${accept.summary.forwarder.errors} errors, ${accept.summary.forwarder.non2xx} non-2xx`,
      );
    if (accept.relayLogErrors.length > 0)
      problems.push(
        `relay log has ${accept.relayLogErrors.length} error lines (accept), first ones:\n    ` +
          accept.relayLogErrors.slice(0, 10).join("\n    "),
      );
  }
  if (delivery) problems.push(...delivery.problems);
  // A run with a target (accept only) is kept beside the default run, not over it.
  const file = accept?.options.withTarget && !delivery ? "accept-target.json" : "latest.json";
  finish(file, { environment: env, accept, delivery }, problems);
}

main().catch((err) => {
  console.error(`\nbenchmark failed: ${err instanceof Error ? err.message : err}`);
  console.error(`logs kept in ${workDir}`);
  process.exit(1);
});
