/**
 * Worst-case inputs (`BENCH_ONLY=worst`, `pnpm bench:worst`): the relay under `wrangler dev`
 * gets one authenticated body of each hostile shape (bench/lib/worst-shapes.ts), one at a time.
 * For each: the answer's status and time, the worst `GET /healthz` latency while the request
 * was in flight (probed every 50 ms), and `GET /api/events/<id>` of the ids it returned.
 * Goals per shape: answered in under 2 s, no 5xx (nor a timeout), /healthz never over 2 s,
 * every returned id readable (200) in under 2 s.
 */
import { probeHealth, waitHealthy } from "./lib/health.ts";
import { now } from "./lib/load.ts";
import { appDir, startWrangler, type Wrangler } from "./lib/processes.ts";
import { percentile, printTable, round } from "./lib/report.ts";
import { worstShapes } from "./lib/worst-shapes.ts";
import { ADMIN_HEADERS, BASIC_AUTH, RELAY_VARS } from "./settings.ts";

const MAX_BODY_BYTES = 1_048_576; // the relay's default, set explicitly below
const GOAL_MS = 2_000;

export interface WorstCaseOptions {
  /** Only these shapes (names); all when empty. */
  shapes: string[];
  /** How long to wait for one answer. */
  timeoutSec: number;
  /** GET at most this many of a shape's returned ids (evenly spaced). */
  maxGets: number;
}

export interface ShapeResult {
  name: string;
  what: string;
  bytes: number;
  /** null: no answer (timeout or connection error, in `error`). */
  status: number | null;
  error: string | null;
  ms: number;
  answer: { accepted: number; duplicates: number; quarantined: number; ids: number } | null;
  healthz: { probes: number; failed: number; maxMs: number };
  gets: {
    distinctIds: number;
    checked: number;
    statuses: Record<string, number>;
    p50Ms: number | null;
    maxMs: number | null;
    /** The first id's event: its status, and its first validation issue when quarantined. */
    first: string | null;
  };
  /** Lines of the relay's log that reported an error while this shape ran. */
  logErrors: string[];
  misses: string[];
}

export interface WorstCaseResult {
  options: WorstCaseOptions & { maxBodyBytes: number; goalMs: number };
  shapes: ShapeResult[];
  problems: string[];
}

async function checkIds(url: string, ids: string[], max: number): Promise<ShapeResult["gets"]> {
  const distinct = [...new Set(ids)];
  const sample =
    distinct.length <= max
      ? distinct
      : Array.from(
          { length: max },
          (_, k) => distinct[Math.floor((k * distinct.length) / max)] ?? "",
        );
  const statuses: Record<string, number> = {};
  const times: number[] = [];
  let first: string | null = null;
  let next = 0;
  const worker = async () => {
    while (next < sample.length) {
      const id = sample[next++] as string;
      const start = now();
      let status = "error";
      try {
        const res = await fetch(`${url}/api/events/${encodeURIComponent(id)}`, {
          headers: ADMIN_HEADERS,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        status = String(res.status);
        if (id === sample[0]) first = describeEvent(res.status, text);
      } catch (err) {
        status = err instanceof Error && err.name === "TimeoutError" ? "timeout" : "error";
      }
      times.push(now() - start);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  times.sort((a, b) => a - b);
  return {
    distinctIds: distinct.length,
    checked: sample.length,
    statuses,
    p50Ms: round(percentile(times, 50), 0),
    maxMs: round(times.at(-1) ?? null, 0),
    first,
  };
}

/** "pending", or "quarantined: <first issue>", from a `GET /api/events/:id` answer. */
function describeEvent(status: number, text: string): string {
  if (status !== 200) return `GET ${status}`;
  try {
    const { event } = JSON.parse(text) as { event: { status: string; issues?: unknown } };
    const issues = Array.isArray(event.issues) ? (event.issues as unknown[]) : [];
    const issue = issues[0] as { message?: unknown } | undefined;
    if (!issue) return event.status;
    return `${event.status}: ${typeof issue.message === "string" ? issue.message : JSON.stringify(issue)}`;
  } catch {
    return "unreadable detail";
  }
}

async function runShape(
  relay: Wrangler,
  shape: { name: string; what: string; body: string },
  opts: WorstCaseOptions,
): Promise<ShapeResult> {
  const errorsBefore = relay.errorLines().length;
  const probe = probeHealth(relay.url);
  const start = now();
  let status: number | null = null;
  let error: string | null = null;
  let text = "";
  try {
    const res = await fetch(`${relay.url}/callbacks`, {
      method: "POST",
      headers: { authorization: BASIC_AUTH, "content-type": "application/json" },
      body: shape.body,
      signal: AbortSignal.timeout(opts.timeoutSec * 1_000),
    });
    text = await res.text();
    status = res.status;
  } catch (err) {
    error =
      err instanceof Error && err.name === "TimeoutError"
        ? `no answer in ${opts.timeoutSec} s`
        : String(err);
  }
  const ms = Math.round(now() - start);
  const healthz = await probe.stop();
  let answer: ShapeResult["answer"] = null;
  let ids: string[] = [];
  if (status === 200) {
    const parsed = JSON.parse(text) as {
      accepted: number;
      duplicates: number;
      quarantined: number;
      ids: string[];
    };
    ids = parsed.ids;
    answer = {
      accepted: parsed.accepted,
      duplicates: parsed.duplicates,
      quarantined: parsed.quarantined,
      ids: ids.length,
    };
  } else if (status !== null) {
    error = text.slice(0, 200);
  }
  const gets = await checkIds(relay.url, ids, opts.maxGets);
  const misses: string[] = [];
  if (status === null) misses.push(error ?? "no answer");
  else if (status >= 500) misses.push(`answered ${status}`);
  if (ms >= GOAL_MS) misses.push(`answer took ${ms} ms`);
  if (healthz.maxMs >= GOAL_MS) misses.push(`/healthz stalled ${healthz.maxMs} ms`);
  if (healthz.failed > 0) misses.push(`${healthz.failed} /healthz probes failed`);
  const badGets = Object.entries(gets.statuses).filter(([s]) => s !== "200");
  if (badGets.length > 0)
    misses.push(`GET /api/events/:id ${badGets.map(([s, n]) => `${n}x ${s}`).join(", ")}`);
  if ((gets.maxMs ?? 0) >= GOAL_MS) misses.push(`GET /api/events/:id took ${gets.maxMs} ms`);
  return {
    name: shape.name,
    what: shape.what,
    bytes: shape.body.length,
    status,
    error,
    ms,
    answer,
    healthz,
    gets,
    logErrors: relay.errorLines().slice(errorsBefore, errorsBefore + 5),
    misses,
  };
}

export async function runWorstCaseBench(opts: WorstCaseOptions): Promise<WorstCaseResult> {
  const all = worstShapes(MAX_BODY_BYTES, Date.now().toString(36));
  const unknown = opts.shapes.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new Error(
      `unknown shapes: ${unknown.join(", ")}; known: ${all.map((s) => s.name).join(", ")}`,
    );
  const shapes = opts.shapes.length > 0 ? all.filter((s) => opts.shapes.includes(s.name)) : all;
  console.log(
    `\n== worst case: ${shapes.length} hostile bodies, MAX_BODY_BYTES=${MAX_BODY_BYTES}, goal < ${GOAL_MS} ms ==`,
  );
  const relay = await startWrangler({
    name: "relay-worst",
    cwd: appDir,
    port: 8797,
    inspectorPort: 8798,
    vars: { ...RELAY_VARS, MAX_BODY_BYTES: String(MAX_BODY_BYTES) },
  });
  const results: ShapeResult[] = [];
  try {
    for (const shape of shapes) {
      if (!(await waitHealthy(relay.url)))
        console.log("  (the relay was still slow to answer /healthz after 60 s)");
      const r = await runShape(relay, shape, opts);
      results.push(r);
      console.log(
        `  ${r.name}: ${r.status ?? r.error} in ${r.ms} ms, healthz max ${r.healthz.maxMs} ms${r.misses.length ? ` - MISS: ${r.misses.join("; ")}` : ""}`,
      );
    }
  } finally {
    await relay.stop();
  }
  report(results);
  const problems = results
    .filter((r) => r.misses.length > 0)
    .map((r) => `worst case ${r.name}: ${r.misses.join("; ")}`);
  return {
    options: { ...opts, maxBodyBytes: MAX_BODY_BYTES, goalMs: GOAL_MS },
    shapes: results,
    problems,
  };
}

function report(results: ShapeResult[]): void {
  printTable(
    `Worst-case bodies (goal: answer < ${GOAL_MS} ms, no 5xx, /healthz < ${GOAL_MS} ms, ids readable)`,
    [
      "shape",
      "bytes",
      "status",
      "answer ms",
      "acc/dup/quar",
      "healthz max ms",
      "GET ids (checked of)",
      "GET max ms",
      "result",
    ],
    results.map((r) => [
      r.name,
      r.bytes,
      r.status ?? "none",
      r.ms,
      r.answer ? `${r.answer.accepted}/${r.answer.duplicates}/${r.answer.quarantined}` : null,
      r.healthz.failed > 0 ? `${r.healthz.maxMs} (${r.healthz.failed} failed)` : r.healthz.maxMs,
      r.gets.checked === 0
        ? null
        : `${Object.entries(r.gets.statuses)
            .map(([s, n]) => `${n}x${s}`)
            .join(" ")} (${r.gets.checked} of ${r.gets.distinctIds})`,
      r.gets.maxMs,
      r.misses.length === 0 ? "ok" : "MISS",
    ]),
  );
  console.log("\nShapes:");
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    const outcome = r.gets.first ? ` -> ${r.gets.first.slice(0, 110)}` : "";
    console.log(`  ${r.name.padEnd(width)} ${r.what}${outcome}`);
  }
  const failed = results.filter((r) => r.misses.length > 0);
  if (failed.length > 0) {
    console.log("\nMissed goals:");
    for (const r of failed) {
      console.log(`  ${r.name}: ${r.misses.join("; ")}${r.error ? ` (answer: ${r.error})` : ""}`);
      for (const line of r.logErrors.slice(0, 2)) console.log(`      log: ${line.slice(0, 200)}`);
    }
  }
}
