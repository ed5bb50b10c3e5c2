import type { DeliveryStatus, EventStatus } from "./types.ts";

/** How many of an event's deliveries are in each status. */
export type DeliveryCounts = Partial<Record<DeliveryStatus, number>>;

/**
 * The one rule for an event's status (quarantined events keep theirs): `stored` with no
 * delivery, `pending` while any is pending, else the worst outcome (`dead`, then `failed`),
 * else `delivered`. An event is settled (retention starts counting) once it is not pending.
 */
export function eventStatusOf(counts: DeliveryCounts): Exclude<EventStatus, "quarantined"> {
  const n = (status: DeliveryStatus) => counts[status] ?? 0;
  if (n("pending") > 0) return "pending";
  if (n("dead") > 0) return "dead";
  if (n("failed") > 0) return "failed";
  if (n("delivered") > 0) return "delivered";
  return "stored";
}
