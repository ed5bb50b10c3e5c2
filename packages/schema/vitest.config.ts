import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The property and fuzz tests are CPU-bound (about 1 s each on an idle machine); CI runs
    // every package's tests and typechecks at once on two cores, where they took 7 s. A
    // timeout here marks a hang, not a slow machine.
    testTimeout: 60_000,
    typecheck: { include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
