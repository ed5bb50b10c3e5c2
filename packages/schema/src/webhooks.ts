/**
 * Standard Webhooks (https://www.standardwebhooks.com) signing and verification with Web
 * Crypto, interoperable with the spec's reference libraries: the signature is
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.payload">`, the key the base64-decoded secret after
 * its `whsec_` prefix.
 */

import { fromBase64, hmacSha256Key, toBase64 } from "./encoding.ts";

const encoder = new TextEncoder();
const PREFIX = "whsec_";

/** The key of a `whsec_` secret (or its bare base64 part): the bytes the base64 holds. */
function hmacKey(secret: string): Promise<CryptoKey> {
  return hmacSha256Key(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
}

/** A new secret: `whsec_` + base64 of 24 random bytes (what Standard Webhooks libraries take). */
export function generateSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(24)));
}

/** What `sign` signs: the `webhook-id`, `webhook-timestamp` and body of one delivery. */
export interface SignInput {
  /** The `webhook-id` header (the relay uses the event id). */
  id: string;
  /** The `webhook-timestamp` header: Unix seconds. */
  timestamp: number;
  /** The exact body sent. */
  payload: string;
  /** `whsec_` + base64 (as `generateSecret` makes), or the bare base64 part. */
  secret: string;
}

/**
 * One signature, `v1,<base64>`: HMAC-SHA256 of `id.timestamp.payload`.
 *
 * @example
 * const signature = await sign({ id: "evt_1", timestamp: 1767225600, payload: body, secret });
 * // "v1,<base64 of the 32-byte MAC>"
 */
export async function sign(input: SignInput): Promise<string> {
  const content = encoder.encode(`${input.id}.${input.timestamp}.${input.payload}`);
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(input.secret), content);
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The `webhook-signature` header: one `v1,` entry per secret, in order, space-separated. */
export async function signatureHeader(input: {
  id: string;
  timestamp: number;
  payload: string;
  secrets: readonly string[];
}): Promise<string> {
  const signatures = await Promise.all(input.secrets.map((secret) => sign({ ...input, secret })));
  return signatures.join(" ");
}

/** The outcome of `verify`; a failure says why, for logs (never tell the sender which). */
export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: "missing_headers" | "timestamp_out_of_tolerance" | "invalid_signature" };

/**
 * Verifies a delivery: the headers must be present, the timestamp within `toleranceSeconds`
 * (default 300) of `now`, and some `v1,` entry must match some secret (checked with the
 * constant-time HMAC verify). Give every secret still in use (after a rotation, the new and
 * the old one); `headers` may be a `Headers` or a plain object (any case of header names).
 *
 * @example
 * const result = await verify({ payload: body, headers: request.headers, secrets: [secret] });
 * if (!result.ok) return new Response(null, { status: 401 });
 */
export async function verify(input: {
  payload: string;
  headers: Headers | Record<string, string | string[] | undefined>;
  secrets: readonly string[];
  /** How far `webhook-timestamp` may be from `now`, either way (default 300). */
  toleranceSeconds?: number;
  /** The current time in Unix seconds (default: the clock). */
  now?: number;
}): Promise<VerifyResult> {
  const headers = input.headers;
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    // Header names are case-insensitive; plain objects may spell them `Webhook-Id`.
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    const value = key === undefined ? undefined : headers[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = get("webhook-id");
  const timestamp = get("webhook-timestamp");
  const header = get("webhook-signature");
  if (!id || !timestamp || !header || !/^\d+$/.test(timestamp))
    return { ok: false, reason: "missing_headers" };
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? 300)) {
    return { ok: false, reason: "timestamp_out_of_tolerance" };
  }
  const content = encoder.encode(`${id}.${timestamp}.${input.payload}`);
  const candidates: Uint8Array<ArrayBuffer>[] = [];
  for (const entry of header.split(" ")) {
    const [version, signature] = entry.split(",", 2);
    if (version !== "v1" || !signature) continue;
    try {
      candidates.push(fromBase64(signature));
    } catch {
      // not base64: ignore this entry
    }
  }
  let matched = false;
  for (const secret of input.secrets) {
    const key = await hmacKey(secret);
    for (const candidate of candidates) {
      matched = (await crypto.subtle.verify("HMAC", key, candidate, content)) || matched;
    }
  }
  return matched ? { ok: true } : { ok: false, reason: "invalid_signature" };
}
