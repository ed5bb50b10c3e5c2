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

/** The parts of a Bandwidth media URL (see `parseMediaUrl`). */
export type MediaUrlParts =
  | {
      version: "v2";
      host: string;
      accountId: string;
      /** Everything after `media/`, slashes included: the id `GET …/media/{mediaId}` takes. */
      mediaId: string;
      /** Set when the media id has the inbound form `{messageId}/{index}/{fileName}`. */
      messageId: string | undefined;
      /** Position of the file in the message (a string of digits), with `messageId`. */
      index: string | undefined;
      fileName: string;
    }
  | {
      version: "v1";
      host: string;
      userId: string;
      mediaId: string;
      fileName: string;
      /** From a Catapult name `<name>-m-<id>.<ext>` (`m-<id>`), or a `{messageId}/{index}/…` id. */
      messageId: string | undefined;
    };

/** The only hosts whose media URLs the relay rewrites or fetches. */
export const BANDWIDTH_MEDIA_HOSTS: readonly string[] = [
  "messaging.bandwidth.com",
  "api.catapult.inetwork.com",
];

/**
 * Encoded slashes, backslashes and dots, and dot segments: ways to make a path that looks like
 * one account's media reach something else once a server decodes or normalizes it. No media
 * URL Bandwidth issues has them.
 */
const PATH_TRICK = /%2f|%5c|%2e|\\|\/\.{1,2}(?:[/?#]|$)/i;

/** Parses a Bandwidth media URL into its parts; null for anything else (other hosts, http:, …). */
export function parseMediaUrl(url: string): MediaUrlParts | null {
  if (PATH_TRICK.test(url)) return null;
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
    const inbound = INBOUND_MEDIA_ID.exec(mediaId);
    return {
      version: "v2",
      host,
      accountId: decode(v2[1]),
      mediaId,
      messageId: inbound?.[1],
      index: inbound?.[2],
      fileName: inbound?.[3] ?? lastSegment(mediaId),
    };
  }
  const v1 =
    host === "api.catapult.inetwork.com" ? /^\/v1\/users\/([^/]+)\/media\/(.+)$/.exec(path) : null;
  if (v1?.[1] && v1[2]) {
    const mediaId = decode(v1[2]);
    const fileName = lastSegment(mediaId);
    const catapult = /-(m-[A-Za-z0-9]+)\.[^.]+$/.exec(fileName);
    return {
      version: "v1",
      host,
      userId: decode(v1[1]),
      mediaId,
      fileName,
      messageId: catapult?.[1] ?? INBOUND_MEDIA_ID.exec(mediaId)?.[1],
    };
  }
  return null;
}

/** `{messageId}/{index}/{fileName}`, the media id of inbound MMS parts. */
const INBOUND_MEDIA_ID = /^([^/]+)\/(\d+)\/([^/]+)$/;

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1) || path;
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
