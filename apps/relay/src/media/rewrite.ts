import { parseMediaUrl } from "@bw-relay/schema";
import { isLoopbackHost, type RelayEnv, readSettings } from "../config.ts";
import { archiveEnabled, archiveKeyFor } from "./archive-key.ts";
import { mediaSigningKeys, signMediaToken } from "./token.ts";

/** Media tokens outlive the event's retention by this much, so a late replay still works. */
export const MEDIA_TOKEN_GRACE_S = 7 * 24 * 3600;

const warned = new Set<string>();

function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

/** A Bandwidth media URL of an account the relay serves (every account when unconfigured). */
export function isServedMediaUrl(url: string, accounts: ReadonlySet<string> | null): boolean {
  const parts = parseMediaUrl(url);
  if (!parts) return false;
  return accounts === null || accounts.has(parts.version === "v2" ? parts.accountId : parts.userId);
}

/**
 * The media URL rewrite for this request: undefined in passthrough mode. In proxy mode every
 * Bandwidth media URL (of the served accounts, with MEDIA_ACCOUNT_IDS) becomes
 * `<PUBLIC_URL>/media/<token>`; anything else is left alone (the relay is no open proxy).
 * Links are never built from the request's Host header, which the sender chooses; only a
 * relay reached on this machine (development) uses the request's origin without PUBLIC_URL.
 * Tokens are signed up front because normalization is sync.
 */
export async function mediaRewriter(
  env: RelayEnv,
  requestUrl: URL,
  events: unknown[],
): Promise<((url: string) => string) | undefined> {
  const settings = readSettings(env);
  if (settings.mediaMode !== "proxy") return undefined;
  const keys = mediaSigningKeys(env.MEDIA_SIGNING_KEY);
  if (keys.length === 0) {
    warnOnce("MEDIA_MODE=proxy without MEDIA_SIGNING_KEY: media URLs are not rewritten");
    return undefined;
  }
  const origin =
    settings.publicOrigin ?? (isLoopbackHost(requestUrl.hostname) ? requestUrl.origin : null);
  if (origin === null) {
    warnOnce("MEDIA_MODE=proxy without PUBLIC_URL: media URLs are not rewritten");
    return undefined;
  }
  const urls = new Set<string>();
  for (const event of events) {
    for (const url of mediaUrlsOf(event)) {
      if (isServedMediaUrl(url, settings.mediaAccountIds)) urls.add(url);
    }
  }
  if (urls.size === 0) return undefined;
  const expiresAt =
    Math.floor(Date.now() / 1000) + settings.retentionMs / 1000 + MEDIA_TOKEN_GRACE_S;
  const archive = archiveEnabled(env);
  const entries = await Promise.all(
    [...urls].map(async (url): Promise<[string, string]> => {
      const reference = archive
        ? { url, expiresAt, archiveKey: archiveKeyFor(url) }
        : { url, expiresAt };
      return [url, `${origin}/media/${await signMediaToken(reference, keys)}`];
    }),
  );
  const map = new Map(entries);
  return (url) => map.get(url) ?? url;
}

/** The media URLs of a raw event, whatever its shape. */
export function mediaUrlsOf(event: unknown): string[] {
  if (typeof event !== "object" || event === null) return [];
  const message = (event as { message?: unknown }).message;
  if (typeof message !== "object" || message === null) return [];
  const media = (message as { media?: unknown }).media;
  return Array.isArray(media) ? media.filter((u): u is string => typeof u === "string") : [];
}
