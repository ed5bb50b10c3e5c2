/**
 * Starts the relay the whole CLI test run uses, with the repository's own test helper
 * (apps/relay/test-e2e/wrangler-dev.ts: the real wrangler.jsonc under `wrangler dev`), and a
 * second one with no secrets at all, the only way to see `not_configured` answers. Both start
 * in parallel (about 2 s) and are killed at the end.
 */
import type { TestProject } from "vitest/node";
import { startWranglerDev } from "../../../apps/relay/test-e2e/wrangler-dev.ts";

export const ADMIN_TOKEN = "cli-test-admin-token";
export const CALLBACK_PASSWORD = "cli-test-callback-password";

export default async function setup(project: TestProject) {
  const [relay, bare] = await Promise.all([
    startWranglerDev({
      CALLBACK_USERNAME: "bandwidth",
      CALLBACK_PASSWORD,
      ADMIN_TOKEN,
      ALLOW_HTTP_TARGETS: "true",
      // Fast retries, so a failing local target reaches `dead` within a test.
      RETRY_BASE_MS: "100",
      SHARD_COUNT: "2",
    }),
    startWranglerDev({ ALLOW_HTTP_TARGETS: "true" }),
  ]);
  project.provide("relayUrl", relay.url);
  project.provide("bareRelayUrl", bare.url);
  return async () => {
    await Promise.all([relay.stop(), bare.stop()]);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    relayUrl: string;
    bareRelayUrl: string;
  }
}
