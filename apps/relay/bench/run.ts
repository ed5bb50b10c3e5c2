/**
 * `pnpm bench`: the relay's benchmarks under `wrangler dev` on this machine (see README.md).
 *   1. accept throughput and latency against a minimal baseline Worker (bench/accept.ts);
 *   2. delivery throughput and accept-to-receipt lag under sustained load (bench/delivery.ts).
 * Knobs (environment): BENCH_ONLY=accept|delivery, BENCH_CONNECTIONS, BENCH_DURATION,
 * BENCH_WARMUP, BENCH_ROUNDS, BENCH_RATE, BENCH_DELIVERY_DURATION.
 * Writes bench/results/latest.json. Exits 1 when a run fails or the relay loses or rejects
 * events; a throughput ratio under the goal is reported, not an error.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { type AcceptResult, runAcceptBench } from "./accept.ts";
import { type DeliveryResult, runDeliveryBench } from "./delivery.ts";
import { appDir, benchDir, removeWorkDir, workDir } from "./lib/processes.ts";

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

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

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const env = machine();
  console.log(
    `bw-relay benchmarks: ${env.date}, ${env.nproc} CPUs (${env.cpu}), node ${env.node}, wrangler ${env.wrangler}`,
  );
  let accept: AcceptResult | null = null;
  let delivery: DeliveryResult | null = null;
  if (only !== "delivery") {
    accept = await runAcceptBench({
      connections: num("BENCH_CONNECTIONS", 16),
      warmupSec: num("BENCH_WARMUP", 2),
      durationSec: num("BENCH_DURATION", 8),
      rounds: num("BENCH_ROUNDS", 3),
    });
  }
  if (only !== "accept") {
    delivery = await runDeliveryBench({
      rate: num("BENCH_RATE", 200),
      durationSec: num("BENCH_DELIVERY_DURATION", 20),
      connections: num("BENCH_CONNECTIONS", 16),
      drainCapSec: 60,
    });
  }

  mkdirSync(join(benchDir, "results"), { recursive: true });
  const file = join(benchDir, "results", "latest.json");
  writeFileSync(file, `${JSON.stringify({ environment: env, accept, delivery }, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);

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
    if (accept.relayLogErrors.length > 0)
      problems.push(
        `relay log has ${accept.relayLogErrors.length} error lines (accept), first ones:\n    ` +
          accept.relayLogErrors.slice(0, 10).join("\n    "),
      );
  }
  if (delivery) problems.push(...delivery.problems);
  if (problems.length > 0) {
    console.error(`\nPROBLEMS:\n  ${problems.join("\n  ")}\nlogs kept in ${workDir}`);
    process.exitCode = 1;
  } else {
    removeWorkDir();
  }
}

main().catch((err) => {
  console.error(`\nbenchmark failed: ${err instanceof Error ? err.message : err}`);
  console.error(`logs kept in ${workDir}`);
  process.exit(1);
});
