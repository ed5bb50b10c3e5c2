import { defineConfig } from "vitest/config";

/**
 * The console's browser tests: one relay under `wrangler dev` and one headless Chromium for
 * the whole file (test/browser.ts). Waits are bounded conditions, never fixed sleeps.
 */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
