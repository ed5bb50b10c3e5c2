/**
 * Settings of the relay, read from wrangler vars and secrets (documented in docs/configuration.md).
 * Vars arrive as strings; this module turns them into typed values with the documented defaults.
 */

/** Secrets and bindings that are optional, so `wrangler types` does not declare them. */
export interface OptionalBindings {
  CALLBACK_CREDENTIALS?: string;
  MEDIA_SIGNING_KEY?: string;
  BANDWIDTH_API_USERNAME?: string;
  BANDWIDTH_API_PASSWORD?: string;
  /** The relay's public origin for media links, e.g. https://relay.example.com (a var). */
  PUBLIC_URL?: string;
  /** Bandwidth account (v2) or user (v1) ids whose media the proxy serves (a var; all if unset). */
  MEDIA_ACCOUNT_IDS?: string;
  /** Where shards are created first (a Durable Object location hint such as `enam`). */
  SHARD_LOCATION_HINT?: string;
  /** A jurisdiction the shards' data stays in (`eu`, `fedramp`, …). */
  SHARD_JURISDICTION?: string;
  /** R2 bucket for `MEDIA_ARCHIVE=r2` (bound in wrangler.jsonc; a config may leave it out). */
  MEDIA?: R2Bucket;
}

/** The Worker's environment: what wrangler.jsonc declares plus the optional bindings. */
export type RelayEnv = Omit<
  Env,
  "CALLBACK_USERNAME" | "CALLBACK_PASSWORD" | "ADMIN_TOKEN" | "MEDIA"
> &
  OptionalBindings & {
    // Declared as required so `wrangler dev` warns when they are missing, but a deployed relay
    // without them must still answer 503 not_configured rather than crash.
    CALLBACK_USERNAME?: string;
    CALLBACK_PASSWORD?: string;
    ADMIN_TOKEN?: string;
  };

export type MediaMode = "passthrough" | "proxy";

export interface Settings {
  shardCount: number;
  retentionMs: number;
  maxBodyBytes: number;
  mediaMode: MediaMode;
  mediaArchive: "off" | "r2";
  allowHttpTargets: boolean;
  retryBaseMs: number;
  /** The origin media links are built on; null: none configured (see mediaOrigin). */
  publicOrigin: string | null;
  /** The accounts whose media is proxied; null: every account. */
  mediaAccountIds: ReadonlySet<string> | null;
  /** Placement of the shards (docs/scaling.md); null: Cloudflare's default. */
  shardLocationHint: DurableObjectLocationHint | null;
  shardJurisdiction: DurableObjectJurisdiction | null;
}

const LOCATION_HINTS = [
  "wnam",
  "enam",
  "sam",
  "weur",
  "eeur",
  "apac",
  "apac-ne",
  "apac-se",
  "oc",
  "afr",
  "me",
] as const satisfies readonly DurableObjectLocationHint[];
const JURISDICTIONS = [
  "eu",
  "fedramp",
  "fedramp-high",
  "us",
] as const satisfies readonly DurableObjectJurisdiction[];

const cache = new WeakMap<object, Settings>();

/** Reads the settings once per environment object; bad values fall back to the default. */
export function readSettings(env: RelayEnv): Settings {
  const cached = cache.get(env);
  if (cached) return cached;
  const settings: Settings = {
    shardCount: intVar(env.SHARD_COUNT, "SHARD_COUNT", 8, 1, 1024),
    retentionMs: intVar(env.RETENTION_HOURS, "RETENTION_HOURS", 48, 1, 24 * 365) * 3_600_000,
    maxBodyBytes: intVar(env.MAX_BODY_BYTES, "MAX_BODY_BYTES", 1_048_576, 1024, 32 * 1_048_576),
    mediaMode: choiceVar(env.MEDIA_MODE, "MEDIA_MODE", ["passthrough", "proxy"]),
    mediaArchive: choiceVar(env.MEDIA_ARCHIVE, "MEDIA_ARCHIVE", ["off", "r2"]),
    allowHttpTargets:
      choiceVar(env.ALLOW_HTTP_TARGETS, "ALLOW_HTTP_TARGETS", ["false", "true"]) === "true",
    retryBaseMs: intVar(env.RETRY_BASE_MS, "RETRY_BASE_MS", 5000, 1, 3_600_000),
    publicOrigin: publicOrigin(env.PUBLIC_URL),
    mediaAccountIds: listVar(env.MEDIA_ACCOUNT_IDS),
    shardLocationHint: optionalChoice(
      env.SHARD_LOCATION_HINT,
      "SHARD_LOCATION_HINT",
      LOCATION_HINTS,
    ),
    shardJurisdiction: optionalChoice(env.SHARD_JURISDICTION, "SHARD_JURISDICTION", JURISDICTIONS),
  };
  cache.set(env, settings);
  return settings;
}

/** One of `choices` (the first is the default); anything else is warned about, not guessed. */
function choiceVar<const C extends readonly [string, ...string[]]>(
  value: string | undefined,
  name: string,
  choices: C,
): C[number] {
  return optionalChoice(value, name, choices) ?? choices[0];
}

/** One of `choices`, or null when unset; anything else is warned about and ignored. */
function optionalChoice<const C extends readonly string[]>(
  value: string | undefined,
  name: string,
  choices: C,
): C[number] | null {
  if (value === undefined || value.trim() === "") return null;
  if (choices.includes(value.trim())) return value.trim();
  console.warn(`setting ${name} is not one of ${choices.join(", ")}; using the default`);
  return null;
}

function intVar(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  console.warn(`setting ${name} is not an integer in [${min}, ${max}]; using ${fallback}`);
  return fallback;
}

/** True for a host only this machine reaches: a relay served there is in development. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === "[::1]"
  );
}

/** PUBLIC_URL's origin; https is required unless it names this machine (development). */
function publicOrigin(value: string | undefined): string | null {
  if (value === undefined || value.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    console.warn("setting PUBLIC_URL is not a URL; media links are not rewritten");
    return null;
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    return url.origin;
  }
  console.warn("setting PUBLIC_URL must be https:; media links are not rewritten");
  return null;
}

/** A comma- or newline-separated list; null when empty. */
function listVar(value: string | undefined): ReadonlySet<string> | null {
  const items = (value ?? "")
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items.length > 0 ? new Set(items) : null;
}
