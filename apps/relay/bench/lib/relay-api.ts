/** The admin API calls the benchmarks and the chaos run make (bearer token of settings.ts). */
import { ADMIN_HEADERS } from "../settings.ts";

/** What `GET /api/stats` answers, as far as the runs read it. */
export interface RelayStats {
  pending: number;
  events: { total: number; byStatus: Record<string, number> };
  counters: Record<string, number>;
  targets: { id: string; deliveries: Record<string, number>; attempts: number }[];
}

/** `POST /api/targets`; returns the new target's id and its signing secret (shown once). */
export async function createTarget(
  relayUrl: string,
  input: Record<string, unknown>,
): Promise<{ id: string; secret: string }> {
  const res = await fetch(`${relayUrl}/api/targets`, {
    method: "POST",
    headers: ADMIN_HEADERS,
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201) {
    throw new Error(`POST /api/targets answered ${res.status}: ${await res.text()}`);
  }
  const body = (await res.json()) as { target: { id: string }; secret: string };
  return { id: body.target.id, secret: body.secret };
}

/** `GET /api/stats`, or null when it fails or takes longer than `timeoutMs`. */
export async function fetchStats(relayUrl: string, timeoutMs = 5_000): Promise<RelayStats | null> {
  try {
    const res = await fetch(`${relayUrl}/api/stats`, {
      headers: ADMIN_HEADERS,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok ? ((await res.json()) as RelayStats) : null;
  } catch {
    return null;
  }
}

/** Waits (60 s at most) for the relay to have no pending delivery; then counts what arrived. */
export async function drain(
  relayUrl: string,
  received: () => number,
): Promise<{ received: number; drainSec: number | null }> {
  const start = performance.now();
  while (performance.now() - start < 60_000) {
    const stats = await fetchStats(relayUrl);
    if (stats?.pending === 0) {
      return { received: received(), drainSec: (performance.now() - start) / 1000 };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { received: received(), drainSec: null };
}
