/**
 * The response shapes of the relay's HTTP API as valibot schemas: the relay's OpenAPI document
 * is generated from them, its test suite checks every response it receives against them, and
 * the CLI and the console read the API with the types inferred from them (index.ts), so none
 * of the four can drift. Objects are strict: a field the relay sends must be described here.
 */
import * as v from "valibot";
import { DELIVERY_STATUSES, EVENT_STATUSES, TARGET_STATES } from "./statuses.ts";

const Time = v.pipe(v.string(), v.isoTimestamp());
const nullable = <S extends v.GenericSchema>(schema: S) => v.nullable(schema);
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const ErrorResponse = v.strictObject({
  error: v.strictObject({ code: v.string(), message: v.string() }),
});

export const CallbacksResponse = v.strictObject({
  accepted: Count,
  duplicates: Count,
  quarantined: Count,
  ids: v.array(v.pipe(v.string(), v.regex(/^evt_[0-9a-f]{32}$/))),
});

const DeliverySummary = v.strictObject({
  targetId: v.string(),
  targetName: v.optional(nullable(v.string())),
  status: v.picklist(DELIVERY_STATUSES),
  attemptCount: Count,
  lastStatusCode: nullable(v.number()),
  nextAttemptAt: nullable(Time),
});

const summaryEntries = {
  id: v.string(),
  receivedAt: Time,
  type: nullable(v.string()),
  messageId: nullable(v.string()),
  direction: nullable(v.string()),
  owner: nullable(v.string()),
  status: v.picklist(EVENT_STATUSES),
  errorCode: nullable(v.number()),
  errorName: nullable(v.string()),
};

export const EventSummary = v.strictObject({
  ...summaryEntries,
  deliveries: v.array(DeliverySummary),
});

export const EventList = v.strictObject({
  events: v.array(EventSummary),
  nextCursor: nullable(v.string()),
  /** Names of the shards that could not be read: the page is partial (empty when complete). */
  failedShards: v.array(v.string()),
});

const Attempt = v.strictObject({
  attempt: Count,
  at: Time,
  statusCode: nullable(v.number()),
  durationMs: Count,
  error: nullable(v.string()),
  responseExcerpt: nullable(v.string()),
});

export const EventDetail = v.strictObject({
  event: v.strictObject({
    ...summaryEntries,
    applicationId: nullable(v.string()),
    traceparent: nullable(v.string()),
    issues: nullable(v.array(v.strictObject({ path: v.string(), message: v.string() }))),
    issueCount: nullable(Count),
    deliveries: v.array(
      v.strictObject({
        ...DeliverySummary.entries,
        lastError: nullable(v.string()),
        attempts: v.array(Attempt),
      }),
    ),
    raw: v.unknown(),
    normalized: v.unknown(),
  }),
});

export const Target = v.strictObject({
  id: v.string(),
  name: v.string(),
  url: v.string(),
  eventTypes: v.array(v.string()),
  directions: v.array(v.picklist(["in", "out"])),
  owners: v.array(v.string()),
  applicationIds: v.array(v.string()),
  headers: v.record(v.string(), v.string()),
  enabled: v.boolean(),
  state: v.picklist(TARGET_STATES),
  stateReason: nullable(v.string()),
  maxAttempts: Count,
  timeoutMs: Count,
  createdAt: Time,
  updatedAt: Time,
  previousSecretExpiresAt: nullable(Time),
  previousSecrets: v.array(v.strictObject({ expiresAt: Time })),
  circuit: v.strictObject({
    consecutiveFailures: Count,
    failingSince: nullable(Time),
    probeAt: nullable(Time),
  }),
});

export const TargetList = v.strictObject({ targets: v.array(Target) });
export const OneTarget = v.strictObject({ target: Target });
const Secret = v.pipe(v.string(), v.startsWith("whsec_"));
export const CreatedTarget = v.strictObject({ target: Target, secret: Secret });
export const RotatedSecret = v.strictObject({
  secret: Secret,
  previousSecretExpiresAt: Time,
  previousSecrets: v.array(v.strictObject({ expiresAt: Time })),
});

export const Queued = v.strictObject({ queued: Count });

export const TargetTest = v.strictObject({
  eventId: v.string(),
  statusCode: nullable(v.number()),
  durationMs: Count,
  error: nullable(v.string()),
  responseExcerpt: nullable(v.string()),
});

const Counts = v.record(v.string(), Count);

export const Stats = v.strictObject({
  events: v.strictObject({ total: Count, byStatus: Counts, byType: Counts }),
  counters: Counts,
  pending: Count,
  oldestPendingAgeMs: nullable(v.number()),
  targets: v.array(
    v.strictObject({
      id: v.string(),
      name: v.string(),
      state: v.picklist(TARGET_STATES),
      stateReason: nullable(v.string()),
      deliveries: v.strictObject({ pending: Count, delivered: Count, failed: Count, dead: Count }),
      attempts: Count,
      successRate: nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
      lagMs: v.strictObject({ avg: nullable(v.number()), max: nullable(v.number()) }),
      oldestPendingAgeMs: nullable(v.number()),
      latencyMs: v.strictObject({ p50: nullable(v.number()), p95: nullable(v.number()) }),
    }),
  ),
});

const SetOrUnset = v.picklist(["set", "unset"]);

export const Settings = v.strictObject({
  settings: v.strictObject({
    SHARD_COUNT: Count,
    RETENTION_HOURS: Count,
    MAX_BODY_BYTES: Count,
    MEDIA_MODE: v.picklist(["passthrough", "proxy"]),
    MEDIA_ARCHIVE: v.picklist(["off", "r2"]),
    ALLOW_HTTP_TARGETS: v.boolean(),
    RETRY_BASE_MS: Count,
    PUBLIC_URL: nullable(v.string()),
    MEDIA_ACCOUNT_IDS: nullable(v.array(v.string())),
    SHARD_LOCATION_HINT: nullable(v.string()),
    SHARD_JURISDICTION: nullable(v.string()),
    CALLBACK_USERNAME: SetOrUnset,
    CALLBACK_PASSWORD: SetOrUnset,
    CALLBACK_CREDENTIALS: v.union([
      v.strictObject({ pairs: Count }),
      v.strictObject({ refused: v.string() }),
    ]),
    ADMIN_TOKEN: v.literal("set"),
    MEDIA_SIGNING_KEY: v.strictObject({ keys: Count }),
    BANDWIDTH_API_USERNAME: SetOrUnset,
    BANDWIDTH_API_PASSWORD: SetOrUnset,
    MEDIA_BUCKET: v.picklist(["bound", "unbound"]),
  }),
});

export const Health = v.strictObject({ ok: v.literal(true) });

/** One generation of shards (docs/scaling.md). */
const ShardEpoch = v.strictObject({
  epoch: Count,
  shardCount: v.pipe(Count, v.minValue(1)),
  /** When it opened: new messages from then on start in its shards. */
  since: Time,
  /** current: takes new messages; closed: only those it holds; retired: empty, never asked. */
  state: v.picklist(["current", "closed", "retired"]),
  retiredAt: nullable(Time),
});

export const ShardEpochs = v.strictObject({
  /** The shard count new messages hash over. */
  shardCount: v.pipe(Count, v.minValue(1)),
  /** Oldest first. */
  epochs: v.array(ShardEpoch),
});

/** One delivery attempt as it ended: the live tail's `{"delivery": …}` message. */
export const DeliveryOutcome = v.strictObject({
  eventId: v.string(),
  targetId: v.string(),
  targetName: v.string(),
  attempt: Count,
  status: v.picklist(DELIVERY_STATUSES),
  statusCode: nullable(v.number()),
  durationMs: Count,
  error: nullable(v.string()),
  nextAttemptAt: nullable(Time),
});
