/**
 * `pnpm deploy:check` (part of `typecheck`, so of `pnpm test`): the deployed environments of
 * wrangler.jsonc, checked offline.
 * 1. Each environment repeats what wrangler does not inherit: every top-level var name, the
 *    same Durable Object bindings, migrations and R2 binding, and the cron; production keeps
 *    ALLOW_HTTP_TARGETS "false".
 * 2. `wrangler deploy --dry-run --env <env>` bundles each one (no account, no network) into a
 *    temporary folder, and any wrangler warning fails the check.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, stripVTControlCharacters } from "node:util";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const ENVIRONMENTS = ["staging", "production"] as const;

interface WranglerEnv {
  vars?: Record<string, string>;
  durable_objects?: unknown;
  migrations?: unknown;
  r2_buckets?: { binding: string }[];
  triggers?: unknown;
}

/** wrangler.jsonc holds whole-line comments only (test-e2e/wrangler-dev.ts reads it alike). */
function readConfig(): WranglerEnv & { env?: Record<string, WranglerEnv> } {
  const text = readFileSync(join(appDir, "wrangler.jsonc"), "utf8")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`wrangler.jsonc: only whole-line // comments, no trailing commas (${err})`);
  }
}

function driftProblems(): string[] {
  const config = readConfig();
  const problems: string[] = [];
  for (const name of ENVIRONMENTS) {
    const env = config.env?.[name];
    if (!env) {
      problems.push(`env.${name} is missing`);
      continue;
    }
    for (const key of Object.keys(config.vars ?? {})) {
      if (env.vars?.[key] === undefined) problems.push(`env.${name}.vars has no ${key}`);
    }
    for (const key of ["durable_objects", "migrations", "triggers"] as const) {
      if (!isDeepStrictEqual(env[key], config[key])) {
        problems.push(`env.${name}.${key} differs from the top level`);
      }
    }
    const bindings = (e: WranglerEnv) => (e.r2_buckets ?? []).map((b) => b.binding);
    if (!isDeepStrictEqual(bindings(env), bindings(config))) {
      problems.push(`env.${name}.r2_buckets binds other names than the top level`);
    }
  }
  if (config.env?.production?.vars?.ALLOW_HTTP_TARGETS !== "false") {
    problems.push('env.production.vars.ALLOW_HTTP_TARGETS must be "false"');
  }
  return problems;
}

function dryRun(env: string, outdir: string): Promise<{ env: string; ok: boolean; log: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      join(appDir, "node_modules", ".bin", "wrangler"),
      ["deploy", "--dry-run", "--env", env, "--outdir", outdir],
      {
        cwd: appDir,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let log = "";
    child.stdout.on("data", (chunk: Buffer) => {
      log += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      log += chunk;
    });
    child.on("close", (code) => {
      // wrangler colours its output whatever NO_COLOR says; read it without the escapes.
      const plain = stripVTControlCharacters(log);
      resolve({ env, ok: code === 0 && !/\[(WARNING|ERROR)\]/.test(plain), log: plain });
    });
  });
}

const problems = driftProblems();
for (const problem of problems) console.error(`wrangler.jsonc: ${problem}`);

const scratch = mkdtempSync(join(tmpdir(), "bw-relay-deploy-check-"));
try {
  // At once: the package scripts run ensure-console.ts first, so each dry run's build step
  // (wrangler.jsonc `build`) finds the console fresh and starts no Vite build of its own.
  const results = await Promise.all(ENVIRONMENTS.map((env) => dryRun(env, join(scratch, env))));
  for (const { env, ok, log } of results) {
    if (ok) console.log(`deploy --dry-run --env ${env}: ok`);
    else console.error(`deploy --dry-run --env ${env} failed or warned:\n${log}`);
  }
  if (problems.length > 0 || results.some((r) => !r.ok)) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
