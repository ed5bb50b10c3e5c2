/**
 * The request schemas of the admin API: they validate requests (routes/) and describe them in
 * the OpenAPI document (api/openapi.ts), so the two cannot drift.
 */
import * as v from "valibot";
import { MAX_SHARD_COUNT } from "../epochs/model.ts";
import { DELIVERY_STATUSES, EVENT_STATUSES } from "../shard/types.ts";

export {
  CreateTargetSchema,
  RotateSecretSchema,
  UpdateTargetSchema,
} from "../targets/input.ts";

const timeParam = v.pipe(
  v.string(),
  v.transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s))),
  v.check((n) => !Number.isNaN(n), "must be an ISO-8601 date-time or unix milliseconds"),
);

/**
 * A phone number in a query string: `+` means a space in a URL query, so an unencoded
 * `?from=+15551234567` arrives as " 15551234567"; both spellings find the number.
 */
const phoneParam = v.pipe(
  v.string(),
  v.transform((s) => s.replace(/^ (?=\d)/, "+")),
);

const deliveryStatus = v.picklist(
  DELIVERY_STATUSES,
  `must be one of ${DELIVERY_STATUSES.join(", ")}`,
);

/** `GET /api/events`: unknown parameters are refused, so a misspelled filter does not match all. */
export const ListQuerySchema = v.strictObject({
  type: v.optional(v.string()),
  direction: v.optional(v.picklist(["in", "out"], 'must be "in" or "out"')),
  owner: v.optional(phoneParam),
  messageId: v.optional(v.string()),
  applicationId: v.optional(v.string()),
  from: v.optional(phoneParam),
  to: v.optional(phoneParam),
  tag: v.optional(v.string()),
  errorCode: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,9}$/, "must be a whole number"), v.transform(Number)),
  ),
  text: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  status: v.optional(
    v.picklist(
      [...new Set<string>([...EVENT_STATUSES, ...DELIVERY_STATUSES])],
      `must be one of ${EVENT_STATUSES.join(", ")}`,
    ),
  ),
  deliveryStatus: v.optional(deliveryStatus),
  targetId: v.optional(v.string()),
  since: v.optional(timeParam),
  until: v.optional(timeParam),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, "must be a whole number"),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(500),
    ),
    "50",
  ),
  cursor: v.optional(v.string()),
});

/** `POST /api/events/:id/replay` */
export const ReplaySchema = v.strictObject({ targetId: v.optional(v.string()) });

/** `POST /api/deliveries/retry` */
export const RetrySchema = v.strictObject({
  status: v.picklist(["dead", "failed"], 'status must be "dead" or "failed"'),
  targetId: v.optional(v.string()),
});

/** `POST /api/shards`: the shard count for messages first seen from now on. */
export const ShardCountSchema = v.strictObject({
  shardCount: v.pipe(
    v.number("must be a number"),
    v.integer("must be a whole number"),
    v.minValue(1, "must be at least 1"),
    v.maxValue(MAX_SHARD_COUNT, `must be at most ${MAX_SHARD_COUNT}`),
  ),
});
