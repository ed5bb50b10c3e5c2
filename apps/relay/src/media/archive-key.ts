import { type RelayEnv, readSettings } from "../config.ts";

/** True when inbound media is copied to R2: `MEDIA_ARCHIVE=r2` and a `MEDIA` bucket bound. */
export function archiveEnabled(env: RelayEnv): boolean {
  return readSettings(env).mediaArchive === "r2" && env.MEDIA !== undefined;
}

/**
 * The R2 key of a media URL's copy: a hash of the URL, so the token can name it before the
 * copy exists. Inbound media URLs contain the message id, so every event that references a
 * copy lives in the same shard, which keeps the reference count local.
 */
export async function archiveKeyFor(url: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(url));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `media/${hex}`;
}
