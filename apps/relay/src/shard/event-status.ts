import type { DeliveryStatus, EventStatus } from "./types.ts";

/** How many of an event's deliveries are in each status. */
export type DeliveryCounts = Partial<Record<DeliveryStatus, number>>;

/** The delivery statuses that decide an event's, the first one present winning. */
const PRECEDENCE = [
  "pending",
  "dead",
  "failed",
  "delivered",
] as const satisfies readonly DeliveryStatus[];

/**
 * The one rule for an event's status (quarantined events keep theirs): `stored` with no
 * delivery, `pending` while any is pending, else the worst outcome (`dead`, then `failed`),
 * else `delivered`. An event is settled (retention starts counting) once it is not pending.
 */
export function eventStatusOf(counts: DeliveryCounts): Exclude<EventStatus, "quarantined"> {
  for (const status of PRECEDENCE) if ((counts[status] ?? 0) > 0) return status;
  return "stored";
}

/**
 * `eventStatusOf` as an SQL aggregate over `deliveries` rows (their `status` column), so the
 * store can re-derive an event's status in the statement that writes it. With no rows, SUM is
 * NULL and the answer `stored`, as above.
 */
export const EVENT_STATUS_SQL = `CASE ${PRECEDENCE.map(
  (s) => `WHEN SUM(status = '${s}') > 0 THEN '${s}'`,
).join(" ")} ELSE 'stored' END`;
