import { defineConfig } from "vitest/config";

/**
 * End-to-end tests against a real `wrangler dev` (test-e2e/), run in Node after the workerd
 * pool suite: what only the real local runtime shows, such as how .dev.vars reaches the Worker.
 */
export default defineConfig({
  test: {
    include: ["test-e2e/**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
