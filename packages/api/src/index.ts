/**
 * @bw-relay/api: the shapes of the relay's HTTP API. `RESPONSES` holds the response schemas
 * by name (the OpenAPI components); the types below are what a client reads, and
 * `EventsQuery` what it sends to `GET /api/events`.
 */
import type * as v from "valibot";
import * as R from "./responses.ts";

export type { EventsQuery } from "./queries.ts";
export * from "./statuses.ts";

/** Every response schema by name, as the OpenAPI document names its components. */
export const RESPONSES = R;
export type ResponseName = keyof typeof R;

export type ErrorBody = v.InferOutput<typeof R.ErrorResponse>;
export type CallbacksResult = v.InferOutput<typeof R.CallbacksResponse>;
export type EventSummary = v.InferOutput<typeof R.EventSummary>;
export type DeliverySummary = EventSummary["deliveries"][number];
export type EventList = v.InferOutput<typeof R.EventList>;
export type EventDetail = v.InferOutput<typeof R.EventDetail>["event"];
export type Attempt = EventDetail["deliveries"][number]["attempts"][number];
export type DeliveryDetail = EventDetail["deliveries"][number];
export type Target = v.InferOutput<typeof R.Target>;
export type CreatedTarget = v.InferOutput<typeof R.CreatedTarget>;
export type RotatedSecret = v.InferOutput<typeof R.RotatedSecret>;
export type Stats = v.InferOutput<typeof R.Stats>;
export type TargetStats = Stats["targets"][number];
export type Settings = v.InferOutput<typeof R.Settings>["settings"];
export type TargetTestResult = v.InferOutput<typeof R.TargetTest>;
export type DeliveryOutcome = v.InferOutput<typeof R.DeliveryOutcome>;
export type Queued = v.InferOutput<typeof R.Queued>;
export type ShardEpochs = v.InferOutput<typeof R.ShardEpochs>;
export type ShardEpoch = ShardEpochs["epochs"][number];
