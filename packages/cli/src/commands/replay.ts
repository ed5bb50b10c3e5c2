/** `bw-relay replay ID [--target T]` and `bw-relay recover TARGET` (re-queue over a time window). */
import { SingleBar } from "cli-progress";
import { type Command, Option } from "commander";
import type { EventList } from "../api-types.ts";
import type { ApiClient } from "../client.ts";
import { type App, type Ctx, examples } from "../context.ts";
import { CliError, EXIT } from "../errors.ts";
import { confirm } from "../prompt.ts";
import { resolveTarget } from "../resolve.ts";
import { formatTime, parseTime } from "../time.ts";

/** At most this many events are recovered in one run (100 pages of 500). */
const MAX_RECOVER = 50_000;
const CONCURRENCY = 4;

interface RecoverFlags {
  status: "failed" | "dead" | "both";
  since?: string;
  until?: string;
  yes?: boolean;
  dryRun?: boolean;
}

async function replay(ctx: Ctx, id: string, flags: { target?: string }): Promise<void> {
  const api = ctx.api();
  const target = flags.target ? await resolveTarget(api, flags.target) : undefined;
  const body = target ? { targetId: target.id } : {};
  const { queued } = await api.post<{ queued: number }>(
    `/api/events/${encodeURIComponent(id)}/replay`,
    body,
  );
  if (ctx.out.json)
    return ctx.out.data({
      eventId: id,
      target: target ? { id: target.id, name: target.name } : null,
      queued,
    });
  ctx.out.line(
    `queued ${queued} deliver${queued === 1 ? "y" : "ies"} of ${id}${target ? ` to ${target.name}` : ""}`,
  );
  ctx.out.line(ctx.out.c.dim(`watch it: bw-relay events show ${id}`));
}

/** Ids of the events with a delivery to `targetId` in one of `statuses`, within the window. */
async function matching(
  api: ApiClient,
  targetId: string,
  statuses: string[],
  since?: string,
  until?: string,
) {
  const ids = new Set<string>();
  for (const deliveryStatus of statuses) {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_RECOVER / 500; page++) {
      const answer = await api.get<EventList>("/api/events", {
        targetId,
        deliveryStatus,
        since,
        until,
        limit: 500,
        cursor,
      });
      for (const e of answer.events) ids.add(e.id);
      if (!answer.nextCursor || ids.size >= MAX_RECOVER) break;
      cursor = answer.nextCursor;
    }
  }
  return [...ids];
}

async function recover(ctx: Ctx, ref: string, flags: RecoverFlags): Promise<void> {
  const api = ctx.api();
  const { out } = ctx;
  const target = await resolveTarget(api, ref);
  const now = Date.now();
  const since = flags.since ? new Date(parseTime(flags.since, now)).toISOString() : undefined;
  const until = flags.until ? new Date(parseTime(flags.until, now)).toISOString() : undefined;
  const statuses = flags.status === "both" ? ["failed", "dead"] : [flags.status];
  const ids = await matching(api, target.id, statuses, since, until);
  const window = `${since ? `since ${formatTime(since)}` : "at any time"}${until ? ` until ${formatTime(until)}` : ""}`;
  const summary = {
    target: { id: target.id, name: target.name },
    statuses,
    since: since ?? null,
    until: until ?? null,
  };
  if (!out.json)
    out.line(
      `${ids.length} ${statuses.join(" or ")} deliver${ids.length === 1 ? "y" : "ies"} to ${target.name}, received ${window}`,
    );
  if (ids.length === 0 || flags.dryRun) {
    if (out.json)
      out.data({
        ...summary,
        matched: ids.length,
        queued: 0,
        failed: [],
        dryRun: Boolean(flags.dryRun),
      });
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
  if (out.json) return out.data({ ...summary, matched: ids.length, queued, failed, dryRun: false });
  out.line(
    `re-queued ${queued} deliver${queued === 1 ? "y" : "ies"} to ${target.name}${failed.length ? `; ${failed.length} could not be:` : ""}`,
  );
  for (const f of failed.slice(0, 20)) out.line(`  ${f.eventId}: ${f.error}`);
  out.line(
    out.c.dim(`watch them: bw-relay events list --target ${target.name} --delivery-status pending`),
  );
}

export function registerReplay(program: Command, app: App): void {
  const replayCmd = program
    .command("replay")
    .argument("<id>", "an event id (evt_…)")
    .option(
      "--target <target>",
      "only to this target (name or id), even if its filters would not match",
    )
    .description("deliver an event again (a fresh attempt budget)");
  examples(replayCmd, [
    "replay evt_889ce9ac63aaf35593c94ae2813c53cb",
    "replay evt_889ce9ac63aaf35593c94ae2813c53cb --target my-app",
  ]).action(async (id: string, flags: { target?: string }, cmd: Command) =>
    replay(app.ctx(cmd), id, flags),
  );

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
    .option("--dry-run", "only count them")
    .option("-y, --yes", "do not ask before re-queueing")
    .description(
      "re-queue a target's failed and dead deliveries over a time window, after showing the count",
    );
  examples(recoverCmd, [
    "recover my-app --since 6h --dry-run",
    "recover my-app --since 6h --yes",
    "recover my-app --status dead --since 2026-11-30T08:00Z --until 2026-11-30T12:00Z --yes",
  ]).action(async (ref: string, flags: RecoverFlags, cmd: Command) =>
    recover(app.ctx(cmd), ref, flags),
  );
}
