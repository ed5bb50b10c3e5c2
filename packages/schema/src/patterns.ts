/**
 * Patterns shared by the valibot schemas (callbacks.ts) and normalize's hand-written pass
 * (normalize.ts), kept in one place so the two cannot drift. Internal: not re-exported.
 */

/** RFC 3339 / ISO-8601 date-time; 0, 3 or 6 fractional digits all occur. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/i;

/**
 * True for an ISO-8601 date-time that names a real moment: a month of 1-12, a day that month
 * has (29 February in leap years only), hours 0-23, minutes 0-59, seconds 0-60 (RFC 3339
 * allows a leap second) and an offset of at most 23:59. `2026-13-45T99:99:99Z` is not one.
 */
export function isIsoDateTime(text: string): boolean {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second = "0", offHour = "0", offMinute = "0"] = m
    .slice(1)
    .map((part) => part ?? undefined) as string[];
  const n = (part: string | undefined) => Number(part);
  if (n(month) < 1 || n(month) > 12 || n(day) < 1) return false;
  // Day 0 of the next month is the last day of this one (UTC, so no DST surprises).
  if (n(day) > new Date(Date.UTC(n(year), n(month), 0)).getUTCDate()) return false;
  return (
    n(hour) <= 23 && n(minute) <= 59 && n(second) <= 60 && n(offHour) <= 23 && n(offMinute) <= 59
  );
}

/** The strings taken as integers (`errorCode`): optional sign, digits, blanks around. */
export const INTEGER_STRING = /^\s*-?\d+\s*$/;

/** The strings taken as numbers (`segmentCount`): like INTEGER_STRING, with decimals. */
export const NUMBER_STRING = /^\s*-?\d+(\.\d+)?\s*$/;

/** True for a non-null object that is not an array: what JSON calls an object. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A lone UTF-16 surrogate: text no UTF-8 store can hold (SQLite turns it into U+FFFD, so two
 * different ids would become one). Proper pairs (emoji) are one code point and do not match.
 */
export const LONE_SURROGATE = /\p{Cs}/u;
