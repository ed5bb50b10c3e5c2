import { Hono } from "hono";
import { configStub } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { forEachShard, shardEpochs } from "../epochs/live-shards.ts";
import { liveEpochs } from "../epochs/model.ts";
import { addBuckets, quantileBound } from "../shard/latency-buckets.ts";
import type { ShardStats } from "../shard/types.ts";
import type { Target } from "../targets/model.ts";

/** Every shard's stats, summed; and the targets, for names and states. */
export async function gatherStats(
  env: RelayEnv,
): Promise<{ shards: ShardStats[]; targets: Target[] }> {
  const [shards, targets] = await Promise.all([
    forEachShard(env, (s) => s.stats()),
    configStub(env).listTargets(),
  ]);
  return { shards, targets };
}

function sumInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

function minOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? Math.min(...present) : null;
}

export const stats = new Hono<{ Bindings: RelayEnv }>();

/** `GET /api/stats`: counts by status and type, per-target success rate and lag. */
stats.get("/", async (c) => {
  const { shards, targets } = await gatherStats(c.env);
  const now = Date.now();
  const byStatus: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const counters: Record<string, number> = {};
  for (const s of shards) {
    sumInto(byStatus, s.byStatus);
    sumInto(byType, s.byType);
    sumInto(counters, s.counters);
  }
  const oldest = minOrNull(shards.map((s) => s.oldestPendingReceivedAt));
  const perTarget = targets.map((t) => {
    const parts = shards.map((s) => s.targets[t.id]).filter((p) => p !== undefined);
    const sum = (
      key:
        | "pending"
        | "delivered"
        | "failed"
        | "dead"
        | "attempts"
        | "successfulAttempts"
        | "lagMsSum",
    ) => parts.reduce((acc, p) => acc + p[key], 0);
    const delivered = sum("delivered");
    const attempts = sum("attempts");
    const oldestPending = minOrNull(parts.map((p) => p.oldestPendingReceivedAt));
    const buckets = parts.reduce<number[]>((acc, p) => addBuckets(acc, p.latencyBuckets), []);
    return {
      id: t.id,
      name: t.name,
      state: t.state,
      stateReason: t.stateReason,
      deliveries: {
        pending: sum("pending"),
        delivered,
        failed: sum("failed"),
        dead: sum("dead"),
      },
      attempts,
      successRate: attempts === 0 ? null : sum("successfulAttempts") / attempts,
      lagMs: {
        avg: delivered === 0 ? null : Math.round(sum("lagMsSum") / delivered),
        // Nothing delivered: no lag to speak of, not a lag of 0.
        max: delivered === 0 ? null : parts.reduce((acc, p) => Math.max(acc, p.lagMsMax), 0),
      },
      oldestPendingAgeMs: oldestPending === null ? null : now - oldestPending,
      // Attempt durations: the upper bound of the bucket that holds the 50th and 95th percentile.
      latencyMs: {
        p50: quantileBound(buckets, 0.5),
        p95: quantileBound(buckets, 0.95),
      },
    };
  });
  return c.json({
    events: {
      total: Object.values(byStatus).reduce((a, b) => a + b, 0),
      byStatus,
      byType,
    },
    counters,
    pending: shards.reduce((acc, s) => acc + s.pending, 0),
    oldestPendingAgeMs: oldest === null ? null : now - oldest,
    targets: perTarget,
  });
});

/** `GET /metrics`: the same figures in Prometheus text format. */
export async function renderMetrics(env: RelayEnv): Promise<string> {
  const { shards, targets } = await gatherStats(env);
  const counters: Record<string, number> = {};
  for (const s of shards) sumInto(counters, s.counters);
  const n = (name: string) => counters[name] ?? 0;
  const oldest = minOrNull(shards.map((s) => s.oldestPendingReceivedAt));
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric("bw_relay_events_accepted_total", "counter", "Valid events stored.", [
    ["", n("accepted")],
  ]);
  metric(
    "bw_relay_events_duplicates_total",
    "counter",
    "Events received again (Bandwidth retries).",
    [["", n("duplicates")]],
  );
  metric(
    "bw_relay_events_quarantined_total",
    "counter",
    "Events stored as invalid, never forwarded.",
    [["", n("quarantined")]],
  );
  metric(
    "bw_relay_delivery_attempts_total",
    "counter",
    "Delivery attempts by outcome (retried: will be tried again).",
    ["delivered", "retried", "failed", "dead", "gone"].map((o) => [
      `{outcome="${o}"}`,
      n(`deliveries_${o}`),
    ]),
  );
  // Relay-wide figures and per-target ones are separate families, so sum() over a family
  // never counts a total twice (Prometheus naming: one meaning per metric name).
  metric("bw_relay_deliveries_pending", "gauge", "Deliveries not finished yet, all targets.", [
    ["", shards.reduce((acc, s) => acc + s.pending, 0)],
  ]);
  const now = Date.now();
  const age = (at: number | null) => (at === null ? 0 : (now - at) / 1000);
  metric(
    "bw_relay_oldest_pending_age_seconds",
    "gauge",
    "Age of the oldest event with a pending delivery, all targets.",
    [["", age(oldest)]],
  );
  const byTarget = targets.map((target) => ({
    target,
    parts: shards.map((s) => s.targets[target.id]).filter((p) => p !== undefined),
  }));
  metric(
    "bw_relay_target_deliveries_pending",
    "gauge",
    "Deliveries to one target not finished yet.",
    byTarget.map(({ target, parts }) => [
      labels(target),
      parts.reduce((acc, p) => acc + p.pending, 0),
    ]),
  );
  metric(
    "bw_relay_target_oldest_pending_age_seconds",
    "gauge",
    "Age of the oldest event with a delivery to one target pending.",
    byTarget.map(({ target, parts }) => [
      labels(target),
      age(minOrNull(parts.map((p) => p.oldestPendingReceivedAt))),
    ]),
  );
  metric("bw_relay_events_purged_total", "counter", "Events removed after retention.", [
    ["", n("purged")],
  ]);
  const live = liveEpochs(await shardEpochs(env));
  const current = live.at(-1);
  metric(
    "bw_relay_shards",
    "gauge",
    "Shards that may hold events: of the current epoch (new messages) and of closed ones still draining.",
    [
      ['{epoch_state="current"}', current?.shardCount ?? 0],
      ['{epoch_state="closed"}', live.slice(0, -1).reduce((acc, e) => acc + e.shardCount, 0)],
    ],
  );
  return `${lines.join("\n")}\n`;
}

/** Prometheus labels of a target: its id, and its name escaped as the text format wants. */
function labels(target: Target): string {
  const name = target.name.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return `{target="${target.id}",target_name="${name}"}`;
}
