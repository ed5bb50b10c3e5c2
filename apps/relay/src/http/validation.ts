import * as v from "valibot";
import { readBodyLimited } from "./body.ts";
import { HttpError } from "./errors.ts";

/**
 * Validates a request value with a valibot schema and maps failures to our error shape.
 * The message names each path and what is wrong, but never echoes the submitted value.
 */
export function parseOr400<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  code = "invalid_request",
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const known = "entries" in schema ? Object.keys(schema.entries as object) : [];
  const parts = result.issues.slice(0, 5).map((issue) => {
    if (issue.type === "strict_object" && issue.path?.length === 1) {
      return unknownField(String(issue.path[0]?.key), known);
    }
    const path = v.getDotPath(issue);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new HttpError(400, code, `${parts.join("; ")}.`);
}

/** "unknown field `evenTypes` (did you mean `eventTypes`?)", naming the fields otherwise. */
function unknownField(name: string, known: readonly string[]): string {
  const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  const guess = closest(name, known);
  if (guess) return `unknown field \`${shown}\` (did you mean \`${guess}\`?)`;
  return `unknown field \`${shown}\`; the fields are ${known.map((k) => `\`${k}\``).join(", ")}`;
}

/** The known name within a few typos of `name` (case aside), if one is. */
function closest(name: string, known: readonly string[]): string | undefined {
  if (name.length > 64) return undefined;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(name.toLowerCase(), key.toLowerCase());
    if (
      distance <= Math.max(1, Math.floor(key.length / 3)) &&
      (!best || distance < best.distance)
    ) {
      best = { key, distance };
    }
  }
  return best?.key;
}

/** Levenshtein distance of two short strings (one row of the table at a time). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(
        Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The largest admin request body; a valid one (a target) is a few KiB. */
export const MAX_ADMIN_BODY_BYTES = 1_048_576;

/**
 * Parses a JSON request body, answering 413 past MAX_ADMIN_BODY_BYTES and 400 invalid_json
 * when it is not JSON.
 */
export async function jsonBody(request: Request): Promise<unknown> {
  const text = await readBodyLimited(request, MAX_ADMIN_BODY_BYTES);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "The request body is not valid JSON.");
  }
}
