import { base64urlToText, textToBase64url } from "@bw-relay/schema/encoding";
import { Hono } from "hono";
import { ListQuerySchema, ReplaySchema } from "../api/requests.ts";
import { configStub, fanOut, shardStub } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { fanOutShards, forEachShard, shardEpochs } from "../epochs/live-shards.ts";
import { liveEpochs, shardName } from "../epochs/model.ts";
import { HttpError } from "../http/errors.ts";
import { jsonBody, parseOr400 } from "../http/validation.ts";
import { shardIndexFor } from "../shard/sharding.ts";
import {
  DELIVERY_STATUSES,
  EVENT_STATUSES,
  type EventFilter,
  type ReplayResult,
  type StoredEventDetail,
} from "../shard/types.ts";

export const events = new Hono<{ Bindings: RelayEnv }>();

/** Cursors are opaque to clients: base64url of the (receivedAt, id) position. */
export function encodeCursor(position: { t: number; id: string }): string {
  return textToBase64url(JSON.stringify([position.t, position.id]));
}

export function decodeCursor(cursor: string): { t: number; id: string } {
  try {
    const [t, id] = JSON.parse(base64urlToText(cursor) ?? "") as unknown[];
    if (typeof t === "number" && typeof id === "string") return { t, id };
  } catch {
    // fall through
  }
  throw new HttpError(400, "invalid_cursor", "The cursor is not one this API returned.");
}

events.get("/", async (c) => {
  const query = parseOr400(ListQuerySchema, c.req.query(), "invalid_query");
  if (
    query.targetId === undefined &&
    query.status &&
    !EVENT_STATUSES.includes(query.status as never)
  ) {
    throw new HttpError(
      400,
      "invalid_query",
      `status: must be one of ${EVENT_STATUSES.join(", ")}.`,
    );
  }
  if (
    query.targetId !== undefined &&
    query.status &&
    !DELIVERY_STATUSES.includes(query.status as never)
  ) {
    throw new HttpError(
      400,
      "invalid_query",
      `status: with targetId, must be a delivery status (${DELIVERY_STATUSES.join(", ")}).`,
    );
  }
  const { cursor, limit, ...filters } = query;
  const filter: EventFilter = { ...filters, limit };
  // With a target, `status` has always meant the delivery's status (deliveryStatus says so
  // explicitly and also works without a target).
  if (filter.targetId !== undefined && filter.status !== undefined) {
    filter.deliveryStatus ??= filter.status;
    delete filter.status;
  }
  if (cursor !== undefined) filter.before = decodeCursor(cursor);

  // All events of a message live in one shard (per live epoch: the oldest that knows it);
  // otherwise every shard, a few at a time, and a listing that some shards could not answer
  // says which instead of failing whole.
  const byMessage = filter.messageId;
  const out =
    byMessage !== undefined
      ? await fanOut(
          liveEpochs(await shardEpochs(c.env)).map((e) => {
            const name = shardName(e.epoch, shardIndexFor(byMessage, e.shardCount));
            return { name, stub: shardStub(c.env, name) };
          }),
          (shard) => shard.list(filter),
        )
      : await fanOutShards(c.env, (shard) => shard.list(filter));
  const pages = out.results.map((r) => r.value);
  const { failedShards } = out;
  if (failedShards.length > 0 && pages.length === 0) {
    throw new HttpError(503, "storage_unavailable", "No shard could be read; retry the request.");
  }
  const merged = pages
    .flat()
    .sort(
      (a, b) =>
        b.t - a.t || (a.summary.id < b.summary.id ? 1 : a.summary.id > b.summary.id ? -1 : 0),
    );
  const page = merged.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    merged.length > limit && last ? encodeCursor({ t: last.t, id: last.summary.id }) : null;
  const list = await withTargetNames(
    c.env,
    page.map((e) => e.summary),
  );
  return c.json({ events: list, nextCursor, failedShards });
});

/** Each delivery with its target's name beside the id (null for a target since deleted). */
async function withTargetNames<E extends { deliveries: { targetId: string }[] }>(
  env: RelayEnv,
  list: E[],
): Promise<E[]> {
  if (!list.some((e) => e.deliveries.length > 0)) return list;
  const names = new Map((await configStub(env).listTargets()).map((t) => [t.id, t.name]));
  return list.map((e) => ({
    ...e,
    deliveries: e.deliveries.map((d) => ({ ...d, targetName: names.get(d.targetId) ?? null })),
  }));
}

/** Event ids do not name their shard (they hash the event's identity), so look in all. */
async function findEvent(env: RelayEnv, id: string): Promise<StoredEventDetail | null> {
  const found = await forEachShard<StoredEventDetail | null>(env, (s) => s.get(id));
  return found.find((e) => e !== null) ?? null;
}

events.get("/:id", async (c) => {
  const event = await findEvent(c.env, c.req.param("id"));
  if (!event)
    throw new HttpError(404, "not_found", "No event with this id (it may have been purged).");
  const [named] = await withTargetNames(c.env, [event]);
  return c.body(eventDetailJson(named ?? event), 200, { "content-type": "application/json" });
});

/**
 * `{"event": EventDetail}` as text, with the stored JSON of `raw` and `normalized` spliced in
 * as it is: an event may nest deeper than the runtime's serializer can go (it is quarantined
 * then, and still shown).
 */
export function eventDetailJson(stored: StoredEventDetail): string {
  const { rawJson, normalizedJson, issuesJson, ...detail } = stored;
  // Issues are few (at most MAX_ISSUES) and flat: safe to parse.
  const parsed: unknown = issuesJson === null ? null : JSON.parse(issuesJson);
  const { issues, count } = Array.isArray(parsed)
    ? { issues: parsed, count: parsed.length }
    : ((parsed as { issues: unknown[]; count: number } | null) ?? { issues: null, count: null });
  const head = JSON.stringify({ ...detail, issues, issueCount: count });
  return `{"event":${head.slice(0, -1)},"raw":${rawJson},"normalized":${normalizedJson ?? "null"}}}`;
}

events.post("/:id/replay", async (c) => {
  const { targetId } = parseOr400(ReplaySchema, await jsonBody(c.req.raw));
  const id = c.req.param("id");
  const results = await forEachShard<ReplayResult>(c.env, (s) => s.replay(id, targetId));
  const result = results.find((r) => r !== null);
  if (!result)
    throw new HttpError(404, "not_found", "No event with this id (it may have been purged).");
  if ("error" in result) {
    switch (result.error) {
      case "quarantined":
        throw new HttpError(409, "event_quarantined", "A quarantined event is never forwarded.");
      case "unknown_target":
        throw new HttpError(404, "target_not_found", "No target with this id.");
      case "no_target":
        throw new HttpError(
          409,
          "no_matching_target",
          "No target wants this event; name one with targetId.",
        );
    }
  }
  return c.json({ queued: result.queued }, 202);
});
