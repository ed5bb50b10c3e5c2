/** `bw-relay stats`: what the relay holds and how each target is doing. */
import type { Command } from "commander";
import type { Stats } from "../api-types.ts";
import { type App, examples } from "../context.ts";
import { formatDuration } from "../time.ts";

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "none";

const ms = (n: number | null) => (n === null ? null : formatDuration(n));

export function registerStats(program: Command, app: App): void {
  const stats = program
    .command("stats")
    .description("events by status and type, and per-target delivery figures");
  examples(stats, ["stats", "stats --json | jq '.targets[] | {name, successRate}'"]).action(
    async (_o, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const s = await ctx.api().get<Stats>("/api/stats");
      if (ctx.out.json) return ctx.out.data(s);
      const { out } = ctx;
      out.pairs([
        ["events", `${s.events.total} stored (${counts(s.events.byStatus)})`],
        ["by type", counts(s.events.byType)],
        ["since start", counts(s.counters)],
        [
          "pending",
          `${s.pending} deliver${s.pending === 1 ? "y" : "ies"}${s.oldestPendingAgeMs === null ? "" : `, oldest ${formatDuration(s.oldestPendingAgeMs)}`}`,
        ],
      ]);
      out.line();
      if (s.targets.length === 0) return out.line("no targets");
      out.table(
        [
          "TARGET",
          "STATE",
          "PENDING",
          "DELIVERED",
          "FAILED",
          "DEAD",
          "ATTEMPTS",
          "SUCCESS",
          "LAG AVG",
          "LAG MAX",
          "OLDEST PENDING",
        ],
        s.targets.map((t) => [
          t.name,
          out.status(t.state),
          t.deliveries.pending,
          t.deliveries.delivered,
          t.deliveries.failed,
          t.deliveries.dead,
          t.attempts,
          t.successRate === null ? null : `${(t.successRate * 100).toFixed(1)}%`,
          ms(t.lagMs.avg),
          ms(t.lagMs.max),
          ms(t.oldestPendingAgeMs),
        ]),
        [2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
    },
  );
}
