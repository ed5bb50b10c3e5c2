/** `GET /healthz` probes: is the relay's isolate answering while something heavy runs? */
import { now } from "./load.ts";

const PROBE_EVERY_MS = 50;
const PROBE_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET /healthz every PROBE_EVERY_MS until `stop()`; the worst latency includes a stalled probe. */
export function probeHealth(url: string) {
  const stats = { probes: 0, failed: 0, maxMs: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = now();
      try {
        const res = await fetch(`${url}/healthz`, {
          signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        });
        await res.arrayBuffer();
        if (!res.ok) stats.failed += 1;
      } catch {
        stats.failed += 1;
      }
      stats.probes += 1;
      stats.maxMs = Math.max(stats.maxMs, Math.round(now() - start));
      await sleep(Math.max(0, start + PROBE_EVERY_MS - now()));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return stats;
    },
  };
}

/** Waits (at most 60 s) until /healthz answers fast again, so one shape's stall ends first. */
export async function waitHealthy(url: string): Promise<boolean> {
  const deadline = now() + 60_000;
  while (now() < deadline) {
    const start = now();
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok && now() - start < 500) return true;
    } catch {
      // busy or down
    }
    await sleep(250);
  }
  return false;
}
