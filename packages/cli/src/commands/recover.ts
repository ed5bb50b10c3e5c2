/** `bw-relay recover TARGET`: re-queue a target's failed and dead deliveries over a time window. */
import type { EventsQuery } from "@bw-relay/api";
import { SingleBar } from "cli-progress";
import { type Command, Option } from "commander";
import type { EventList, Stats } from "../api-types.ts";
import type { ApiClient } from "../client.ts";
import { type App, type Ctx, examples, intOption } from "../context.ts";
import { CliError, EXIT } from "../errors.ts";
import { confirm } from "../prompt.ts";
import { resolveTarget } from "../resolve.ts";
import { formatTime, parseTime } from "../time.ts";

/** At most this many events are recovered in one run (100 pages of 500); `--max` lowers it. */
export const MAX_RECOVER = 50_000;
const PAGE = 500;
const CONCURRENCY = 4;

type Status = "failed" | "dead";

interface RecoverFlags {
  status: Status | "both";
  since?: string;
  until?: string;
  max?: number;
  yes?: boolean;
  dryRun?: boolean;
}

export interface Matched {
  ids: string[];
  /** Stopped at `max` while more may match (another page, or a status not asked yet). */
  capped: boolean;
  /** Shards that could not be read: their events are missing from `ids`. */
  failedShards: string[];
}

/**
 * Ids of the events with a delivery in one of `statuses`, per `query` (the target and window),
 * newest first, at most `max`; `capped` when more match.
 */
export async function matching(
  api: Pick<ApiClient, "get">,
  query: EventsQuery,
  statuses: Status[],
  max: number,
): Promise<Matched> {
  const ids = new Set<string>();
  const failedShards = new Set<string>();
  const done = (capped: boolean) => ({ ids: [...ids], capped, failedShards: [...failedShards] });
  for (const deliveryStatus of statuses) {
    let cursor: string | undefined;
    do {
      // Once full, a page of one tells whether the cap leaves anything out.
      const limit = Math.max(1, Math.min(PAGE, max - ids.size));
      const page: EventsQuery = { ...query, deliveryStatus, limit, cursor };
      const answer = await api.get<EventList>("/api/events", page);
      for (const name of answer.failedShards) failedShards.add(name);
      for (const e of answer.events) {
        if (ids.has(e.id)) continue;
        if (ids.size >= max) return done(true);
        ids.add(e.id);
      }
      cursor = answer.nextCursor ?? undefined;
    } while (cursor);
  }
  return done(false);
}

/** How many of the target's deliveries in `statuses` a capped run left (at any time). */
async function remaining(api: ApiClient, targetId: string, statuses: Status[], matched: number) {
  const stats = await api.get<Stats>("/api/stats");
  const t = stats.targets.find((x) => x.id === targetId);
  if (!t) return null;
  return Math.max(0, statuses.reduce((n, s) => n + t.deliveries[s], 0) - matched);
}

const plural = (n: number) => `deliver${n === 1 ? "y" : "ies"}`;

async function recover(ctx: Ctx, ref: string, flags: RecoverFlags): Promise<void> {
  const api = ctx.api();
  const { out } = ctx;
  const target = await resolveTarget(api, ref);
  const now = Date.now();
  const since = flags.since ? new Date(parseTime(flags.since, now)).toISOString() : undefined;
  const until = flags.until ? new Date(parseTime(flags.until, now)).toISOString() : undefined;
  const statuses: Status[] = flags.status === "both" ? ["failed", "dead"] : [flags.status];
  const max = flags.max ?? MAX_RECOVER;
  const { ids, capped, failedShards } = await matching(
    api,
    { targetId: target.id, since, until },
    statuses,
    max,
  );
  const left = capped ? await remaining(api, target.id, statuses, ids.length) : null;
  const window = `${since ? `since ${formatTime(since)}` : "at any time"}${until ? ` until ${formatTime(until)}` : ""}`;
  const summary = {
    target: { id: target.id, name: target.name },
    statuses,
    since: since ?? null,
    until: until ?? null,
    matched: ids.length,
    capped,
    remaining: left,
    failedShards,
  };
  if (!out.json) {
    out.line(
      `${ids.length} ${statuses.join(" or ")} ${plural(ids.length)} to ${target.name}, received ${window}`,
    );
    if (failedShards.length > 0)
      out.warn(
        `partial: shard(s) ${failedShards.join(", ")} could not be read; their deliveries are not counted, run recover again to reach them`,
      );
    // Never stop at the cap silently: say what is left and how to get to it.
    if (capped) {
      const more =
        left === null
          ? "more may be left"
          : `${since || until ? "up to " : ""}${left} more ${statuses.join(" or ")} ${plural(left)} to ${target.name} ${left === 1 ? "is" : "are"} left${since || until ? " (counted at any time, not only in the window)" : ""}`;
      out.warn(
        `stopped at ${max} (${flags.max === undefined ? "the most one run takes" : "--max"}): ${more}; run recover again once these are re-queued`,
      );
    }
  }
  if (ids.length === 0 || flags.dryRun) {
    if (out.json) out.data({ ...summary, queued: 0, failed: [], dryRun: Boolean(flags.dryRun) });
    return;
  }
  await confirm(ctx.io, `Re-queue ${ids.length} deliveries to ${target.name}?`, flags.yes);

  const bar =
    !out.json && ctx.io.stderr.isTTY
      ? new SingleBar({
          stream: ctx.io.stderr as NodeJS.WritableStream,
          format: "recovering {bar} {value}/{total}  eta {eta_formatted}",
          hideCursor: true,
        })
      : null;
  bar?.start(ids.length, 0);
  let queued = 0;
  const failed: { eventId: string; error: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length && !ctx.signal.aborted) {
      const id = ids[next++] as string;
      try {
        // Read the answer first: `queued += await …` would add to a stale total.
        const answer = await api.post<{ queued: number }>(`/api/events/${id}/replay`, {
          targetId: target.id,
        });
        queued += answer.queued;
      } catch (err) {
        // An unreachable relay stops the run; a refused event (purged meanwhile) is reported.
        if (err instanceof CliError && err.exitCode === EXIT.UNREACHABLE) throw err;
        failed.push({ eventId: id, error: (err as Error).message });
      }
      bar?.increment();
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    bar?.stop();
  }
  if (failed.length > 0) ctx.setExit(EXIT.FAILURE);
  if (ctx.signal.aborted) ctx.setExit(EXIT.INTERRUPTED);
  if (out.json) return out.data({ ...summary, queued, failed, dryRun: false });
  out.line(
    `re-queued ${queued} ${plural(queued)} to ${target.name}${failed.length ? `; ${failed.length} could not be:` : ""}`,
  );
  for (const f of failed.slice(0, 20)) out.line(`  ${f.eventId}: ${f.error}`);
  out.line(
    out.c.dim(`watch them: bw-relay events list --target ${target.name} --delivery-status pending`),
  );
}

export function registerRecover(program: Command, app: App): void {
  const recoverCmd = program
    .command("recover")
    .argument("<target>", "name or id")
    .addOption(
      new Option("--status <status>", "which deliveries")
        .choices(["failed", "dead", "both"])
        .default("both"),
    )
    .option(
      "--since <time>",
      "events received at or after: 30m, 2h, 1d, an ISO date-time or unix ms",
    )
    .option("--until <time>", "events received at or before (same forms)")
    .option(
      "--max <n>",
      `re-queue at most this many, the newest first (default and most: ${MAX_RECOVER}); a warning says how many are left`,
      intOption("--max", 1, MAX_RECOVER),
    )
    .option("--dry-run", "only count them")
    .option("-y, --yes", "do not ask before re-queueing")
    .description(
      "re-queue a target's failed and dead deliveries over a time window, after showing the count",
    );
  examples(recoverCmd, [
    "recover my-app --since 6h --dry-run",
    "recover my-app --since 6h --yes",
    "recover my-app --status dead --since 2026-11-30T08:00Z --until 2026-11-30T12:00Z --yes",
    "recover my-app --max 1000 --yes          # in batches: run again for the next ones",
  ]).action(async (ref: string, flags: RecoverFlags, cmd: Command) =>
    recover(app.ctx(cmd), ref, flags),
  );
}
