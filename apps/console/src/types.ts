/**
 * The admin API's response shapes (docs/api.md), as the console reads them. Written out here
 * rather than imported from the relay: the console is a browser bundle and must not pull in
 * the Worker's valibot schemas.
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

export interface EventList {
  events: EventSummary[];
  nextCursor: string | null;
}

export interface Attempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  lastError: string | null;
  attempts: Attempt[];
}

export interface EventDetail extends Omit<EventSummary, "deliveries"> {
  applicationId: string | null;
  traceparent: string | null;
  issues: { path: string; message: string }[] | null;
  issueCount: number | null;
  deliveries: DeliveryDetail[];
  raw: unknown;
  normalized: unknown;
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
  deliveries: Record<DeliveryStatus, number>;
  attempts: number;
  successRate: number | null;
  lagMs: { avg: number | null; max: number | null };
  oldestPendingAgeMs: number | null;
  /** Only from relays that report latency percentiles; older ones leave it out. */
  latencyMs?: { p50: number | null; p95: number | null };
}

export interface Stats {
  events: { total: number; byStatus: Record<string, number>; byType: Record<string, number> };
  counters: Record<string, number>;
  pending: number;
  oldestPendingAgeMs: number | null;
  targets: TargetStats[];
}

export interface TargetTestResult {
  eventId: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

/** One `{"delivery": …}` message of the live tail. */
export interface TailDelivery {
  eventId: string;
  targetId: string;
  attempt: number;
  status: DeliveryStatus;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  nextAttemptAt: string | null;
}

export const EVENT_TYPES = [
  "message-received",
  "message-sending",
  "message-sent",
  "message-delivered",
  "message-failed",
  "message-read",
  "suggestion-response",
  "requested-location-response",
  "request-location-response",
  "message-queued",
] as const;

export const EVENT_STATUSES: EventStatus[] = [
  "quarantined",
  "stored",
  "pending",
  "delivered",
  "failed",
  "dead",
];
