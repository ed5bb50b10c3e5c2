import type { RelayEnv } from "../config.ts";

/**
 * The media URL rewrite for `MEDIA_MODE`: undefined in passthrough mode (URLs unchanged).
 * Placeholder until the media proxy lands.
 */
export async function mediaRewriter(
  _env: RelayEnv,
  _requestUrl: URL,
  _events: unknown[],
): Promise<((url: string) => string) | undefined> {
  return undefined;
}
