import * as v from "valibot";
import {
  KNOWN_EVENT_TYPES,
  KnownCallbackEventSchema,
  type NormalizedEvent,
  UnknownCallbackEventSchema,
} from "./callbacks.ts";
import { boundedView, collectIssues, describe, type EventIssue, IssueList, put } from "./issues.ts";
import { nestsDeeperThan } from "./json-text.ts";
import {
  INTEGER_STRING,
  isIsoDateTime,
  isJsonObject,
  LONE_SURROGATE,
  NUMBER_STRING,
} from "./patterns.ts";

export { type EventIssue, MAX_ISSUES } from "./issues.ts";

/** How deep an event may nest; Bandwidth's own events nest a handful of levels. */
export const MAX_EVENT_DEPTH = 64;

/**
 * What `normalize` returns: the normalized event, or the issues that quarantine it: the first
 * MAX_ISSUES of them, and how many there are in all.
 */
export type NormalizeResult =
  | { success: true; event: NormalizedEvent; known: boolean }
  | { success: false; issues: EventIssue[]; issueCount: number };

/** Options of `normalize`. */
export interface NormalizeOptions {
  /**
   * Rewrites each `message.media` URL (the relay's media proxy); identity when absent. For
   * `normalize` to stay idempotent it must leave its own output unchanged (the relay's proxy
   * only rewrites Bandwidth URLs, and its own URLs are not Bandwidth's).
   */
  rewriteMediaUrl?: (url: string) => string;
}

const KNOWN = new Set<string>(KNOWN_EVENT_TYPES);

/**
 * Validates one callback event and returns it normalized: `message.to` always an array,
 * `errorCode`/`segmentCount` numbers, `null` in spec-nullable fields (`errorCode`,
 * `carrierName`, `message.media`) removed, media URLs passed through `rewriteMediaUrl`,
 * everything else (unknown fields, their order, timestamps, top-level `to`) kept as sent.
 * Never mutates its input; normalizing a normalized event changes nothing.
 *
 * @example
 * const result = normalize(JSON.parse(body)[0]);
 * if (result.success) forward(result.event);
 * else quarantine(result.issues); // [{ path: "message.id", message: "message.id is required: …" }]
 */
export function normalize(input: unknown, options: NormalizeOptions = {}): NormalizeResult {
  // The hand-written pass accepts exactly what the valibot schemas accept (a property test
  // holds them to it) at a fraction of the cost; valibot runs only to explain a rejection.
  // Nothing Bandwidth sends nests this deep, and what does could not be stored or forwarded:
  // serializers recurse, and a sender would choose their stack depth.
  if (nestsDeeperThan(input, MAX_EVENT_DEPTH)) {
    const message = `the event nests arrays and objects deeper than ${MAX_EVENT_DEPTH} levels`;
    return { success: false, issues: [{ path: "", message }], issueCount: 1 };
  }
  const fast = normalizeFast(input, options.rewriteMediaUrl);
  if (fast) {
    return { success: true, event: fast as NormalizedEvent, known: KNOWN.has(fast.type as string) };
  }
  if (!isJsonObject(input)) {
    return {
      success: false,
      issues: [{ path: "", message: `the event must be a JSON object, got ${describe(input)}` }],
      issueCount: 1,
    };
  }
  const known = typeof input.type === "string" && KNOWN.has(input.type);
  // valibot words one issue per bad array element; building 100,000 of them takes seconds.
  // It sees each array only up to its MAX_ISSUES-th bad element; the rest are counted here.
  const { view, uncounted } = boundedView(input);
  const result = known
    ? v.safeParse(KnownCallbackEventSchema, view)
    : v.safeParse(UnknownCallbackEventSchema, view);
  if (!result.success) {
    const issues = new IssueList();
    for (const issue of result.issues) collectIssues(issue, "", issues);
    return { success: false, issues: issues.first, issueCount: issues.count + uncounted };
  }
  // Not reached while the two validators agree; valibot's verdict wins if they ever differ.
  const event = result.output as NormalizedEvent & Record<string, unknown>;
  const message = event.message as Record<string, unknown>;
  if (event.errorCode === undefined) delete event.errorCode;
  if (event.carrierName === undefined) delete event.carrierName;
  if (message.media === undefined) delete message.media;
  else if (Array.isArray(message.media) && options.rewriteMediaUrl) {
    message.media = message.media.map((url: string) => options.rewriteMediaUrl?.(url) ?? url);
  }
  return { success: true, event, known };
}

type Json = Record<string, unknown>;

const isOptionalString = (value: unknown) => value === undefined || typeof value === "string";
const isTimestamp = (value: unknown) => typeof value === "string" && isIsoDateTime(value);

/** The validated, normalized copy of an event, or undefined when anything is not valid. */
function normalizeFast(input: unknown, rewrite: ((url: string) => string) | undefined) {
  if (!isJsonObject(input)) return undefined;
  const type = input.type;
  if (typeof type !== "string" || type === "" || !isTimestamp(input.time)) return undefined;
  let sawMessage = false;
  const out: Json = {};
  for (const key of Object.keys(input)) {
    let value = input[key];
    switch (key) {
      case "type":
      case "time":
        break;
      case "description":
      case "to":
        if (!isOptionalString(value)) return undefined;
        break;
      case "carrierName":
        if (value === null) continue;
        if (!isOptionalString(value)) return undefined;
        break;
      case "eventTime":
        if (value !== undefined && !isTimestamp(value)) return undefined;
        break;
      case "errorCode":
        if (value === null) continue;
        if (typeof value === "string" && INTEGER_STRING.test(value)) value = Number(value);
        if (value !== undefined && !Number.isSafeInteger(value)) return undefined;
        break;
      case "message":
        value = normalizeMessage(value, rewrite);
        if (!value) return undefined;
        sawMessage = true;
        break;
    }
    put(out, key, value);
  }
  return sawMessage ? out : undefined;
}

function normalizeMessage(input: unknown, rewrite: ((url: string) => string) | undefined) {
  if (!isJsonObject(input) || typeof input.id !== "string" || input.id === "") return undefined;
  if (LONE_SURROGATE.test(input.id)) return undefined;
  const out: Json = {};
  for (const key of Object.keys(input)) {
    let value = input[key];
    switch (key) {
      case "owner":
      case "applicationId":
      case "from":
      case "text":
      case "tag":
      case "channel":
        if (!isOptionalString(value)) return undefined;
        break;
      case "time":
        if (value !== undefined && !isTimestamp(value)) return undefined;
        break;
      case "segmentCount":
        if (typeof value === "string" && NUMBER_STRING.test(value)) value = Number(value);
        if (
          value !== undefined &&
          !(
            Number.isFinite(value) &&
            (value as number) >= 0 &&
            (value as number) <= Number.MAX_SAFE_INTEGER
          )
        ) {
          return undefined;
        }
        break;
      case "direction":
        if (value !== undefined && value !== "in" && value !== "out") return undefined;
        break;
      case "priority":
        if (value !== undefined && value !== "default" && value !== "high") return undefined;
        break;
      case "to":
        if (typeof value === "string") value = [value];
        else if (Array.isArray(value)) {
          if (!allStrings(value)) return undefined;
          value = value.slice();
        } else if (value !== undefined) return undefined;
        break;
      case "media":
        if (value === null) continue;
        if (Array.isArray(value)) {
          if (!allStrings(value)) return undefined;
          value = rewrite ? value.map((url: string) => rewrite(url)) : value.slice();
        } else if (value !== undefined) return undefined;
        break;
      case "content":
        if (value !== undefined) {
          if (!isJsonObject(value)) return undefined;
          value = copy(value);
        }
        break;
      case "suggestionResponse":
        if (value !== undefined) {
          if (
            !isJsonObject(value) ||
            !isOptionalString(value.text) ||
            !isOptionalString(value.postbackData) ||
            !(value.pairedMessageId === null || isOptionalString(value.pairedMessageId))
          ) {
            return undefined;
          }
          value = copy(value);
        }
        break;
      case "locationResponse":
        if (value !== undefined) {
          if (
            !isJsonObject(value) ||
            !isCoordinate(value.latitude) ||
            !isCoordinate(value.longitude)
          ) {
            return undefined;
          }
          value = copy(value);
        }
        break;
    }
    put(out, key, value);
  }
  return out;
}

function allStrings(values: unknown[]): boolean {
  for (const value of values) if (typeof value !== "string") return false;
  return true;
}

const isCoordinate = (value: unknown) =>
  value === undefined ||
  typeof value === "string" ||
  (typeof value === "number" && !Number.isNaN(value));

function copy(input: Json): Json {
  const out: Json = {};
  for (const key of Object.keys(input)) put(out, key, input[key]);
  return out;
}
