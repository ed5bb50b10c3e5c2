/**
 * The query of `GET /api/events` as a client sends it (docs/api.md): every parameter is
 * optional and they combine (AND). The relay validates it with its own schema
 * (apps/relay/src/api/requests.ts, `ListQuerySchema`) and turns it into its shards' filter; the
 * CLI and the console build it with this type.
 */
import type { DeliveryStatus, EventStatus } from "./statuses.ts";

export type EventsQuery = {
  /** The event's `type`. */
  type?: string;
  /** `message.direction`. */
  direction?: "in" | "out";
  /** `message.owner`. */
  owner?: string;
  /** `message.id`: every callback of one message. */
  messageId?: string;
  /** `message.applicationId`. */
  applicationId?: string;
  /** `message.from`. */
  from?: string;
  /** The top-level `to`, or one of `message.to`. */
  to?: string;
  /** `message.tag`. */
  tag?: string;
  /** The event's `errorCode`, a whole number (as text, like every query parameter). */
  errorCode?: string;
  /** `message.text` contains it, ignoring case (1-200 characters). */
  text?: string;
  /** The event's status; with `targetId`, the status of the delivery to that target. */
  status?: EventStatus;
  /** Events with at least one delivery in this status (to `targetId`, when given). */
  deliveryStatus?: DeliveryStatus;
  /** Events with a delivery to this target. */
  targetId?: string;
  /** Received at or after: ISO-8601 or unix milliseconds. */
  since?: string;
  /** Received at or before: ISO-8601 or unix milliseconds. */
  until?: string;
  /** 1-500, default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
};
