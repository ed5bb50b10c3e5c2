/**
 * Named profiles (local, staging, production, …) in a JSON file, and the local relay's
 * `.dev.vars`, which the CLI reads for the local relay's admin token and callback credentials
 * so that `bw-relay init` (strong local values) needs no extra step.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { CliError, EXIT } from "./errors.ts";

export interface Profile {
  url?: string;
  /** The admin token itself; prefer `tokenEnv` so the file holds no secret. */
  token?: string;
  /** The name of an environment variable that holds the admin token. */
  tokenEnv?: string;
  callbackUsername?: string;
  callbackPassword?: string;
  callbackPasswordEnv?: string;
}

export interface ConfigFile {
  defaultProfile?: string;
  profiles: Record<string, Profile>;
}

const PROFILE_KEYS = new Set([
  "url",
  "token",
  "tokenEnv",
  "callbackUsername",
  "callbackPassword",
  "callbackPasswordEnv",
]);

export function configPath(env: Record<string, string | undefined>): string {
  if (env.BW_RELAY_CONFIG) return resolve(env.BW_RELAY_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "bw-relay", "config.json");
}

export function loadConfig(path: string): ConfigFile {
  if (!existsSync(path)) return { profiles: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CliError(
      `${path} is not valid JSON (${(err as Error).message})`,
      EXIT.USAGE,
      "bad_config",
    );
  }
  const config = parsed as Partial<ConfigFile> | null;
  if (!config || typeof config !== "object" || typeof (config.profiles ?? {}) !== "object") {
    throw new CliError(`${path}: expected {"profiles": {…}}`, EXIT.USAGE, "bad_config");
  }
  for (const [name, profile] of Object.entries(config.profiles ?? {})) {
    const unknown = Object.keys(profile ?? {}).filter((k) => !PROFILE_KEYS.has(k));
    if (unknown.length > 0) {
      throw new CliError(
        `${path}: profile "${name}" has unknown field(s) ${unknown.join(", ")} (known: ${[...PROFILE_KEYS].join(", ")})`,
        EXIT.USAGE,
        "bad_config",
      );
    }
  }
  return { profiles: {}, ...config } as ConfigFile;
}

/** Written readable by the owner only: a profile may hold a token. */
export function saveConfig(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

/** The workspace's apps/relay folder, searching up from `cwd`; null outside the repository. */
export function findRelayDir(cwd: string): string | null {
  let dir = resolve(cwd);
  for (let i = 0; i < 12; i++) {
    const app = join(dir, "apps", "relay");
    if (existsSync(join(app, "wrangler.jsonc"))) return app;
    if (existsSync(join(dir, "wrangler.jsonc")) && existsSync(join(dir, ".dev.vars.example"))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** NAME=value lines, values optionally in double quotes (with \n escapes) as wrangler reads them. */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1]) continue;
    let value = match[2] ?? "";
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1);
    }
    vars[match[1]] = value;
  }
  return vars;
}

/** The local relay's settings from apps/relay/.dev.vars, when the CLI runs inside the repository. */
export function readLocalDevVars(
  cwd: string,
): { path: string; vars: Record<string, string> } | null {
  const app = findRelayDir(cwd);
  if (!app) return null;
  const path = join(app, ".dev.vars");
  if (!existsSync(path)) return null;
  return { path, vars: parseDevVars(readFileSync(path, "utf8")) };
}
