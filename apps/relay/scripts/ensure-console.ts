/**
 * Builds the web console (apps/console) when its output is missing or older than its sources:
 * wrangler refuses to start without the static assets directory wrangler.jsonc names, and a
 * deploy must not ship a stale console. Turbo builds it before the root scripts; this covers
 * the relay's own scripts run from apps/relay.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { appDir } from "./dev-vars.ts";

const consoleDir = join(appDir, "..", "console");
const built = join(consoleDir, "dist", "index.html");

/** The newest modification time under the console's sources (src/, index.html, config). */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ["src", "index.html", "vite.config.ts", "package.json"]) {
    const path = join(consoleDir, entry);
    if (existsSync(path)) visit(path);
  }
  return newest;
}

if (!existsSync(built) || statSync(built).mtimeMs < newestSource()) {
  console.log("building the web console (apps/console) for the relay's static assets…");
  execFileSync(join(consoleDir, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], {
    cwd: consoleDir,
    stdio: "inherit",
  });
}
