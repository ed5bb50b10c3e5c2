/**
 * Attempt latencies seen on the live tail, per target: the p95 fallback for relays whose
 * /api/stats has no `latencyMs` (it only covers what arrived while the console was open).
 */
import type { TailMessage } from "./live.ts";

const WINDOW = 500;
const seen = new Map<string, number[]>();

export function recordLatency(message: TailMessage): void {
  if (!("delivery" in message)) return;
  const { targetId, durationMs } = message.delivery;
  const list = seen.get(targetId) ?? [];
  list.push(durationMs);
  if (list.length > WINDOW) list.shift();
  seen.set(targetId, list);
}

/** The 95th percentile (nearest rank) of what was seen, or null before any attempt. */
export function observedP95(targetId: string): { p95: number; samples: number } | null {
  const list = seen.get(targetId);
  if (!list || list.length === 0) return null;
  const sorted = [...list].sort((a, b) => a - b);
  const rank = Math.max(0, Math.ceil(0.95 * sorted.length) - 1);
  return { p95: sorted[rank] ?? 0, samples: sorted.length };
}
