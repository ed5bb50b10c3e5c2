import * as v from "valibot";
import {
  KNOWN_EVENT_TYPES,
  KnownCallbackEventSchema,
  type NormalizedEvent,
  UnknownCallbackEventSchema,
} from "./callbacks.ts";

/** A validation problem: where (`message.to.1`, `errorCode`, "" for the event) and what to do. */
export interface EventIssue {
  path: string;
  message: string;
}

export type NormalizeResult =
  | { success: true; event: NormalizedEvent; known: boolean }
  | { success: false; issues: EventIssue[] };

export interface NormalizeOptions {
  /** Rewrites each `message.media` URL (the relay's media proxy); identity when absent. */
  rewriteMediaUrl?: (url: string) => string;
}

const KNOWN = new Set<string>(KNOWN_EVENT_TYPES);

/**
 * Validates one callback event and returns it normalized: `message.to` always an array,
 * `errorCode`/`segmentCount` numbers, `null` in spec-nullable fields (`errorCode`,
 * `carrierName`, `message.media`) removed, media URLs passed through `rewriteMediaUrl`,
 * everything else (unknown fields, timestamps, top-level `to`) kept as sent. Never mutates
 * its input; normalizing a normalized event changes nothing.
 */
export function normalize(input: unknown, options: NormalizeOptions = {}): NormalizeResult {
  const type =
    typeof input === "object" && input !== null ? (input as { type?: unknown }).type : undefined;
  const known = typeof type === "string" && KNOWN.has(type);
  const result = known
    ? v.safeParse(KnownCallbackEventSchema, input)
    : v.safeParse(UnknownCallbackEventSchema, input);
  if (!result.success) return { success: false, issues: result.issues.map(toEventIssue) };
  const event = result.output as NormalizedEvent & Record<string, unknown>;
  if (event.errorCode === null) delete event.errorCode;
  if (event.carrierName === null) delete event.carrierName;
  const message = event.message as NormalizedEvent["message"] & Record<string, unknown>;
  if (message.media === null) delete message.media;
  else if (message.media && options.rewriteMediaUrl) {
    message.media = message.media.map(options.rewriteMediaUrl);
  }
  return { success: true, event, known };
}

function toEventIssue(issue: v.BaseIssue<unknown>): EventIssue {
  const path = v.getDotPath(issue) ?? "";
  const where = path === "" ? "the event" : path;
  if (issue.kind === "schema" && issue.received === "undefined") {
    return { path, message: `${where} is required (${describeExpected(issue.expected)})` };
  }
  if (issue.kind === "schema" && !issue.message.startsWith("Invalid")) {
    return {
      path,
      message: `${where} ${issue.message.replace(/^.*? must/, "must")}, got ${issue.received}`,
    };
  }
  if (issue.kind === "schema") {
    return {
      path,
      message: `${where} must be ${describeExpected(issue.expected)}, got ${issue.received}`,
    };
  }
  return {
    path,
    message: `${where} ${issue.message.startsWith("must") ? issue.message : `is invalid: ${issue.message}`}`,
  };
}

function describeExpected(expected: string | null): string {
  if (!expected) return "a value";
  return expected.replace(/^"(.*)"$/, '"$1"');
}
