/**
 * GET /api/events page after page, for every command that reads more than one: the events in
 * the relay's order, the shards any page could not read (their events are missing), and the
 * cursor it stopped at (null: nothing more).
 */
import type { EventsQuery } from "@bw-relay/api";
import type { EventList, EventSummary } from "./api-types.ts";
import type { ApiClient } from "./client.ts";

export interface EventPages {
  events: EventSummary[];
  failedShards: string[];
  nextCursor: string | null;
}

export async function readEventPages(
  api: Pick<ApiClient, "get">,
  query: EventsQuery,
  maxPages: number,
): Promise<EventPages> {
  const events: EventSummary[] = [];
  const failed = new Set<string>();
  let cursor = query.cursor;
  let nextCursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const answer = await api.get<EventList>("/api/events", { ...query, cursor });
    events.push(...answer.events);
    for (const name of answer.failedShards) failed.add(name);
    nextCursor = answer.nextCursor;
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return { events, failedShards: [...failed], nextCursor };
}
