/**
 * Bandwidth media URLs. Inbound MMS media needs the account's API credentials and is deleted
 * after 48 hours. Two forms exist:
 * - v2: `https://messaging.bandwidth.com/api/v2/users/{accountId}/media/{mediaId}` (before
 *   April 2019 `https://api.catapult.inetwork.com/v2/users/{accountId}/media/{mediaId}`), where
 *   the media id is everything after `media/`, slashes included: usually
 *   `{messageId}/{index}/{fileName}`;
 * - v1 (Catapult): `https://api.catapult.inetwork.com/v1/users/{userId}/media/{mediaName}`,
 *   the name often `<uuid>-m-<messageId>.<ext>`.
 */

export type MediaUrlParts =
  | {
      version: "v2";
      host: string;
      accountId: string;
      mediaId: string;
      messageId: string;
      index: string | undefined;
      fileName: string;
    }
  | {
      version: "v1";
      host: string;
      userId: string;
      mediaId: string;
      fileName: string;
      messageId: string | undefined;
    };

/** The only hosts whose media URLs the relay rewrites or fetches. */
export const BANDWIDTH_MEDIA_HOSTS: readonly string[] = [
  "messaging.bandwidth.com",
  "api.catapult.inetwork.com",
];

/** Parses a Bandwidth media URL into its parts; null for anything else (other hosts, http:, …). */
export function parseMediaUrl(url: string): MediaUrlParts | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" || parsed.username || parsed.password || parsed.port)
    return null;
  const host = parsed.hostname.toLowerCase();
  if (!BANDWIDTH_MEDIA_HOSTS.includes(host)) return null;
  const path = parsed.pathname;
  const v2 =
    host === "messaging.bandwidth.com"
      ? /^\/api\/v2\/users\/([^/]+)\/media\/(.+)$/.exec(path)
      : /^\/v2\/users\/([^/]+)\/media\/(.+)$/.exec(path);
  if (v2?.[1] && v2[2]) {
    const mediaId = decode(v2[2]);
    const segments = mediaId.split("/");
    return {
      version: "v2",
      host,
      accountId: decode(v2[1]),
      mediaId,
      messageId: segments[0] ?? mediaId,
      index: segments.length >= 3 ? segments[1] : undefined,
      fileName: segments[segments.length - 1] ?? mediaId,
    };
  }
  const v1 =
    host === "api.catapult.inetwork.com" ? /^\/v1\/users\/([^/]+)\/media\/(.+)$/.exec(path) : null;
  if (v1?.[1] && v1[2]) {
    const mediaId = decode(v1[2]);
    const segments = mediaId.split("/");
    const fileName = segments[segments.length - 1] ?? mediaId;
    const catapult = /-m-([A-Za-z0-9]+)\.[^.]+$/.exec(fileName);
    return {
      version: "v1",
      host,
      userId: decode(v1[1]),
      mediaId,
      fileName,
      messageId: catapult?.[1] ?? (segments.length >= 2 ? segments[0] : undefined),
    };
  }
  return null;
}

/** True for a URL of Bandwidth's media API (v1 or v2). */
export function isBandwidthMediaUrl(url: string): boolean {
  return parseMediaUrl(url) !== null;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
