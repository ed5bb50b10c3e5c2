import { defineConfig } from "vitest/config";

/**
 * Every test talks to a real relay: test/global-setup.ts starts the Worker under `wrangler dev`
 * once for the whole run (plus an unconfigured one for the not_configured errors), and the
 * files share it, each with its own names and message ids.
 */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Generous: CI runs every package at once on two cores, where spawning processes is slow.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
