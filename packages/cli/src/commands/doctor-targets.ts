/**
 * doctor's check per target: its state and circuit (GET /api/targets), the counts of
 * GET /api/stats, and its last outcome: the newest delivery to it
 * (GET /api/events?targetId=…&limit=1) as its last attempt left it (GET /api/events/:id).
 */
import type { EventsQuery } from "@bw-relay/api";
import type {
  Attempt,
  DeliveryStatus,
  EventDetail,
  EventList,
  Stats,
  Target,
} from "../api-types.ts";
import type { ApiClient } from "../client.ts";
import { formatTime } from "../time.ts";
import { type Check, type CheckStatus, check } from "./doctor-checks.ts";

/** The newest delivery to a target (of the newest event it was due), as it stands. */
export interface LastDelivery {
  eventId: string;
  status: DeliveryStatus;
  /** Attempts so far; 0: queued and not tried yet. */
  attempts: number;
  /** The last attempt's HTTP status; null before any attempt, or when nothing answered. */
  statusCode: number | null;
  /** Why the last attempt failed (network error, timeout, non-2xx); null otherwise. */
  error: string | null;
  /** When the last attempt was made; before any attempt, when the event was received. */
  at: string;
  nextAttemptAt: string | null;
}

export interface TargetCheck extends Check {
  /** null: no delivery to this target yet (or the events could not be read: see detail). */
  lastDelivery: LastDelivery | null;
}

const newest = (a: Attempt | undefined, b: Attempt) =>
  a && Date.parse(a.at) >= Date.parse(b.at) ? a : b;

export async function lastDelivery(api: ApiClient, targetId: string): Promise<LastDelivery | null> {
  const query: EventsQuery = { targetId, limit: 1 };
  const { events } = await api.get<EventList>("/api/events", query);
  const event = events[0];
  const summary = event?.deliveries.find((d) => d.targetId === targetId);
  if (!event || !summary) return null;
  const last: LastDelivery = {
    eventId: event.id,
    status: summary.status,
    attempts: summary.attemptCount,
    statusCode: summary.lastStatusCode,
    error: null,
    at: event.receivedAt,
    nextAttemptAt: summary.nextAttemptAt,
  };
  if (summary.attemptCount === 0) return last;
  // The summary has no time nor error: the event's detail has every attempt.
  const detail = await api.get<{ event: EventDetail }>(
    `/api/events/${encodeURIComponent(event.id)}`,
  );
  const delivery = detail.event.deliveries.find((d) => d.targetId === targetId);
  if (!delivery) return last;
  const attempt = delivery.attempts.reduce<Attempt | undefined>(newest, undefined);
  return {
    ...last,
    status: delivery.status,
    attempts: delivery.attemptCount,
    statusCode: attempt ? attempt.statusCode : delivery.lastStatusCode,
    error: delivery.status === "delivered" ? null : (attempt?.error ?? delivery.lastError),
    at: attempt?.at ?? last.at,
    nextAttemptAt: delivery.nextAttemptAt,
  };
}

/** "last delivery: delivered, 204 at 14:02:11 (evt_…)"; retrying, failed or dead likewise. */
export function outcomeText(d: LastDelivery | null): string {
  if (!d) return "no deliveries yet";
  const when = formatTime(d.at);
  if (d.attempts === 0) return `last delivery: queued at ${when}, not tried yet (${d.eventId})`;
  const answer =
    d.statusCode === null ? `no answer${d.error ? ` (${d.error})` : ""}` : String(d.statusCode);
  const word = d.status === "pending" ? "retrying" : d.status;
  const retry = d.nextAttemptAt ? `, next try ${formatTime(d.nextAttemptAt)}` : "";
  return `last delivery: ${word}, ${answer} at ${when}${retry} (${d.eventId})`;
}

export async function targets(api: ApiClient): Promise<Check[]> {
  const [{ targets: list }, stats] = await Promise.all([
    api.get<{ targets: Target[] }>("/api/targets"),
    api.get<Stats>("/api/stats"),
  ]);
  if (list.length === 0)
    return [
      check(
        "targets",
        "targets",
        "warn",
        "no targets: events are stored but go nowhere (`bw-relay targets add`)",
      ),
    ];
  return Promise.all(
    list.map(async (t): Promise<TargetCheck> => {
      let last: LastDelivery | null = null;
      let outcome: string;
      let unknown = false;
      try {
        last = await lastDelivery(api, t.id);
        outcome = outcomeText(last);
      } catch (err) {
        unknown = true;
        outcome = `last delivery unknown: ${(err as Error).message}`;
      }
      const s = stats.targets.find((x) => x.id === t.id);
      const figures = s
        ? `; ${s.deliveries.pending} pending, ${s.deliveries.dead} dead, ${s.deliveries.failed} failed${s.successRate === null ? "" : `, ${(s.successRate * 100).toFixed(0)}% of attempts succeed`}`
        : "";
      const reason = t.stateReason ? ` (${t.stateReason})` : "";
      // Tried and not delivered (retrying, failed or dead), or not known.
      const lastFailed =
        unknown || (last !== null && last.attempts > 0 && last.status !== "delivered");
      const status: CheckStatus =
        t.state === "circuit_open" || t.state === "disabled"
          ? "fail"
          : t.state === "paused" || (s?.deliveries.dead ?? 0) > 0 || lastFailed
            ? "warn"
            : "ok";
      const circuit =
        t.state === "circuit_open"
          ? "circuit open"
          : t.circuit.consecutiveFailures
            ? `circuit closed, ${t.circuit.consecutiveFailures} failures in a row`
            : "circuit closed";
      return {
        ...check(
          `target:${t.name}`,
          `target ${t.name}`,
          status,
          `${t.state}${reason}, ${circuit}; ${outcome}${figures}`,
        ),
        lastDelivery: last,
      };
    }),
  );
}
