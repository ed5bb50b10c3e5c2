import type { RelayEnv } from "../config.ts";
import { errorMessage } from "../describe-error.ts";
import { bandwidthApiAuthorization } from "./bandwidth-api.ts";

/** How many media copies one alarm run makes, and how often one is tried. */
export const ARCHIVE_BATCH = 10;
export const ARCHIVE_MAX_ATTEMPTS = 8;
export const ARCHIVE_RETRY_BASE_MS = 60_000;

export type ArchiveOutcome = { ok: true } | { ok: false; error: string; retry: boolean };

/**
 * Copies one Bandwidth media file into the MEDIA bucket, downloading it with the API
 * credentials. Streams; never throws.
 */
export async function copyToArchive(
  env: RelayEnv,
  url: string,
  key: string,
): Promise<ArchiveOutcome> {
  const bucket = env.MEDIA;
  if (!bucket) return { ok: false, error: "no MEDIA bucket bound", retry: false };
  const authorization = bandwidthApiAuthorization(env);
  if (!authorization) {
    return { ok: false, error: "BANDWIDTH_API_USERNAME/PASSWORD not configured", retry: true };
  }
  try {
    const response = await fetch(url, {
      headers: { authorization },
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      // 404: Bandwidth no longer has it; retrying cannot help.
      const retry = response.status !== 404 && response.status !== 410;
      return { ok: false, error: `HTTP ${response.status}`, retry };
    }
    const length = Number(response.headers.get("content-length"));
    const contentType = response.headers.get("content-type") ?? "application/octet-stream";
    // R2 needs a known length to stream; without one, buffer (media is at most a few MB).
    const body =
      Number.isFinite(length) && length > 0 ? response.body : await response.arrayBuffer();
    await bucket.put(key, body, { httpMetadata: { contentType }, customMetadata: { source: url } });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: errorMessage(err), retry: true };
  }
}
