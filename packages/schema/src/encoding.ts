/**
 * Byte encodings and Web Crypto helpers the workspace shares: base64 and base64url, SHA-256 in
 * hex, and HMAC-SHA256 keys imported once per secret. Published as `@bw-relay/schema/encoding`
 * (not re-exported from the package root, which is about callbacks).
 */

import { sha256 } from "@noble/hashes/sha2.js";

const encoder = new TextEncoder();

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Decodes standard base64; throws on anything else (callers decide what that means). */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** base64url without padding (RFC 4648 §5), for tokens and cursors in URLs. */
export function toBase64url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url (padding optional); null when the text is not base64url. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  try {
    return fromBase64(text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
}

/** UTF-8 text as base64url, and back (null when not base64url or not UTF-8). */
export function textToBase64url(text: string): string {
  return toBase64url(encoder.encode(text));
}

export function base64urlToText(encoded: string): string | null {
  const bytes = fromBase64url(encoded);
  if (!bytes) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Lowercase hex of some bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * SHA-256 of a string's UTF-8 bytes, as 64 lowercase hex characters. Synchronous (audited
 * @noble/hashes): a Web Crypto digest costs some 17 µs a call in promise round trips, which a
 * body of half a million tiny events turns into seconds; this takes about 1 µs for an id.
 */
export function sha256Hex(text: string): string {
  return toHex(sha256(encoder.encode(text)));
}

/** How a secret string becomes key bytes: its UTF-8 bytes, or the base64 it holds. */
export type SecretEncoding = "utf8" | "base64";

const hmacKeys = new Map<string, Promise<CryptoKey>>();
/** Secrets in use are few (a target's current and previous one, signing keys); cap anyway. */
const MAX_CACHED_KEYS = 256;

/**
 * An HMAC-SHA256 key for signing and verifying, imported once per secret: importing costs
 * more than the MAC of a small message, and the same few secrets sign every message. Throws
 * when a base64 secret is not base64.
 */
export function hmacSha256Key(
  secret: string,
  encoding: SecretEncoding = "utf8",
): Promise<CryptoKey> {
  const cacheKey = `${encoding}:${secret}`;
  let key = hmacKeys.get(cacheKey);
  if (!key) {
    const raw = encoding === "base64" ? fromBase64(secret) : encoder.encode(secret);
    key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    if (hmacKeys.size >= MAX_CACHED_KEYS) hmacKeys.clear();
    hmacKeys.set(cacheKey, key);
  }
  return key;
}
