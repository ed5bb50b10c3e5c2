import * as v from "valibot";

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
  "transfer-encoding",
  "connection",
]);

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
      v.pipe(v.string(), v.trim(), v.minLength(1, `each ${what} must be a non-empty string`)),
    ),
    v.maxLength(100, `at most 100 ${what}s`),
  );

const HEADERS = v.pipe(
  v.record(
    v.pipe(
      v.string(),
      v.regex(HEADER_NAME, "header names must be HTTP tokens"),
      v.check(
        (name) => !RESERVED_HEADERS.has(name.toLowerCase()),
        "this header is set by the relay",
      ),
    ),
    v.pipe(v.string(), v.maxLength(4096), v.regex(/^[^\r\n]*$/, "header values must be one line")),
  ),
  v.check((h) => Object.keys(h).length <= 20, "at most 20 headers"),
);

const fields = {
  name: v.pipe(v.string(), v.trim(), v.minLength(1, "a name is required"), v.maxLength(100)),
  url: v.pipe(v.string(), v.trim(), v.url("must be an absolute URL"), v.maxLength(2048)),
  secret: SECRET,
  eventTypes: stringList("event type"),
  directions: v.array(v.picklist(["in", "out"], 'directions are "in" or "out"')),
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

/** `PATCH /api/targets/:id`: any subset of the create fields. */
export const UpdateTargetSchema = v.strictObject({
  name: v.optional(fields.name),
  url: v.optional(fields.url),
  secret: v.optional(fields.secret),
  eventTypes: v.optional(fields.eventTypes),
  directions: v.optional(fields.directions),
  owners: v.optional(fields.owners),
  applicationIds: v.optional(fields.applicationIds),
  headers: v.optional(fields.headers),
  enabled: v.optional(fields.enabled),
  maxAttempts: v.optional(fields.maxAttempts),
  timeoutMs: v.optional(fields.timeoutMs),
});
export type UpdateTargetInput = v.InferOutput<typeof UpdateTargetSchema>;

/**
 * Target URLs: https only unless `ALLOW_HTTP_TARGETS`; no credentials in the URL (they would
 * show in the API); returns an error sentence or null.
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
  return null;
}
