/**
 * The admin API's response shapes as the console reads them: types inferred from the schemas
 * the relay answers with (@bw-relay/api). Types only: nothing of valibot reaches the bundle.
 */
/** One `{"delivery": …}` message of the live tail. */
export type {
  Attempt,
  DeliveryDetail,
  DeliveryOutcome as TailDelivery,
  DeliveryStatus,
  DeliverySummary,
  EventDetail,
  EventList,
  EventStatus,
  EventSummary,
  ShardEpoch,
  ShardEpochs,
  Stats,
  Target,
  TargetState,
  TargetStats,
  TargetTestResult,
} from "@bw-relay/api";
export { EVENT_STATUSES } from "@bw-relay/api";
/** The event types Bandwidth sends (the schema package's list), for the filters. */
export { KNOWN_EVENT_TYPES as EVENT_TYPES } from "@bw-relay/schema";
