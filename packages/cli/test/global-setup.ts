/**
 * Starts the relay the whole CLI test run uses, with the repository's own test helper
 * (apps/relay/test-e2e/wrangler-dev.ts: the real wrangler.jsonc under `wrangler dev`), and a
 * second one with no secrets at all, the only way to see `not_configured` answers, a third of
 * its own for `shards set` (a new shard epoch changes a relay for good, and at most 4 are
 * live), and a fourth for `doctor`'s all-well exit 0 (on the shared relay the other files'
 * failing targets make it warn). They start in parallel (about 2 s) and are killed at the end.
 */
import type { TestProject } from "vitest/node";
import {
  startWranglerDev,
  testRelayVars,
  type WranglerDev,
} from "../../../apps/relay/test-e2e/wrangler-dev.ts";

export const ADMIN_TOKEN = "cli-test-admin-token";
export const CALLBACK_PASSWORD = "cli-test-callback-password";

const VARS = testRelayVars({ adminToken: ADMIN_TOKEN, callbackPassword: CALLBACK_PASSWORD });

export default async function setup(project: TestProject) {
  const relays = await Promise.allSettled([
    startWranglerDev(VARS),
    startWranglerDev({ ALLOW_HTTP_TARGETS: "true" }),
    startWranglerDev(VARS),
    startWranglerDev(VARS),
  ]);
  const stop = async () => {
    await Promise.all(relays.map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
  };
  const failed = relays.find((r) => r.status === "rejected");
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const [relay, bare, shards, doctor] = relays.map(
    (r) => (r as PromiseFulfilledResult<WranglerDev>).value,
  );
  project.provide("relayUrl", (relay as WranglerDev).url);
  project.provide("bareRelayUrl", (bare as WranglerDev).url);
  project.provide("shardsRelayUrl", (shards as WranglerDev).url);
  project.provide("doctorRelayUrl", (doctor as WranglerDev).url);
  return stop;
}

declare module "vitest" {
  export interface ProvidedContext {
    relayUrl: string;
    bareRelayUrl: string;
    shardsRelayUrl: string;
    doctorRelayUrl: string;
  }
}
