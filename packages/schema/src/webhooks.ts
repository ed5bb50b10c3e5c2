/**
 * Standard Webhooks (https://www.standardwebhooks.com) signing and verification with Web
 * Crypto, interoperable with the spec's reference libraries: the signature is
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.payload">`, the key the base64-decoded secret after
 * its `whsec_` prefix.
 */

const encoder = new TextEncoder();
const PREFIX = "whsec_";

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const raw = fromBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret);
    key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    if (keys.size > 256) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** A new secret: `whsec_` + base64 of 24 random bytes. */
export function generateSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(24)));
}

export interface SignInput {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  payload: string;
  secret: string;
}

/** One signature, `v1,<base64>`. */
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

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: "missing_headers" | "timestamp_out_of_tolerance" | "invalid_signature" };

/**
 * Verifies a delivery: the headers must be present, the timestamp within `toleranceSeconds`
 * (default 300) of `now`, and some `v1,` entry must match some secret (checked with the
 * constant-time HMAC verify).
 */
export async function verify(input: {
  payload: string;
  headers: Headers | Record<string, string | string[] | undefined>;
  secrets: readonly string[];
  toleranceSeconds?: number;
  now?: number;
}): Promise<VerifyResult> {
  const get = (name: string): string | undefined => {
    if (input.headers instanceof Headers) return input.headers.get(name) ?? undefined;
    const value = input.headers[name] ?? input.headers[name.toLowerCase()];
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
