import type { MiddlewareHandler } from "hono";
import type { RelayEnv } from "../config.ts";
import { HttpError } from "./errors.ts";

const encoder = new TextEncoder();
const digestCache = new Map<string, Promise<ArrayBuffer>>();

function digest(value: string, cacheIt: boolean): Promise<ArrayBuffer> {
  if (!cacheIt) return crypto.subtle.digest("SHA-256", encoder.encode(value));
  let hit = digestCache.get(value);
  if (!hit) {
    hit = crypto.subtle.digest("SHA-256", encoder.encode(value));
    // Configured secrets are few; the cache only ever holds those, never request values.
    if (digestCache.size > 64) digestCache.clear();
    digestCache.set(value, hit);
  }
  return hit;
}

/**
 * True when `given` equals one of `expected`, in time that depends on neither the values nor
 * which one matched: both sides are hashed to a fixed length and every candidate is compared.
 */
export async function matchesAny(given: string, expected: readonly string[]): Promise<boolean> {
  const givenDigest = await digest(given, false);
  let matched = false;
  for (const candidate of expected) {
    const equal = crypto.subtle.timingSafeEqual(givenDigest, await digest(candidate, true));
    matched = equal || matched;
  }
  return matched;
}

/**
 * The `user:pass` pairs Bandwidth may send: `CALLBACK_USERNAME`/`CALLBACK_PASSWORD` plus the
 * optional `CALLBACK_CREDENTIALS` list (newline- or comma-separated), because a Bandwidth
 * application has separate inbound and outbound callback credentials.
 */
export function callbackCredentials(env: RelayEnv): string[] {
  const pairs: string[] = [];
  if (env.CALLBACK_USERNAME && env.CALLBACK_PASSWORD) {
    pairs.push(`${env.CALLBACK_USERNAME}:${env.CALLBACK_PASSWORD}`);
  }
  for (const entry of (env.CALLBACK_CREDENTIALS ?? "").split(/[\n,]/)) {
    const pair = entry.trim();
    if (pair.indexOf(":") > 0) pairs.push(pair);
  }
  return pairs;
}

/** Decodes `Basic <base64>` into `user:pass`, or null when the header is not Basic. */
export function decodeBasic(header: string | undefined): string | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  try {
    const binary = atob(match[1].replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    const pair = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return pair.includes(":") ? pair : null;
  } catch {
    return null;
  }
}

// Exactly the contract's challenge; Bandwidth only needs a Basic challenge to send credentials.
const basicChallenge = { "WWW-Authenticate": 'Basic realm="bw-relay"' };

/**
 * Inbound callbacks: HTTP Basic. Bandwidth's first POST carries no Authorization header and
 * only retries with credentials after a 401 that has a `WWW-Authenticate` challenge.
 */
export function callbackAuth(): MiddlewareHandler<{ Bindings: RelayEnv }> {
  return async function callbackAuthMiddleware(c, next) {
    const expected = callbackCredentials(c.env);
    if (expected.length === 0) {
      throw new HttpError(
        503,
        "not_configured",
        "Callback credentials are not configured (CALLBACK_USERNAME and CALLBACK_PASSWORD).",
      );
    }
    const given = decodeBasic(c.req.header("authorization"));
    if (given === null || !(await matchesAny(given, expected))) {
      throw new HttpError(
        401,
        "unauthorized",
        given === null
          ? "HTTP Basic credentials are required."
          : "The HTTP Basic credentials are not valid.",
        basicChallenge,
      );
    }
    await next();
  };
}

/**
 * Admin API: `Authorization: Bearer <ADMIN_TOKEN>`; with `allowQueryToken`, also `?token=`
 * (browsers cannot set headers on a WebSocket).
 */
export function adminAuth(
  options: { allowQueryToken?: boolean } = {},
): MiddlewareHandler<{ Bindings: RelayEnv }> {
  return async function adminAuthMiddleware(c, next) {
    const token = c.env.ADMIN_TOKEN;
    if (!token) {
      throw new HttpError(503, "not_configured", "ADMIN_TOKEN is not configured.");
    }
    const header = /^Bearer[ ]+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const given = header ?? (options.allowQueryToken ? c.req.query("token") : undefined);
    if (given === undefined || !(await matchesAny(given, [token]))) {
      throw new HttpError(
        401,
        "unauthorized",
        given === undefined ? "A bearer token is required." : "The bearer token is not valid.",
        { "WWW-Authenticate": 'Bearer realm="bw-relay"' },
      );
    }
    await next();
  };
}
