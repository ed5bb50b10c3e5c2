import { sha256Hex } from "@bw-relay/schema/encoding";
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
export function archiveKeyFor(url: string): string {
  return `media/${sha256Hex(url)}`;
}
