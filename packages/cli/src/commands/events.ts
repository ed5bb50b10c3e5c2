/** `bw-relay events list [filters] [--follow]` and `bw-relay events show ID`. */
import type { EventsQuery } from "@bw-relay/api";
import { type Command, Option } from "commander";
import type { EventSummary } from "../api-types.ts";
import type { ApiClient } from "../client.ts";
import { type App, type Ctx, examples, intOption } from "../context.ts";
import { readEventPages } from "../event-pages.ts";
import { targetId } from "../resolve.ts";
import { durationOption, formatTime, parseTime } from "../time.ts";
import { showEvent } from "./event-show.ts";
import { follow, type ListFlags } from "./follow.ts";

/** The most pages `--all` follows (500 events each), so a huge relay cannot run it forever. */
const MAX_PAGES = 20;

/** The query of GET /api/events from the flags (names and human times resolved). */
export async function eventQuery(api: ApiClient, f: ListFlags): Promise<EventsQuery> {
  // Every other flag is a filter of EventsQuery under its own name (ListFlags derives from it).
  const {
    target,
    since,
    until,
    limit,
    cursor,
    all,
    follow: _follow,
    interval,
    max,
    for: _for,
    ...filters
  } = f;
  const now = Date.now();
  return {
    ...filters,
    targetId: await targetId(api, target),
    since: since === undefined ? undefined : new Date(parseTime(since, now)).toISOString(),
    until: until === undefined ? undefined : new Date(parseTime(until, now)).toISOString(),
  };
}

export function printEvents(ctx: Ctx, events: EventSummary[]): void {
  const { out } = ctx;
  out.table(
    ["RECEIVED", "ID", "TYPE", "DIR", "OWNER", "MESSAGE", "STATUS", "DELIVERIES"],
    events.map((e) => [
      formatTime(e.receivedAt),
      e.id,
      e.type ?? "(invalid)",
      e.direction,
      e.owner,
      e.messageId,
      out.status(e.status),
      e.deliveries.map((d) => `${d.targetName ?? d.targetId}:${d.status}`).join(" ") || null,
    ]),
  );
}

async function list(ctx: Ctx, flags: ListFlags): Promise<void> {
  const api = ctx.api();
  const query = await eventQuery(api, flags);
  if (flags.follow) return follow(ctx, query, flags);
  const { events, failedShards, nextCursor } = await readEventPages(
    api,
    { ...query, limit: flags.limit ?? 50, cursor: flags.cursor },
    flags.all ? MAX_PAGES : 1,
  );
  if (ctx.out.json) return ctx.out.data({ events, nextCursor, failedShards });
  // A shard that could not be read leaves its events out: say so rather than show a quiet gap.
  if (failedShards.length > 0) {
    ctx.out.warn(
      `partial: shard(s) ${failedShards.join(", ")} could not be read; their events are missing, retry to see them`,
    );
  }
  if (events.length === 0) return ctx.out.line("no events match");
  printEvents(ctx, events);
  if (nextCursor) {
    ctx.out.line(ctx.out.c.dim(`more: add --cursor ${nextCursor} (or --all)`));
  }
}

export function registerEvents(program: Command, app: App): void {
  const events = program
    .command("events")
    .description("recent events, their deliveries and attempts");
  examples(events, ["events list --since 2h", "events show evt_889ce9ac63aaf35593c94ae2813c53cb"]);

  const listCmd = events
    .command("list")
    .alias("ls")
    .description("recent events, newest first; every filter of GET /api/events")
    .option("--type <type>", "event type (message-received, message-failed, …)")
    .addOption(new Option("--direction <dir>", "message direction").choices(["in", "out"]))
    .option("--owner <number>", "message.owner")
    .option("--message-id <id>", "message.id (all the callbacks of one message)")
    .option("--application-id <id>", "message.applicationId")
    .option("--from <number>", "message.from")
    .option("--to <number>", "a recipient")
    .option("--tag <tag>", "message.tag")
    .option("--error-code <code>", "a message-failed error code (e.g. 4432)")
    .option("--text <text>", "message.text contains it (any case)")
    .addOption(
      new Option(
        "--status <status>",
        "the event's status (with --target: that delivery's)",
      ).choices(["quarantined", "stored", "pending", "delivered", "failed", "dead"]),
    )
    .addOption(
      new Option("--delivery-status <status>", "events with a delivery in this status").choices([
        "pending",
        "delivered",
        "failed",
        "dead",
      ]),
    )
    .option("--target <target>", "events with a delivery to this target (name or id)")
    .option("--since <time>", "received at or after: 30m, 2h, 1d, an ISO date-time or unix ms")
    .option("--until <time>", "received at or before (same forms)")
    .option("--limit <n>", "events per page (1-500, default 50)", intOption("--limit", 1, 500))
    .option("--cursor <cursor>", "the next page (printed under a full page)")
    .option("--all", `follow the pages (at most ${MAX_PAGES})`)
    .option("-f, --follow", "keep polling and print new events as they arrive")
    .option(
      "--interval <time>",
      "with --follow: how often to poll (default 2s)",
      durationOption("--interval"),
    )
    .option(
      "--max <n>",
      "with --follow: stop after this many new events",
      intOption("--max", 1, 1_000_000),
    )
    .option("--for <time>", "with --follow: stop after this long", durationOption("--for"));
  examples(listCmd, [
    "events list",
    "events list --since 2h --type message-failed",
    "events list --target my-app --delivery-status dead",
    "events list --from +15551234567 --text invoice --json",
    "events list --follow --type message-received",
  ]).action(async (flags: ListFlags, cmd: Command) => list(app.ctx(cmd), flags));

  const show = events
    .command("show")
    .argument("<id>", "an event id (evt_…)")
    .description("one event: raw and normalized side by side, what changed, issues, every attempt")
    .option("--raw", "print only the event as received (JSON)")
    .option("--normalized", "print only the event as forwarded (JSON)");
  examples(show, [
    "events show evt_889ce9ac63aaf35593c94ae2813c53cb",
    "events show evt_… --normalized | jq .message",
  ]).action(async (id: string, flags: { raw?: boolean; normalized?: boolean }, cmd: Command) =>
    showEvent(app.ctx(cmd), id, flags),
  );
}
