/**
 * The admin API's answers as the CLI reads them (apps/relay/src/api/responses.ts is the
 * authority, docs/api.md explains them). Declared here rather than imported: the CLI is a
 * client of the HTTP API and must not depend on the Worker's source.
 */
export type EventStatus = "quarantined" | "stored" | "pending" | "delivered" | "failed" | "dead";
export type DeliveryStatus = "pending" | "delivered" | "failed" | "dead";
export type TargetState = "active" | "paused" | "circuit_open" | "disabled";

export interface DeliverySummary {
  targetId: string;
  targetName?: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  lastStatusCode: number | null;
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

export interface EventDetail extends Omit<EventSummary, "deliveries"> {
  applicationId: string | null;
  traceparent: string | null;
  issues: { path: string; message: string }[] | null;
  issueCount: number | null;
  deliveries: (DeliverySummary & { lastError: string | null; attempts: Attempt[] })[];
  raw: unknown;
  normalized: unknown;
}

export interface EventList {
  events: EventSummary[];
  nextCursor: string | null;
}

export interface Target {
  id: string;
  name: string;
  url: string;
  eventTypes: string[];
  directions: ("in" | "out")[];
  owners: string[];
  applicationIds: string[];
  headers: Record<string, string>;
  enabled: boolean;
  state: TargetState;
  stateReason: string | null;
  maxAttempts: number;
  timeoutMs: number;
  createdAt: string;
  updatedAt: string;
  previousSecretExpiresAt: string | null;
  previousSecrets: { expiresAt: string }[];
  circuit: { consecutiveFailures: number; failingSince: string | null; probeAt: string | null };
}

export interface TargetStats {
  id: string;
  name: string;
  state: TargetState;
  stateReason: string | null;
  deliveries: { pending: number; delivered: number; failed: number; dead: number };
  attempts: number;
  successRate: number | null;
  lagMs: { avg: number | null; max: number | null };
  oldestPendingAgeMs: number | null;
}

export interface Stats {
  events: { total: number; byStatus: Record<string, number>; byType: Record<string, number> };
  counters: Record<string, number>;
  pending: number;
  oldestPendingAgeMs: number | null;
  targets: TargetStats[];
}

export interface Settings {
  SHARD_COUNT: number;
  RETENTION_HOURS: number;
  MAX_BODY_BYTES: number;
  MEDIA_MODE: "passthrough" | "proxy";
  MEDIA_ARCHIVE: "off" | "r2";
  ALLOW_HTTP_TARGETS: boolean;
  RETRY_BASE_MS: number;
  PUBLIC_URL: string | null;
  MEDIA_ACCOUNT_IDS: string[] | null;
  CALLBACK_USERNAME: "set" | "unset";
  CALLBACK_PASSWORD: "set" | "unset";
  CALLBACK_CREDENTIALS: { pairs: number } | { refused: string };
  ADMIN_TOKEN: "set";
  MEDIA_SIGNING_KEY: { keys: number };
  BANDWIDTH_API_USERNAME: "set" | "unset";
  BANDWIDTH_API_PASSWORD: "set" | "unset";
  MEDIA_BUCKET: "bound" | "unbound";
}

/** `POST /api/targets/:id/test`. */
export interface TargetTestResult {
  /** The sample event's id (webhook-id of the test delivery). */
  eventId?: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

/** A tail message per delivery attempt as it ends (`{"delivery": …}`). */
export interface DeliveryUpdate {
  eventId: string;
  targetId: string;
  targetName: string | null;
  attempt: number;
  status: string;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

export interface CallbacksResult {
  accepted: number;
  duplicates: number;
  quarantined: number;
  ids: string[];
}
