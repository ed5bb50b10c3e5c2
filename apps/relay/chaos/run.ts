/**
 * `pnpm test:chaos`: the relay under `wrangler dev` (persisted state) takes callbacks at a steady
 * rate from a sender that retries like Bandwidth, and forwards them to a flaky target
 * (chaos/target.ts); in the middle of the load the runtime is SIGKILLed and restarted on the same
 * state. Then the backlog drains, and the run checks that every acknowledged event reached the
 * target, correctly signed. See chaos/README.md for the pass criteria and the knobs.
 */
import { randomBytes } from "node:crypto";
import { callbackBodies, now, type PacedResult, runPaced } from "../bench/lib/load.ts";
import {
  appDir,
  removeWorkDir,
  startWrangler,
  type Wrangler,
  workDir,
} from "../bench/lib/processes.ts";
import { createTarget, fetchStats } from "../bench/lib/relay-api.ts";
import { BASIC_AUTH, RELAY_VARS } from "../bench/settings.ts";
import { type ChaosOptions, chaosOptions } from "./options.ts";
import { type ChaosFigures, judge, printReport } from "./report.ts";
import { startFlakyTarget } from "./target.ts";

const RELAY_PORT = 8800;
const INSPECTOR_PORT = 8801;
const TARGET_PORT = 8802;
/** A drain with no request at the target for this long is stalled: fire the cron watchdog. */
const STALL_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function relayOptions(o: ChaosOptions, restart: boolean) {
  return {
    name: "relay-chaos",
    cwd: appDir,
    port: RELAY_PORT,
    inspectorPort: INSPECTOR_PORT,
    vars: { ...RELAY_VARS, ALLOW_HTTP_TARGETS: "true", RETRY_BASE_MS: String(o.retryBaseMs) },
    reuseBundle: restart, // the same code and the same --persist-to state
  };
}

/** GET /cdn-cgi/local/scheduled: wrangler dev runs the Worker's `scheduled` handler (the cron). */
async function fireCron(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}/cdn-cgi/local/scheduled`, {
      signal: AbortSignal.timeout(10_000),
    });
    return `${res.status}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function main(): Promise<void> {
  const o = chaosOptions();
  console.log(
    `== chaos: ${o.rate} callbacks/s for ${o.durationSec} s, SIGKILL of the runtime at ${o.killAtSec} s, ` +
      `flaky target (seed ${o.seed}), drain up to ${o.drainCapSec} s ==`,
  );
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const target = await startFlakyTarget({
    port: TARGET_PORT,
    secret,
    seed: o.seed,
    faultCap: o.faultCap,
  });
  let relay: Wrangler = await startWrangler(relayOptions(o, false));
  const url = relay.url;
  await createTarget(url, {
    name: "chaos-target",
    url: target.url,
    secret,
    maxAttempts: o.maxAttempts,
    timeoutMs: o.timeoutMs,
  });

  const acks = new Map<string, number>();
  const t0 = now();
  const events: string[] = [];
  const log = (what: string) => {
    const line = `  t=${((now() - t0) / 1_000).toFixed(1)} s: ${what}`;
    events.push(line.trim());
    console.log(line);
  };
  log(`load starts (relay pid group ${relay.pid})`);

  const crash = (async () => {
    await sleep(o.killAtSec * 1_000);
    const pid = relay.pid;
    await relay.kill();
    log(`SIGKILL sent to wrangler dev's process group ${pid}`);
    const started = now();
    relay = await startWrangler(relayOptions(o, true));
    const restartMs = Math.round(now() - started);
    log(`restarted on the same state in ${restartMs} ms (pid group ${relay.pid})`);
    return restartMs;
  })().catch((err: unknown) => {
    console.error(
      `\nthe relay could not be restarted: ${err instanceof Error ? err.message : err}`,
    );
    console.error(`logs and state kept in ${workDir}`);
    process.exit(1); // the exit handlers stop the processes and the target
  });
  const load: PacedResult = await runPaced({
    url,
    headers: { authorization: BASIC_AUTH },
    rate: o.rate,
    durationSec: o.durationSec,
    connections: o.connections,
    retryForMs: o.senderPatienceSec * 1_000,
    nextBody: callbackBodies(`c${Date.now().toString(36)}`),
    onResponse: (status, body, _sentAt, at) => {
      if (status !== 200) return;
      for (const id of (JSON.parse(body) as { ids: string[] }).ids)
        if (!acks.has(id)) acks.set(id, at);
    },
  });
  const loadEnd = now();
  log(`load done: ${load.ok} of ${load.sent} requests acknowledged, ${load.retries} retries`);
  const restartMs = await crash; // with CHAOS_KILL_AT past the load, the kill comes now

  // Drain: until every acknowledged event got a 2xx at the target, or the cap (from now).
  const missing = () => [...acks.keys()].filter((id) => !target.receipts.has(id)).length;
  let drainMs: number | null = null;
  let cronFired = 0;
  let lastCron = 0;
  const drainStart = now();
  while (now() - drainStart < o.drainCapSec * 1_000) {
    const left = missing();
    if (left === 0) {
      drainMs = Math.round(now() - loadEnd);
      break;
    }
    const quietFor = now() - Math.max(target.lastRequestAt, lastCron);
    if (quietFor > STALL_MS) {
      lastCron = now();
      cronFired += 1;
      log(
        `drain stalled (${left} missing, no delivery for ${Math.round(quietFor / 1_000)} s): ` +
          `GET /cdn-cgi/local/scheduled -> ${await fireCron(url)}`,
      );
    }
    await sleep(250);
  }
  log(drainMs === null ? `drain cap reached, ${missing()} missing` : `drained in ${drainMs} ms`);

  const figures: ChaosFigures = {
    options: o,
    load,
    acks,
    target,
    t0,
    loadEnd,
    restartMs,
    drainMs,
    cronFired,
    relayStats: await fetchStats(url, 30_000),
    relayLogErrors: relay.errorLines().length,
    events,
  };
  printReport(figures);
  const failures = judge(figures);
  await relay.stop();
  if (failures.length > 0) {
    console.error(`\nFAIL:\n  ${failures.join("\n  ")}\nlogs and state kept in ${workDir}`);
    process.exitCode = 1;
  } else {
    console.log("\nPASS: nothing acknowledged was lost, every signature verified");
    removeWorkDir();
  }
  // The target may hold hung requests; the exit handlers close it and kill what is left.
  process.exit();
}

main().catch((err) => {
  console.error(`\nchaos run failed: ${err instanceof Error ? err.message : err}`);
  console.error(`logs kept in ${workDir}`);
  process.exit(1);
});
