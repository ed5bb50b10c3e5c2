/** Targets: where events are forwarded, their filters and their delivery state. */

import { maskHeaders, maskUrl } from "./masking.ts";

export type TargetState = "active" | "paused" | "circuit_open" | "disabled";

/** Circuit-breaker bookkeeping, kept with the target in the Config object. */
export interface BreakerState {
  consecutiveFailures: number;
  /** When the current run of failures began (ms), null while the target is healthy. */
  failingSince: number | null;
  /** When an open circuit lets the next probe through (ms). */
  probeAt: number | null;
  /** How long the circuit waits between probes; doubles per failed probe. */
  probeIntervalMs: number;
  lastError: string | null;
}

/** The fields an operator sets that travel to every shard (and the name). */
export const CONFIGURED_FIELDS = [
  "name",
  "url",
  "eventTypes",
  "directions",
  "owners",
  "applicationIds",
  "headers",
] as const;

/** What a target is, as both the store and the API see it: the one list of its fields. */
const TARGET_FIELDS = [
  "id",
  ...CONFIGURED_FIELDS,
  "enabled",
  "state",
  "stateReason",
  "maxAttempts",
  "timeoutMs",
  "createdAt",
  "updatedAt",
] as const;

interface TargetFields {
  id: string;
  name: string;
  url: string;
  eventTypes: string[];
  directions: string[];
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
}

// The list names every field and nothing else (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _everyField: Same<keyof TargetFields, (typeof TARGET_FIELDS)[number]> = true;
void _everyField;

/** A rotated-out secret: it keeps signing until `expiresAt` (ms), so receivers can roll over. */
export interface RetiredSecret {
  secret: string;
  expiresAt: number;
}

/** A target as stored, secrets included. Never leaves the relay. */
export interface TargetRecord extends TargetFields {
  secret: string;
  /** Every rotated-out secret, newest first; expired ones may linger until the next alarm. */
  previousSecrets: RetiredSecret[];
  breaker: BreakerState;
}

/** A target as the admin API shows it: no secrets, header and query values masked. */
export interface Target extends TargetFields {
  /** Until when the last rotated-out secret still signs (ISO-8601), else null. */
  previousSecretExpiresAt: string | null;
  /** Each rotated-out secret still signing, newest first: when it stops (never its value). */
  previousSecrets: { expiresAt: string }[];
  circuit: { consecutiveFailures: number; failingSince: string | null; probeAt: string | null };
}

/** Why the Config object refused a change; the route answers with it. */
export interface Refusal {
  refused: { status: 400 | 409; code: string; message: string };
}

/** The fields only the API shows; a shard needs the rest to route, send and tell the tail. */
const API_ONLY_FIELDS = ["stateReason", "createdAt", "updatedAt"] as const;
type DeliveryField = Exclude<(typeof TARGET_FIELDS)[number], (typeof API_ONLY_FIELDS)[number]>;
const DELIVERY_FIELDS = TARGET_FIELDS.filter(
  (f): f is DeliveryField => !(API_ONLY_FIELDS as readonly string[]).includes(f),
);

export type DeliveryTarget = Pick<TargetRecord, DeliveryField> & {
  /** Secrets that sign, current first. */
  secrets: string[];
  probeAt: number | null;
};

/** The versioned set of targets the Config object hands to shards. */
export interface TargetsSnapshot {
  version: number;
  targets: DeliveryTarget[];
}

/** The normalized-event fields a target's filters look at. */
export interface RoutingFields {
  type: string | null;
  direction: string | null;
  owner: string | null;
  applicationId: string | null;
}

/** Exact match per filter; an empty filter matches everything. */
export function targetWants(target: DeliveryTarget, event: RoutingFields): boolean {
  return (
    oneOf(target.eventTypes, event.type) &&
    oneOf(target.directions, event.direction) &&
    oneOf(target.owners, event.owner) &&
    oneOf(target.applicationIds, event.applicationId)
  );
}

function oneOf(filter: readonly string[], value: string | null): boolean {
  return filter.length === 0 || (value !== null && filter.includes(value));
}

/** The rotated-out secrets still signing at `now`, the latest to expire first. */
export function signingRetired(record: TargetRecord, now: number): RetiredSecret[] {
  return record.previousSecrets
    .filter((s) => s.expiresAt > now)
    .sort((a, b) => b.expiresAt - a.expiresAt);
}

/** The API view of a record. */
export function toPublicTarget(record: TargetRecord, now = Date.now()): Target {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const retired = signingRetired(record, now);
  return {
    ...pick(record, TARGET_FIELDS),
    url: maskUrl(record.url),
    headers: maskHeaders(record.headers),
    previousSecretExpiresAt: iso(retired[0]?.expiresAt ?? null),
    previousSecrets: retired.map((s) => ({ expiresAt: new Date(s.expiresAt).toISOString() })),
    circuit: {
      consecutiveFailures: record.breaker.consecutiveFailures,
      failingSince: iso(record.breaker.failingSince),
      probeAt: record.state === "circuit_open" ? iso(record.breaker.probeAt) : null,
    },
  };
}

/** The shard view of a record. */
export function toDeliveryTarget(record: TargetRecord, now = Date.now()): DeliveryTarget {
  const secrets = [record.secret, ...signingRetired(record, now).map((s) => s.secret)];
  return { ...pick(record, DELIVERY_FIELDS), secrets, probeAt: record.breaker.probeAt };
}

/** A copy of `from` with only `keys`, in their order. */
function pick<T, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = from[key];
  return out;
}
