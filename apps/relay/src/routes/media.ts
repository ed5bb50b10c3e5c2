import { Hono } from "hono";
import { type RelayEnv, readSettings } from "../config.ts";
import { HttpError } from "../http/errors.ts";
import { bandwidthApiAuthorization } from "../media/bandwidth-api.ts";
import { isServedMediaUrl } from "../media/rewrite.ts";
import { mediaSigningKeys, verifyMediaToken } from "../media/token.ts";

export const media = new Hono<{ Bindings: RelayEnv }>();

/** Response headers passed through from the upstream or the archive. */
const PASSED_HEADERS = [
  "content-type",
  "content-length",
  "content-range",
  "accept-ranges",
  "etag",
  "last-modified",
];

/**
 * `GET|HEAD /media/<token>`: the media proxy. Serves the archived copy from R2 when there is
 * one, else fetches the original from Bandwidth with the API credentials and streams it back.
 * The token is the only authorization, so downstream services never hold Bandwidth credentials.
 */
media.on(["GET", "HEAD"], "/:token", async (c) => {
  const keys = mediaSigningKeys(c.env.MEDIA_SIGNING_KEY);
  if (keys.length === 0)
    throw new HttpError(503, "not_configured", "MEDIA_SIGNING_KEY is not configured.");
  const check = await verifyMediaToken(c.req.param("token"), keys);
  if (!check.ok) {
    if (check.reason === "expired")
      throw new HttpError(410, "media_expired", "This media link has expired.");
    throw new HttpError(403, "invalid_media_token", "This media link is not valid.");
  }
  const { url, archiveKey } = check.reference;
  // Tokens are only ever minted for Bandwidth media hosts (and the served accounts); refuse
  // anything else regardless, e.g. a token minted before MEDIA_ACCOUNT_IDS was narrowed.
  if (!isServedMediaUrl(url, readSettings(c.env).mediaAccountIds))
    throw new HttpError(403, "invalid_media_token", "This media link is not valid.");
  const head = c.req.method === "HEAD";

  if (archiveKey && c.env.MEDIA) {
    const archived = await serveFromArchive(c.env.MEDIA, archiveKey, c.req.raw.headers, head);
    if (archived) return archived;
  }

  const authorization = bandwidthApiAuthorization(c.env);
  if (!authorization) {
    throw new HttpError(
      503,
      "not_configured",
      "BANDWIDTH_API_USERNAME and BANDWIDTH_API_PASSWORD are not configured.",
    );
  }
  const upstreamHeaders = new Headers({ authorization });
  const range = c.req.header("range");
  if (range) upstreamHeaders.set("range", range);
  let upstream: Response;
  try {
    upstream = await fetch(url, {
      headers: upstreamHeaders,
      redirect: "follow",
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    throw new HttpError(
      502,
      "upstream_unreachable",
      "Bandwidth's media server could not be reached.",
    );
  }
  if (upstream.status === 200 || upstream.status === 206) {
    const headers = pick(upstream.headers);
    headers.set("cache-control", "private, max-age=3600");
    if (head) await upstream.body?.cancel();
    return new Response(head ? null : upstream.body, { status: upstream.status, headers });
  }
  await upstream.body?.cancel();
  if (upstream.status === 416) {
    throw new HttpError(416, "range_not_satisfiable", "The requested range is outside the media.");
  }
  if (upstream.status === 404 || upstream.status === 410) {
    throw new HttpError(
      404,
      "media_not_found",
      "Bandwidth no longer has this media (it keeps media for 48 hours).",
    );
  }
  if (upstream.status === 401 || upstream.status === 403) {
    throw new HttpError(
      502,
      "upstream_auth_failed",
      "Bandwidth refused the relay's API credentials.",
    );
  }
  throw new HttpError(
    502,
    "upstream_error",
    `Bandwidth's media server answered ${upstream.status}.`,
  );
});

function pick(from: Headers): Headers {
  const headers = new Headers();
  for (const name of PASSED_HEADERS) {
    const value = from.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

/** Serves an archived copy, with ranges; null when there is no copy (yet). */
async function serveFromArchive(
  bucket: R2Bucket,
  key: string,
  requestHeaders: Headers,
  head: boolean,
): Promise<Response | null> {
  const wantsRange = requestHeaders.has("range");
  const object = head
    ? await bucket.head(key)
    : await bucket.get(key, wantsRange ? { range: requestHeaders } : {});
  if (!object) return null;
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("etag", object.httpEtag);
  headers.set("accept-ranges", "bytes");
  headers.set("cache-control", "private, max-age=3600");
  // R2 reports the range it served; some runtimes fill every key, so look at values, not keys.
  const range = (object as R2ObjectBody).range as
    | { offset?: number; length?: number; suffix?: number }
    | undefined;
  if (!head && wantsRange && range) {
    let offset: number;
    let length: number;
    if (range.suffix !== undefined) {
      length = Math.min(range.suffix, object.size);
      offset = object.size - length;
    } else {
      offset = range.offset ?? 0;
      length = Math.min(range.length ?? object.size - offset, object.size - offset);
    }
    headers.set("content-range", `bytes ${offset}-${offset + length - 1}/${object.size}`);
    headers.set("content-length", String(length));
    return new Response((object as R2ObjectBody).body, { status: 206, headers });
  }
  headers.set("content-length", String(object.size));
  return new Response(head ? null : (object as R2ObjectBody).body, { status: 200, headers });
}
