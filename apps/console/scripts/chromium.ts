/**
 * Where the browser tests find Chromium (Debian's package; CHROMIUM_PATH overrides), and
 * `node scripts/chromium.ts`: one line saying whether `pnpm test` runs them, printed before
 * turbo hides the output of passing tasks.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(
    hasChromium
      ? `console browser tests: run with ${CHROMIUM}`
      : `console browser tests: SKIPPED, no Chromium at ${CHROMIUM} (sudo apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}
