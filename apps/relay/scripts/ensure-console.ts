/**
 * Builds the web console (apps/console) when its output is missing: wrangler refuses to start
 * without the static assets directory wrangler.jsonc names. Turbo builds it before the root
 * scripts; this covers the relay's own scripts run from apps/relay on a fresh clone.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { appDir } from "./dev-vars.ts";

const consoleDir = join(appDir, "..", "console");
if (!existsSync(join(consoleDir, "dist", "index.html"))) {
  console.log("building the web console (apps/console) for the relay's static assets…");
  execFileSync(join(consoleDir, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], {
    cwd: consoleDir,
    stdio: "inherit",
  });
}
