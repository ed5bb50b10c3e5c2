/** Shapes that cross the Worker <-> EventShard RPC boundary and the admin API. */

export {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  EVENT_STATUSES,
  type EventStatus,
} from "@bw-relay/api";

import type { DeliveryStatus, EventStatus, EventsQuery } from "@bw-relay/api";

/**
 * Stored in `events.raw` when the event as received serializes exactly like its normalized
 * form (most real callbacks): each accept then writes the event once, not twice.
 */
export const SAME_AS_NORMALIZED = "";

/** One event of an inbound request, validated and normalized by the Worker. */
export interface IngestRecord {
  id: string;
  type: string | null;
  messageId: string | null;
  direction: string | null;
  owner: string | null;
  applicationId: string | null;
  /** The event as received, as JSON; SAME_AS_NORMALIZED when normalizing changed nothing. */
  raw: string;
  /** The normalized event as JSON; null when quarantined. */
  normalized: string | null;
  /** Validation issues as JSON; null unless quarantined. */
  issues: string | null;
  /** W3C traceparent of the event (the request's trace, a span of the event's own). */
  traceparent?: string;
  /** The normalized event's errorCode, when it has one (for summaries). */
  errorCode?: number | null;
  /** Original Bandwidth media URLs to copy to R2 (MEDIA_ARCHIVE=r2, inbound only). */
  archiveMedia?: { url: string; key: string }[];
}

export interface IngestOutcome {
  accepted: number;
  duplicates: number;
  quarantined: number;
  /** Summaries of the events this call stored (not the duplicates), for the live tail. */
  stored: EventSummary[];
  /**
   * Ids of the records this shard declined: its epoch is closed and their message is not
   * here. The Worker offers them to the next epoch (src/routes/callbacks.ts).
   */
  declined?: string[];
}

export interface DeliverySummary {
  targetId: string;
  /** The target's name, added by the Worker in listings and the detail. */
  targetName?: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
}

/** One delivery attempt as it ended, for the live tail. */
export interface DeliveryOutcome {
  eventId: string;
  targetId: string;
  targetName: string;
  /** The attempt's number in this round (the `bw-relay-attempt` header). */
  attempt: number;
  /** The delivery's status after the attempt. */
  status: DeliveryStatus;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** When it is tried again (pending), else null. */
  nextAttemptAt: string | null;
}

export interface EventSummary {
  id: string;
  receivedAt: string;
  type: string | null;
  messageId: string | null;
  direction: string | null;
  owner: string | null;
  status: EventStatus;
  /** `errorCode` of the event (message-failed), with its name from Bandwidth's table. */
  errorCode: number | null;
  errorName: string | null;
  deliveries: DeliverySummary[];
}

export interface Attempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface EventDetail extends EventSummary {
  applicationId: string | null;
  /** The W3C traceparent sent with every delivery of the event (null before it was kept). */
  traceparent: string | null;
  raw: unknown;
  normalized: unknown;
  /** The first issues of a quarantined event (null otherwise); `issueCount` says how many. */
  issues: unknown;
  issueCount: number | null;
  deliveries: (DeliverySummary & { lastError: string | null; attempts: Attempt[] })[];
}

/**
 * `EventShard.get`'s answer: the detail with the event's JSON forms left as text, so a value
 * nested however deep is never parsed, cloned or re-serialized on its way to the client.
 */
export type StoredEventDetail = Omit<
  EventDetail,
  "raw" | "normalized" | "issues" | "issueCount"
> & {
  rawJson: string;
  normalizedJson: string | null;
  /** `{"issues": [...], "count": n}`, or (events stored before issue counts) the issues array. */
  issuesJson: string | null;
};

/**
 * `GET /api/events` filters as the Worker hands them to a shard: the query clients send
 * (`EventsQuery`), validated, with numbers where the query has text and the cursor decoded.
 */
export type EventFilter = Omit<
  EventsQuery,
  "errorCode" | "since" | "until" | "limit" | "cursor" | "status" | "deliveryStatus"
> & {
  /** Checked by the Worker against the event (or, with `targetId`, the delivery) statuses. */
  status?: string;
  deliveryStatus?: string;
  errorCode?: number;
  since?: number;
  until?: number;
  limit: number;
  /** Only events strictly older than this (receivedAt ms, id) position. */
  before?: { t: number; id: string };
};

/** A listed event plus the key the Worker merges shards by. */
export interface ListedEvent {
  t: number;
  summary: EventSummary;
}

export interface ShardStats {
  byStatus: Record<string, number>;
  byType: Record<string, number>;
  counters: Record<string, number>;
  targets: Record<
    string,
    {
      pending: number;
      delivered: number;
      failed: number;
      dead: number;
      attempts: number;
      successfulAttempts: number;
      lagMsSum: number;
      lagMsMax: number;
      /** Attempt durations counted per LATENCY_BUCKETS_MS bucket. */
      latencyBuckets: number[];
      oldestPendingReceivedAt: number | null;
    }
  >;
  pending: number;
  oldestPendingReceivedAt: number | null;
}

/** What `EventShard.replay` answers; null when the event is not in that shard. */
export type ReplayResult =
  | { queued: number }
  | { error: "quarantined" | "unknown_target" | "no_target" }
  | null;
