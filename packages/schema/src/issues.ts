import * as v from "valibot";
import { isJsonObject } from "./patterns.ts";

/**
 * How `normalize` words a rejected event: issues with a path and an actionable sentence,
 * collected in time linear in the event's size however many elements are wrong.
 */

/** A validation problem: where (`message.to.1`, `errorCode`, "" for the event) and what to do. */
export interface EventIssue {
  /** Dot path of the offending field; "" when the event itself is wrong (not an object). */
  path: string;
  /** A sentence that starts with the path and says what the field must be. */
  message: string;
}

/**
 * How many issues `normalize` words. A broken event can have one per array element (a
 * `message.to` of 100,000 numbers); the first few say what is wrong, the count how much.
 */
export const MAX_ISSUES = 20;

/** The first MAX_ISSUES distinct issues, and how many distinct ones there are. */
export class IssueList {
  readonly first: EventIssue[] = [];
  private readonly seen = new Set<string>();

  get count(): number {
    return this.seen.size;
  }

  add(path: string, message: string): void {
    const key = `${path}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.first.length < MAX_ISSUES) this.first.push({ path, message });
  }
}

/** The array fields the schemas check element by element; both hold strings. */
const STRING_ARRAYS = ["to", "media"] as const;

/**
 * The event as valibot should see it: each of `message.to` and `message.media` cut right after
 * its MAX_ISSUES-th non-string element (so the first MAX_ISSUES element issues are the true
 * first ones), with the bad elements past the cut counted in `uncounted`. Linear; copies only
 * what it cuts.
 */
export function boundedView(event: Json): { view: Json; uncounted: number } {
  const message = event.message;
  if (!isJsonObject(message)) return { view: event, uncounted: 0 };
  let copy: Json | undefined;
  let uncounted = 0;
  for (const field of STRING_ARRAYS) {
    const values = message[field];
    if (!Array.isArray(values)) continue;
    let bad = 0;
    let cut = values.length;
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] === "string") continue;
      bad += 1;
      if (bad === MAX_ISSUES) cut = i + 1;
    }
    if (cut === values.length) continue;
    uncounted += bad - MAX_ISSUES;
    copy ??= { ...message };
    put(copy, field, values.slice(0, cut));
  }
  return copy ? { view: { ...event, message: copy }, uncounted } : { view: event, uncounted: 0 };
}

export function collectIssues(issue: v.BaseIssue<unknown>, prefix: string, out: IssueList): void {
  const own = v.getDotPath(issue) ?? "";
  const path = prefix && own ? `${prefix}.${own}` : prefix || own;
  // A union reports "none of the options matched"; when an option got as far as an element
  // (message.to.1), that element is the actionable part.
  if (issue.type === "union" && issue.issues) {
    const deeper = issue.issues.filter((sub) => sub.path && sub.path.length > 0);
    if (deeper.length > 0) {
      for (const sub of deeper) collectIssues(sub, path, out);
      return;
    }
  }
  const where = path === "" ? "the event" : path;
  let message: string;
  if (issue.kind === "schema" && issue.input === undefined) {
    message = `${where} is required${REQUIRED[path] ? `: ${REQUIRED[path]}` : ""}`;
  } else {
    const must = issue.message.startsWith("must") ? issue.message : `must be ${issue.expected}`;
    message = `${where} ${must}, got ${describe(issue.input)}`;
  }
  out.add(path, message);
}

/** Human wording of a received value, short enough for a log line. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

/** What a missing required field should hold. */
const REQUIRED: Record<string, string> = {
  type: 'a string naming the event, such as "message-delivered"',
  time: "the event time, an ISO-8601 date-time string",
  message: "an object holding at least the message id",
  "message.id": "the Bandwidth message id (a string)",
};

type Json = Record<string, unknown>;

/** Sets a property, even one named `__proto__` (an own data property, as JSON.parse makes). */
export function put(target: Json, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
