/**
 * CPU used by a `wrangler dev` (its process group: wrangler, workerd) while a load runs, read
 * from Linux's /proc: in all, and by its busiest thread. workerd runs a Worker and all its
 * Durable Objects on one thread, so a busiest thread near 1 core means that thread, not the
 * machine, is what limits the run.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface CpuUse {
  /** CPU seconds per second of the whole process group. */
  cores: number;
  /** The thread that used the most, as `comm` and CPU seconds per second. */
  busiest: { thread: string; cores: number };
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Runs `work` and reports what the process group `pgid` used meanwhile (null off Linux). */
export async function measureCpu<T>(
  pgid: number,
  work: () => Promise<T>,
): Promise<{ value: T; cpu: CpuUse | null }> {
  const before = threadTicks(pgid);
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  const after = threadTicks(pgid);
  if (!before || !after || seconds <= 0) return { value, cpu: null };
  let total = 0;
  let busiest = { thread: "", cores: 0 };
  for (const [id, { comm, ticks }] of after) {
    const used = (ticks - (before.get(id)?.ticks ?? 0)) / ticksPerSecond / seconds;
    total += used;
    if (used > busiest.cores) busiest = { thread: comm, cores: used };
  }
  return { value, cpu: { cores: total, busiest } };
}

/** utime + stime of every thread of the processes in group `pgid`, by `pid/tid`. */
function threadTicks(pgid: number): Map<string, { comm: string; ticks: number }> | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const result = new Map<string, { comm: string; ticks: number }>();
  for (const pid of pids) {
    const process = parseStat(`/proc/${pid}/stat`);
    if (!process || process.pgrp !== pgid) continue;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone meanwhile
    }
    for (const tid of tids) {
      const thread = parseStat(`/proc/${pid}/task/${tid}/stat`);
      if (thread) result.set(`${pid}/${tid}`, { comm: thread.comm, ticks: thread.ticks });
    }
  }
  return result;
}

/** The fields of a /proc stat line this needs; `comm` may hold spaces and parentheses. */
function parseStat(path: string): { comm: string; pgrp: number; ticks: number } | null {
  let line: string;
  try {
    line = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  // After "comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  const fields = line.slice(close + 2).split(" ");
  return {
    comm: line.slice(open + 1, close),
    pgrp: Number(fields[2]),
    ticks: Number(fields[11]) + Number(fields[12]),
  };
}
