/**
 * Media proxy tokens: an HMAC-SHA256-signed, expiring reference to one Bandwidth media URL
 * (and, with the archive on, the R2 key of its copy). Format: `<payload>.<signature>`, both
 * base64url, the payload `{"u":url,"e":expiresAtSeconds,"k"?:r2Key}`. Keys come from
 * `MEDIA_SIGNING_KEY`, newline-separated: the first signs, any verifies (rotation).
 */

export interface MediaReference {
  url: string;
  /** Unix seconds. */
  expiresAt: number;
  /** Where the archived copy lives in the MEDIA bucket, when archiving is on. */
  archiveKey?: string;
}

export type TokenCheck =
  | { ok: true; reference: MediaReference }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

/** The signing keys, first one signing; blank lines ignored. */
export function mediaSigningKeys(secret: string | undefined): string[] {
  return (secret ?? "")
    .split("\n")
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keyCache.set(secret, key);
  }
  return key;
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function signMediaToken(
  reference: MediaReference,
  keys: readonly string[],
): Promise<string> {
  const signing = keys[0];
  if (!signing) throw new Error("no media signing key");
  const payload = {
    u: reference.url,
    e: reference.expiresAt,
    ...(reference.archiveKey ? { k: reference.archiveKey } : {}),
  };
  const body = base64url(encoder.encode(JSON.stringify(payload)));
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(signing), encoder.encode(body));
  return `${body}.${base64url(new Uint8Array(signature))}`;
}

/** Checks a token against every key (constant-time HMAC verify), then its expiry. */
export async function verifyMediaToken(
  token: string,
  keys: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<TokenCheck> {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  const signatureBytes = fromBase64url(signature);
  const bodyBytes = fromBase64url(body);
  if (!signatureBytes || !bodyBytes) return { ok: false, reason: "malformed" };
  let valid = false;
  for (const secret of keys) {
    const ok = await crypto.subtle.verify(
      "HMAC",
      await hmacKey(secret),
      signatureBytes,
      encoder.encode(body),
    );
    valid = ok || valid;
  }
  if (!valid) return { ok: false, reason: "bad_signature" };
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(bodyBytes));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const p = payload as { u?: unknown; e?: unknown; k?: unknown };
  if (typeof p.u !== "string" || typeof p.e !== "number") return { ok: false, reason: "malformed" };
  if (p.e < nowSeconds) return { ok: false, reason: "expired" };
  const reference: MediaReference = { url: p.u, expiresAt: p.e };
  if (typeof p.k === "string") reference.archiveKey = p.k;
  return { ok: true, reference };
}
