/**
 * The admin API's answers as the CLI reads them: the types inferred from the schemas the relay
 * answers with (@bw-relay/api), so the CLI cannot drift from the API. It depends on that
 * package, not on the Worker's source.
 */
/** A tail message per delivery attempt as it ends (`{"delivery": …}`). */
export type {
  Attempt,
  CallbacksResult,
  DeliveryOutcome as DeliveryUpdate,
  DeliveryStatus,
  DeliverySummary,
  EventDetail,
  EventList,
  EventStatus,
  EventSummary,
  Settings,
  ShardEpoch,
  ShardEpochs,
  Stats,
  Target,
  TargetState,
  TargetStats,
  TargetTestResult,
} from "@bw-relay/api";
