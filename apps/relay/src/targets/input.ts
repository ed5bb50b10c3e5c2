import { KNOWN_EVENT_TYPES } from "@bw-relay/schema";
import * as v from "valibot";
import { MASK } from "./masking.ts";
import { CONFIGURED_FIELDS, type TargetRecord } from "./model.ts";
import { unreachableHost } from "./target-url.ts";

/**
 * Limits of targets. Every shard keeps all targets in one storage value (at most 2 MB on
 * Cloudflare), so `targets` targets of `targetBytes` each, plus their secrets and state,
 * must stay well below that.
 */
export const LIMITS = {
  nameChars: 100,
  urlChars: 2048,
  filterEntries: 100,
  filterEntryChars: 200,
  headers: 20,
  headerNameChars: 100,
  headerValueChars: 1024,
  targetBytes: 16 * 1024,
  targets: 100,
} as const;

/** Headers a target may not set: the relay owns them, or fetch does. */
const RESERVED_HEADERS = new Set([
  "content-type",
  "content-length",
  "host",
  "user-agent",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "bw-relay-attempt",
  "traceparent",
  "transfer-encoding",
  "connection",
]);

/** A value sent back as the API shows it would overwrite the real one with the mask. */
const MASKED_ECHO = `holds ${MASK}, the mask the API shows in place of configured values; send the real value, or leave the field out to keep it`;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const SECRET = v.pipe(
  v.string(),
  v.regex(
    /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/,
    "must be whsec_ followed by at least 16 bytes of base64",
  ),
);

const stringList = (what: string) =>
  v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.trim(),
        v.minLength(1, `each ${what} must be a non-empty string`),
        v.maxLength(
          LIMITS.filterEntryChars,
          `each ${what} is at most ${LIMITS.filterEntryChars} characters`,
        ),
      ),
    ),
    v.maxLength(LIMITS.filterEntries, `at most ${LIMITS.filterEntries} ${what}s`),
  );

const HEADERS = v.pipe(
  v.record(
    v.pipe(
      v.string(),
      v.maxLength(
        LIMITS.headerNameChars,
        `header names are at most ${LIMITS.headerNameChars} characters`,
      ),
      v.regex(HEADER_NAME, "header names must be HTTP tokens"),
      v.check(
        (name) => !RESERVED_HEADERS.has(name.toLowerCase()),
        "this header is set by the relay",
      ),
    ),
    v.pipe(
      v.string(),
      v.maxLength(
        LIMITS.headerValueChars,
        `header values are at most ${LIMITS.headerValueChars} characters`,
      ),
      // What fetch sends as a header value: anything else would fail every delivery.
      v.regex(/^[\t\x20-\x7e\x80-\xff]*$/, "header values must be one line of printable text"),
      v.check((value) => value !== MASK, MASKED_ECHO),
    ),
  ),
  v.check((h) => Object.keys(h).length <= LIMITS.headers, `at most ${LIMITS.headers} headers`),
);

/**
 * No trimming: the URL parser would silently drop tabs and newlines inside a URL and accept
 * `https:host` without `//`, so what is stored could differ from what the operator meant.
 */
const URL_FIELD = v.pipe(
  v.string(),
  v.maxLength(LIMITS.urlChars, `must be at most ${LIMITS.urlChars} characters`),
  v.regex(
    /^[^\s\p{Cc}\p{Cf}\p{Z}\\]*$/u,
    "must not contain whitespace, control characters or backslashes",
  ),
  v.regex(/^[a-z][a-z0-9+.-]*:\/\//i, "must start with a scheme followed by // (https://…)"),
  v.check((url) => !url.includes(MASK), MASKED_ECHO),
  v.url("must be an absolute URL"),
);

const fields = {
  name: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, "a name is required"),
    v.maxLength(LIMITS.nameChars, `at most ${LIMITS.nameChars} characters`),
  ),
  url: URL_FIELD,
  secret: SECRET,
  // A typo here would match nothing, silently: only the types Bandwidth sends are taken.
  eventTypes: v.pipe(
    v.array(
      v.picklist(
        KNOWN_EVENT_TYPES,
        `event types are ${KNOWN_EVENT_TYPES.map((t) => `"${t}"`).join(", ")}`,
      ),
    ),
    v.maxLength(LIMITS.filterEntries, `at most ${LIMITS.filterEntries} event types`),
  ),
  directions: v.pipe(
    v.array(v.picklist(["in", "out"], 'directions are "in" or "out"')),
    v.maxLength(2, "at most 2 directions"),
  ),
  owners: stringList("owner"),
  applicationIds: stringList("application id"),
  headers: HEADERS,
  enabled: v.boolean(),
  maxAttempts: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)),
  timeoutMs: v.pipe(v.number(), v.integer(), v.minValue(1000), v.maxValue(30_000)),
};

/** `POST /api/targets`: unknown fields are refused, so a typo does not pass silently. */
export const CreateTargetSchema = v.strictObject({
  name: fields.name,
  url: fields.url,
  secret: v.optional(fields.secret),
  eventTypes: v.optional(fields.eventTypes, []),
  directions: v.optional(fields.directions, []),
  owners: v.optional(fields.owners, []),
  applicationIds: v.optional(fields.applicationIds, []),
  headers: v.optional(fields.headers, {}),
  enabled: v.optional(fields.enabled, true),
  maxAttempts: v.optional(fields.maxAttempts, 10),
  timeoutMs: v.optional(fields.timeoutMs, 10_000),
});
export type CreateTargetInput = v.InferOutput<typeof CreateTargetSchema>;

/** `POST /api/targets/:id/rotate-secret`: an optional secret of the operator's choosing. */
export const RotateSecretSchema = v.strictObject({ secret: v.optional(SECRET) });

/** `PATCH /api/targets/:id`: any subset of the create fields. */
export const UpdateTargetSchema = v.partial(v.strictObject(fields));
export type UpdateTargetInput = v.InferOutput<typeof UpdateTargetSchema>;

/**
 * Target URLs: https only unless `ALLOW_HTTP_TARGETS`; no credentials in the URL (they would
 * show in the API); in production no host the relay can never reach. Returns an error
 * sentence or null.
 */
export function targetUrlProblem(url: string, allowHttp: boolean): string | null {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && !(allowHttp && parsed.protocol === "http:")) {
    return allowHttp
      ? "url must be http: or https:"
      : "url must be https: (set ALLOW_HTTP_TARGETS=true for http: in development)";
  }
  if (parsed.username || parsed.password) {
    return "url must not contain credentials; use headers instead";
  }
  // Development relays run next to their receivers, so local addresses are what they need.
  if (allowHttp) return null;
  const kind = unreachableHost(parsed.hostname);
  if (kind === null) return null;
  return (
    `url host ${parsed.hostname} is ${kind}, which the relay cannot reach from Cloudflare's ` +
    "network; expose the receiver through a tunnel with a public https URL (for example " +
    "cloudflared or ngrok), or set ALLOW_HTTP_TARGETS=true in local development"
  );
}

/**
 * What a text takes where it is kept: UTF-8 in JSON, and in Durable Object storage what V8's
 * serializer writes, one byte a character for Latin-1 text but two for every character once
 * one is beyond U+00FF. The larger of the two, so a cap holds in both.
 */
export function storedBytes(text: string): number {
  const utf8 = new TextEncoder().encode(text).length;
  return /[\u0100-\uffff]/.test(text) ? Math.max(utf8, 2 * text.length) : utf8;
}

/** The stored fields the size cap counts: what travels to every shard, and the name. */
export type SizedFields = Pick<TargetRecord, (typeof CONFIGURED_FIELDS)[number]>;

/**
 * The per-field caps alone still allow a target of hundreds of kilobytes, and every shard
 * stores all targets in one value: this caps their sum. Returns an error sentence or null.
 */
export function targetSizeProblem(target: SizedFields): string | null {
  const sizes = CONFIGURED_FIELDS.map((k) => [k, storedBytes(JSON.stringify(target[k]))] as const);
  const total = sizes.reduce((sum, [, n]) => sum + n, 0);
  if (total <= LIMITS.targetBytes) return null;
  const [largest, bytes] = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
  return (
    `the target's name, url, filters and headers take ${total} bytes together, more than ` +
    `the ${LIMITS.targetBytes} a target may use; ${largest} is the largest part (${bytes} bytes)`
  );
}
