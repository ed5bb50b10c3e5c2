import { defineConfig } from "vite";

/**
 * The console is plain Preact compiled by Vite's own JSX transform (no preset plugin: no
 * Babel, no HMR runtime to ship). `dist/` is what apps/relay/wrangler.jsonc serves as the
 * Worker's static assets.
 */
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // One small app: a single JS and CSS file load faster than a waterfall of chunks.
    cssCodeSplit: false,
    reportCompressedSize: true,
  },
});
