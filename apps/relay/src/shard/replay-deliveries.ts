import { type DeliveryTarget, targetWants } from "../targets/model.ts";
import type { DeliveryToQueue } from "./event-store.ts";
import type { EventRow } from "./queries.ts";

/**
 * Where a replay of one stored event goes: to `targetId`, or to every target that wants the
 * event now (a target created since it arrived included). The error names why there is none.
 */
export function replayDeliveries(
  row: EventRow,
  targets: readonly DeliveryTarget[],
  targetId?: string,
): { deliveries: DeliveryToQueue[] } | { error: "no_target" | "unknown_target" } {
  const chosen =
    targetId === undefined
      ? targets.filter((t) =>
          targetWants(t, {
            type: row.type,
            direction: row.direction,
            owner: row.owner,
            applicationId: row.application_id,
          }),
        )
      : targets.filter((t) => t.id === targetId);
  if (chosen.length === 0)
    return { error: targetId === undefined ? "no_target" : "unknown_target" };
  return {
    deliveries: chosen.map((t) => ({ eventId: row.id, targetId: t.id, messageId: row.message_id })),
  };
}
