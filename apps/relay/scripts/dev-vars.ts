/**
 * Makes sure apps/relay/.dev.vars exists, copying .dev.vars.example when it does not, so
 * `pnpm dev` and `pnpm start` both run with the documented development settings. Run directly
 * (`node scripts/dev-vars.ts`) or imported.
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Creates .dev.vars when missing; returns its settings (NAME=value lines). */
export function ensureDevVars(): Record<string, string> {
  const path = join(appDir, ".dev.vars");
  if (!existsSync(path)) {
    copyFileSync(join(appDir, ".dev.vars.example"), path);
    console.log("created apps/relay/.dev.vars from .dev.vars.example");
  }
  return Object.fromEntries(
    readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureDevVars();
