/** The chaos run's figures, its tables, and its verdict. */
import type { PacedResult } from "../bench/lib/load.ts";
import type { RelayStats } from "../bench/lib/relay-api.ts";
import { percentiles, printTable } from "../bench/lib/report.ts";
import type { ChaosOptions } from "./options.ts";
import type { FlakyTarget } from "./target.ts";

export interface ChaosFigures {
  options: ChaosOptions;
  /** The sender: final outcomes, retries, failed attempts by cause. */
  load: PacedResult;
  /** Event id -> when its 200 reached the sender. */
  acks: Map<string, number>;
  target: FlakyTarget;
  t0: number;
  loadEnd: number;
  restartMs: number;
  drainMs: number | null;
  cronFired: number;
  relayStats: RelayStats | null;
  relayLogErrors: number;
  /** What happened when (kill, restart, cron...). */
  events: string[];
}

interface Counts {
  acknowledged: number;
  received: number;
  lost: number;
  duplicates: number;
  unexpected: number;
  lags: number[];
}

function count(f: ChaosFigures): Counts {
  const c: Counts = {
    acknowledged: f.acks.size,
    received: 0,
    lost: 0,
    duplicates: 0,
    unexpected: 0,
    lags: [],
  };
  for (const [id, ackAt] of f.acks) {
    const receipt = f.target.receipts.get(id);
    if (receipt) {
      c.received += 1;
      c.lags.push(receipt.first - ackAt);
    } else c.lost += 1;
  }
  for (const [id, receipt] of f.target.receipts) {
    c.duplicates += receipt.count - 1;
    if (!f.acks.has(id)) c.unexpected += 1;
  }
  return c;
}

const BUCKET_S = 5;

function timeline(f: ChaosFigures): (string | number)[][] {
  const rows: number[][] = [];
  const bucket = (t: number) => Math.max(0, Math.floor((t - f.t0) / (BUCKET_S * 1_000)));
  const bump = (t: number, column: number) => {
    const b = bucket(t);
    while (rows.length <= b) rows.push([rows.length * BUCKET_S, 0, 0, 0]);
    const row = rows[b];
    if (row) row[column] = (row[column] ?? 0) + 1;
  };
  for (const at of f.acks.values()) bump(at, 1);
  for (const at of f.target.requestTimes) bump(at, 2);
  for (const r of f.target.receipts.values()) bump(r.first, 3);
  return rows.map(([s, acked, requests, first]) => [
    `${s}-${(s ?? 0) + BUCKET_S} s`,
    acked ?? 0,
    requests ?? 0,
    first ?? 0,
  ]);
}

export function printReport(f: ChaosFigures): void {
  const c = count(f);
  const lag = percentiles(c.lags);
  const o = f.options;
  printTable(
    `Timeline (${BUCKET_S} s buckets from the start of the load)`,
    ["time", "events acknowledged", "target requests", "first 2xx receipts"],
    timeline(f),
  );
  const failures = Object.entries(f.load.attemptFailures)
    .map(([cause, n]) => `${n} ${cause}`)
    .join(", ");
  const answers = Object.entries(f.target.answers)
    .map(([a, n]) => `${n} ${a}`)
    .join(", ");
  const target = f.relayStats?.targets[0];
  printTable(
    `Chaos: ${o.rate}/s for ${o.durationSec} s, SIGKILL at ${o.killAtSec} s, RETRY_BASE_MS=${o.retryBaseMs}, ` +
      `timeoutMs=${o.timeoutMs}, maxAttempts=${o.maxAttempts}, fault cap ${o.faultCap}, seed ${o.seed}`,
    ["figure", "value"],
    [
      ["requests sent / acknowledged (2xx)", `${f.load.sent} / ${f.load.ok}`],
      ["requests given up by the sender", f.load.errors + f.load.non2xx],
      ["sender retries", f.load.retries],
      ["sender failed attempts", failures || "none"],
      ["runtime restart (kill -> healthy)", `${f.restartMs} ms`],
      ["acknowledged events", c.acknowledged],
      ["events received by the target (2xx)", c.received],
      ["LOST (acknowledged, never received)", c.lost],
      ["duplicates received (2xx again)", c.duplicates],
      ["received but never acknowledged", c.unexpected],
      ["INVALID signatures", f.target.invalidSignatures],
      ["target answers", answers],
      ["delivery lag p50 (ack -> first 2xx)", `${lag.p50} ms`],
      ["delivery lag p99", `${lag.p99} ms`],
      ["delivery lag max", `${lag.max} ms`],
      [
        "drain after the load",
        f.drainMs === null ? `not done in ${o.drainCapSec} s` : `${f.drainMs} ms`,
      ],
      ["cron watchdog fired (stalled drain)", f.cronFired],
      [
        "relay: pending / events stored",
        `${f.relayStats?.pending ?? "?"} / ${f.relayStats?.events.total ?? "?"}`,
      ],
      [
        "relay: target deliveries",
        target
          ? Object.entries(target.deliveries)
              .map(([k, n]) => `${n} ${k}`)
              .join(", ")
          : "?",
      ],
      ["relay: target attempts", target?.attempts ?? "?"],
      ["relay log error lines", f.relayLogErrors],
    ],
  );
  console.log(
    `\n  lag can be negative: a delivery may reach the target before the 200 reaches the sender`,
  );
  if (f.cronFired > 0)
    console.log(
      `  the drain stalled and the cron watchdog was fired by hand ${f.cronFired} time(s)`,
    );
}

/** The pass criteria; an empty list is a pass. */
export function judge(f: ChaosFigures): string[] {
  const c = count(f);
  const problems: string[] = [];
  if (c.lost > 0) {
    const sample = [...f.acks.keys()].filter((id) => !f.target.receipts.has(id)).slice(0, 5);
    problems.push(
      `${c.lost} acknowledged events never reached the target (e.g. ${sample.join(", ")})`,
    );
  }
  if (f.target.invalidSignatures > 0)
    problems.push(`${f.target.invalidSignatures} deliveries had an invalid signature`);
  const gaveUp = f.load.errors + f.load.non2xx;
  if (gaveUp > 0)
    problems.push(
      `${gaveUp} callbacks were never acknowledged within ${f.options.senderPatienceSec} s of retrying`,
    );
  if (c.acknowledged === 0) problems.push("nothing was acknowledged");
  return problems;
}
