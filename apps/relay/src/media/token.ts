/**
 * Media proxy tokens: an HMAC-SHA256-signed, expiring reference to one Bandwidth media URL
 * (and, with the archive on, the R2 key of its copy). Format: `<payload>.<signature>`, both
 * base64url, the payload `{"u":url,"e":expiresAtSeconds,"k"?:r2Key}`. Keys come from
 * `MEDIA_SIGNING_KEY`, newline-separated: the first signs, any verifies (rotation).
 */
import {
  base64urlToText,
  fromBase64url,
  hmacSha256Key,
  textToBase64url,
  toBase64url,
} from "@bw-relay/schema/encoding";

const UNPADDED_BASE64URL = /^[A-Za-z0-9_-]*$/;

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

/** The signing keys, first one signing; blank lines ignored. */
export function mediaSigningKeys(secret: string | undefined): string[] {
  return (secret ?? "")
    .split("\n")
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
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
  const body = textToBase64url(JSON.stringify(payload));
  const signature = await crypto.subtle.sign(
    "HMAC",
    await hmacSha256Key(signing),
    encoder.encode(body),
  );
  return `${body}.${toBase64url(new Uint8Array(signature))}`;
}

/** Checks a token against every key (constant-time HMAC verify), then its expiry. */
export async function verifyMediaToken(
  token: string,
  keys: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<TokenCheck> {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
  // Unpadded base64url only: one token, one spelling.
  if (!UNPADDED_BASE64URL.test(body) || !UNPADDED_BASE64URL.test(signature))
    return { ok: false, reason: "malformed" };
  const signatureBytes = fromBase64url(signature);
  const bodyText = base64urlToText(body);
  if (!signatureBytes || bodyText === null) return { ok: false, reason: "malformed" };
  let valid = false;
  for (const secret of keys) {
    const ok = await crypto.subtle.verify(
      "HMAC",
      await hmacSha256Key(secret),
      signatureBytes,
      encoder.encode(body),
    );
    valid = ok || valid;
  }
  if (!valid) return { ok: false, reason: "bad_signature" };
  let payload: unknown;
  try {
    payload = JSON.parse(bodyText);
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
