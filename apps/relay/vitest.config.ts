import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        // Every setting is pinned here, so a developer's .dev.vars (which the plugin also
        // reads) never changes what the tests see.
        bindings: {
          ALLOW_HTTP_TARGETS: "false",
          RETENTION_HOURS: "48",
          RETRY_BASE_MS: "5000",
          MEDIA_MODE: "passthrough",
          MEDIA_ARCHIVE: "off",
          CALLBACK_USERNAME: "bandwidth",
          CALLBACK_PASSWORD: "test-callback-password",
          CALLBACK_CREDENTIALS: "outbound-app:outbound-password\nthird:pass,with-comma:ok",
          ADMIN_TOKEN: "test-admin-token",
          SHARD_COUNT: "4",
          MAX_BODY_BYTES: "65536",
          MEDIA_SIGNING_KEY: "test-media-key-1",
          BANDWIDTH_API_USERNAME: "bw-api-user",
          BANDWIDTH_API_PASSWORD: "bw-api-secret-password",
          PUBLIC_URL: "",
          MEDIA_ACCOUNT_IDS: "",
          SHARD_LOCATION_HINT: "",
          SHARD_JURISDICTION: "",
        },
        // Anything that leaves the isolate without going through the test's fetch stub fails loudly.
        outboundService: (request: Request) =>
          new Response(`unexpected outbound request: ${request.method} ${request.url}`, {
            status: 599,
          }),
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // Time inside the tests is a fake clock; this bounds wall time only. CI runs every
    // package at once on two cores, where the fuzz and load tests take several times their
    // idle 2 s: a timeout marks a hang, not a slow machine.
    testTimeout: 60_000,
    // test/fuzz.test.ts: a fixed seed in `pnpm test`; `pnpm test:fuzz` sets FUZZ_RUNS/FUZZ_SEED.
    provide: {
      fuzz: {
        runs: Number(process.env.FUZZ_RUNS ?? 120),
        seed: Number(process.env.FUZZ_SEED ?? 20261130),
      },
    },
    restoreMocks: true,
  },
});
