import { base64urlToText, fromBase64 } from "@bw-relay/schema/encoding";
import type { MiddlewareHandler } from "hono";
import type { RelayEnv } from "../config.ts";
import { callbackCredentials } from "./callback-credentials.ts";
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
 * Decodes `Basic <base64>` into `user:pass`: "absent" without an Authorization header,
 * "malformed" when it is not Basic credentials. UTF-8 per RFC 7617; clients that send
 * ISO-8859-1 (as some older ones do) are read as such rather than turned away as unreadable.
 */
export function decodeBasic(header: string | undefined): string | "absent" | "malformed" {
  if (header === undefined || header.trim() === "") return "absent";
  const match = /^Basic[ ]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return "malformed";
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(match[1].replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return "malformed";
  }
  let pair: string;
  try {
    pair = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    pair = String.fromCharCode(...bytes.subarray(0, 4096));
  }
  return pair.includes(":") ? pair : "malformed";
}

const BASIC_PROBLEMS = {
  absent: "HTTP Basic credentials are required.",
  malformed:
    "The Authorization header is not HTTP Basic credentials (Basic base64(user:password)).",
  mismatch: "The HTTP Basic credentials are not valid.",
} as const;

// Exactly the contract's challenge; Bandwidth only needs a Basic challenge to send credentials.
const basicChallenge = { "WWW-Authenticate": 'Basic realm="bw-relay"' };

/**
 * Inbound callbacks: HTTP Basic. Bandwidth's first POST carries no Authorization header and
 * only retries with credentials after a 401 that has a `WWW-Authenticate` challenge.
 */
export function callbackAuth(): MiddlewareHandler<{ Bindings: RelayEnv }> {
  return async function callbackAuthMiddleware(c, next) {
    const expected = callbackCredentials(c.env);
    if ("problem" in expected) {
      throw new HttpError(
        503,
        "not_configured",
        `Callback credentials are refused: ${expected.problem}.`,
      );
    }
    if (expected.pairs.length === 0) {
      throw new HttpError(
        503,
        "not_configured",
        "Callback credentials are not configured (CALLBACK_USERNAME and CALLBACK_PASSWORD).",
      );
    }
    const given = decodeBasic(c.req.header("authorization"));
    if (given === "absent" || given === "malformed" || !(await matchesAny(given, expected.pairs))) {
      throw new HttpError(
        401,
        "unauthorized",
        given === "absent" || given === "malformed"
          ? BASIC_PROBLEMS[given]
          : BASIC_PROBLEMS.mismatch,
        basicChallenge,
      );
    }
    await next();
  };
}

/**
 * Admin API: `Authorization: Bearer <ADMIN_TOKEN>`. With `allowQueryToken` (the tail), also
 * the WebSocket subprotocol `bw-relay.bearer.<base64url(token)>` next to `bw-relay` — how a
 * browser sends a token on a WebSocket without putting it in a URL, which request logs keep —
 * and, as the contract says, `?token=`.
 */
export function adminAuth(
  options: { allowQueryToken?: boolean } = {},
): MiddlewareHandler<{ Bindings: RelayEnv }> {
  return async function adminAuthMiddleware(c, next) {
    const token = c.env.ADMIN_TOKEN;
    if (!token) {
      throw new HttpError(503, "not_configured", "ADMIN_TOKEN is not configured.");
    }
    const authorization = c.req.header("authorization");
    const header = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    const given =
      header ??
      (options.allowQueryToken
        ? (subprotocolToken(c.req.header("sec-websocket-protocol")) ?? c.req.query("token"))
        : undefined);
    const challenge = { "WWW-Authenticate": 'Bearer realm="bw-relay"' };
    if (given === undefined && authorization !== undefined && authorization.trim() !== "") {
      throw new HttpError(
        401,
        "unauthorized",
        "The Authorization header must be exactly `Bearer <token>`.",
        challenge,
      );
    }
    if (given === undefined || !(await matchesAny(given, [token]))) {
      throw new HttpError(
        401,
        "unauthorized",
        given === undefined ? "A bearer token is required." : "The bearer token is not valid.",
        challenge,
      );
    }
    await next();
  };
}

/** The subprotocol a WebSocket client names to say it speaks the tail (answered in kind). */
export const TAIL_SUBPROTOCOL = "bw-relay";
const TOKEN_SUBPROTOCOL = `${TAIL_SUBPROTOCOL}.bearer.`;

/** The token of a `bw-relay.bearer.<base64url>` subprotocol, if one was offered. */
function subprotocolToken(header: string | undefined): string | undefined {
  for (const protocol of (header ?? "").split(",")) {
    const name = protocol.trim();
    if (name.startsWith(TOKEN_SUBPROTOCOL)) {
      return base64urlToText(name.slice(TOKEN_SUBPROTOCOL.length)) ?? undefined;
    }
  }
  return undefined;
}
