/**
 * Patterns shared by the valibot schemas (callbacks.ts) and normalize's hand-written pass
 * (normalize.ts), kept in one place so the two cannot drift. Internal: not re-exported.
 */

/** RFC 3339 / ISO-8601 date-time; 0, 3 or 6 fractional digits all occur. */
export const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** The strings taken as integers (`errorCode`): optional sign, digits, blanks around. */
export const INTEGER_STRING = /^\s*-?\d+\s*$/;

/** The strings taken as numbers (`segmentCount`): like INTEGER_STRING, with decimals. */
export const NUMBER_STRING = /^\s*-?\d+(\.\d+)?\s*$/;

/** True for a non-null object that is not an array: what JSON calls an object. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
