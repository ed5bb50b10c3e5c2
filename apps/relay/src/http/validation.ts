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
  const parts = result.issues.slice(0, 5).map((issue) => {
    const path = v.getDotPath(issue);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new HttpError(400, code, `${parts.join("; ")}.`);
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
