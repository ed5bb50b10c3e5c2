/**
 * `events list --follow`: polls GET /api/events and prints each new event once, oldest first.
 * Each poll looks back a few seconds before the newest event seen, because events stored by
 * different shards can become visible slightly out of order; ids already printed are skipped.
 */
import type { EventsQuery } from "@bw-relay/api";
import type { EventList, EventSummary } from "../api-types.ts";
import type { Ctx } from "../context.ts";
import { readEventPages } from "../event-pages.ts";
import { eventLine } from "../render.ts";
import { SeenSet, sleep } from "../util.ts";

/**
 * `events list`'s flags: the filters of GET /api/events as @bw-relay/api types them, except a
 * target by name or id (`--target`) and human times (`--since 2h`), plus the CLI's own.
 */
export type ListFlags = Omit<EventsQuery, "targetId" | "since" | "until"> & {
  target?: string;
  since?: string;
  until?: string;
  all?: boolean;
  follow?: boolean;
  interval?: number;
  max?: number;
  for?: number;
};

const OVERLAP_MS = 5_000;
const MAX_PAGES_PER_POLL = 10;

export async function follow(ctx: Ctx, query: EventsQuery, flags: ListFlags): Promise<void> {
  const api = ctx.api();
  const interval = flags.interval ?? 2_000;
  const deadline = flags.for === undefined ? Number.POSITIVE_INFINITY : Date.now() + flags.for;
  const seen = new SeenSet();
  let newest = query.since ? Date.parse(query.since) : 0;
  let fresh = 0;

  const emit = (events: EventSummary[], counts: boolean) => {
    for (const e of events.sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt))) {
      if (!seen.add(e.id)) continue;
      newest = Math.max(newest, Date.parse(e.receivedAt));
      if (counts) {
        if (flags.max !== undefined && fresh >= flags.max) return;
        fresh++;
      }
      if (ctx.out.json) ctx.out.record({ type: "event", via: "poll", event: e });
      else ctx.out.line(eventLine(ctx.out, e));
    }
  };

  // Like `tail -f`: the latest few first, then what arrives.
  const first = await api.get<EventList>("/api/events", { ...query, limit: flags.limit ?? 20 });
  emit(first.events, false);
  if (newest === 0) newest = Date.now() - OVERLAP_MS;
  if (!ctx.out.json) ctx.out.note(ctx.out.c.dim("following new events (Ctrl-C to stop)…"));

  const done = () =>
    ctx.signal.aborted || Date.now() >= deadline || (flags.max !== undefined && fresh >= flags.max);
  while (!done()) {
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), ctx.signal);
    if (done()) break;
    const floor = query.since ? Date.parse(query.since) : 0;
    const since = new Date(Math.max(newest - OVERLAP_MS, floor)).toISOString();
    const { events: found, failedShards } = await readEventPages(
      api,
      { ...query, since, limit: 500 },
      MAX_PAGES_PER_POLL,
    );
    const before = newest;
    emit(found, true);
    // A partial page may lack older events of the unread shards: look from the same moment
    // again next time (what was printed is not printed twice).
    if (failedShards.length > 0) {
      newest = before;
      ctx.out.warn(`the relay could not read ${failedShards.join(", ")}; trying again`);
    }
  }
}
