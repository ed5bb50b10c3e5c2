/**
 * What the accept benchmark and the cost curve share to measure the relay against the baseline
 * Worker (bench/baseline): the baseline's `wrangler dev`, and the measuring loop. In each round,
 * every target in turn gets a warm-up and then a measured run with the same request mix and
 * connections, the measured run with the CPU its `wrangler dev` used meanwhile (lib/cpu.ts),
 * and a log line.
 */
import { join } from "node:path";
import { SHARD_COUNT } from "../settings.ts";
import { type CpuUse, measureCpu } from "./cpu.ts";
import { type LoadResult, runLoad } from "./load.ts";
import { benchDir, startWrangler, type Wrangler } from "./processes.ts";
import { mean } from "./report.ts";

/** The baseline Worker (parse + sharded SQLite insert) on port 8791, the relay's shard count. */
export function startBaseline(): Promise<Wrangler> {
  return startWrangler({
    name: "baseline",
    cwd: join(benchDir, "baseline"),
    port: 8791,
    inspectorPort: 8795,
    vars: { SHARD_COUNT },
  });
}

/** One measured run of one target. */
export type RoundRun<T extends string> = {
  target: T;
  round: number;
  cpu: CpuUse | null;
} & LoadResult;

/** The mean of a target's runs (errors and non-2xx summed). */
export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** The benchmark's own options (AcceptOptions, CostCurveOptions) and what to drive. */
export interface RoundsOptions<T extends string> {
  /** The targets in the order each round drives them, with their `wrangler dev`. */
  servers: readonly (readonly [T, { url: string; pid: number }])[];
  rounds: number;
  warmupSec: number;
  durationSec: number;
  connections: number;
  headers: Record<string, string>;
  nextBody: () => string;
  /** Put before each run's log line. */
  indent: string;
}

export interface RoundsResult<T extends string> {
  runs: RoundRun<T>[];
  /** Per target, warm-ups included: the requests answered 200 and the requests sent. */
  totals: Map<T, { responses200: number; sent: number }>;
}

export async function runRounds<T extends string>(
  opts: RoundsOptions<T>,
): Promise<RoundsResult<T>> {
  const runs: RoundRun<T>[] = [];
  const totals = new Map<T, { responses200: number; sent: number }>();
  for (let round = 1; round <= opts.rounds; round++) {
    for (const [target, server] of opts.servers) {
      const load = {
        url: server.url,
        headers: opts.headers,
        connections: opts.connections,
        nextBody: opts.nextBody,
      };
      const warmup = await runLoad({ ...load, durationSec: opts.warmupSec });
      const { value: result, cpu } = await measureCpu(server.pid, () =>
        runLoad({ ...load, durationSec: opts.durationSec }),
      );
      runs.push({ target, round, cpu, ...result });
      const total = totals.get(target) ?? { responses200: 0, sent: 0 };
      total.responses200 += (warmup.statusCodes[200] ?? 0) + (result.statusCodes[200] ?? 0);
      total.sent += warmup.sent + result.sent;
      totals.set(target, total);
      console.log(
        `${opts.indent}round ${round} ${target.padEnd(8)} ${result.rps.toFixed(0)} req/s, ` +
          `p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}`,
      );
    }
  }
  return { runs, totals };
}

export function summarize<T extends string>(runs: readonly RoundRun<T>[], target: T): Summary {
  const mine = runs.filter((r) => r.target === target);
  return {
    rps: mean(mine.map((r) => r.rps)),
    p50: mean(mine.map((r) => r.p50)),
    p99: mean(mine.map((r) => r.p99)),
    errors: mine.reduce((a, r) => a + r.errors, 0),
    non2xx: mine.reduce((a, r) => a + r.non2xx, 0),
  };
}
