/**
 * The event filters: exactly GET /api/events's parameters, kept in the page's query string so
 * a filtered view is a link. `matches` decides whether a live tail event belongs in the view;
 * filters the summary cannot answer (from, to, tag, text, …) make it "unknown".
 */
import type { EventSummary } from "./types.ts";

export const FILTER_KEYS = [
  "type",
  "direction",
  "status",
  "deliveryStatus",
  "targetId",
  "owner",
  "from",
  "to",
  "messageId",
  "applicationId",
  "tag",
  "errorCode",
  "text",
  "since",
  "until",
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function filtersFrom(query: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** The query string for the API and for the page alike (same names on purpose). */
export function toQuery(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function matches(event: EventSummary, filters: Filters): boolean | "unknown" {
  const checks: [FilterKey, string | number | null][] = [
    ["type", event.type],
    ["direction", event.direction],
    ["status", event.status],
    ["owner", event.owner],
    ["messageId", event.messageId],
    ["errorCode", event.errorCode],
  ];
  for (const [key, actual] of checks) {
    const wanted = filters[key];
    if (wanted && String(actual) !== wanted) return false;
  }
  if (filters.status && filters.targetId) return "unknown";
  if (filters.targetId && !event.deliveries.some((d) => d.targetId === filters.targetId)) {
    return "unknown";
  }
  const at = Date.parse(event.receivedAt);
  if (filters.since && at < Date.parse(filters.since)) return false;
  if (filters.until && at > Date.parse(filters.until)) return false;
  const unanswerable: FilterKey[] = [
    "from",
    "to",
    "tag",
    "text",
    "applicationId",
    "deliveryStatus",
  ];
  return unanswerable.some((key) => filters[key]) ? "unknown" : true;
}
