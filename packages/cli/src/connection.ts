/**
 * Which relay a command talks to and with which credentials: flags, then an explicitly chosen
 * profile (--profile or BW_RELAY_PROFILE), then the environment, then the config file's
 * default profile, then the local development relay. An explicit profile beats the
 * environment so that `--profile production` never silently uses a BW_RELAY_URL left exported
 * in the shell.
 */

import { configPath, loadConfig, type Profile, readLocalDevVars } from "./config.ts";
import { CliError, EXIT, usageError } from "./errors.ts";
import type { Io } from "./io.ts";

export const LOCAL_URL = "http://127.0.0.1:8787";
export const DEV_ADMIN_TOKEN = "dev-admin-token";
export const DEV_CALLBACK_USERNAME = "bandwidth";
export const DEV_CALLBACK_PASSWORD = "dev-callback-password";

/** Each credential's environment variable, its name in .dev.vars, and its development value. */
const CREDENTIALS = {
  token: ["BW_RELAY_TOKEN", "ADMIN_TOKEN", DEV_ADMIN_TOKEN],
  user: ["BW_RELAY_CALLBACK_USERNAME", "CALLBACK_USERNAME", DEV_CALLBACK_USERNAME],
  password: ["BW_RELAY_CALLBACK_PASSWORD", "CALLBACK_PASSWORD", DEV_CALLBACK_PASSWORD],
} as const;

export interface GlobalOptions {
  url?: string;
  token?: string;
  profile?: string;
  json?: boolean;
  color?: boolean;
  callbackUser?: string;
  callbackPassword?: string;
}

export type Source = "flag" | "profile" | "env" | "dev-vars" | "default";

export interface Connection {
  url: string;
  token: string;
  tokenSource: Source;
  profile: string | null;
  /** The relay runs on this machine (127.0.0.1, localhost, ::1). */
  local: boolean;
  callback: { username: string; password: string; source: Source };
  /** apps/relay/.dev.vars when its values were used. */
  devVarsPath: string | null;
}

export function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
}

function checkUrl(url: string, from: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`${from}: "${url}" is not a URL (e.g. https://relay.example.com)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw usageError(`${from}: the relay URL must be http: or https:`);
  }
  return url.replace(/\/+$/, "");
}

/** The first defined value with where it came from. */
function pick(...candidates: [string | undefined, Source][]): [string, Source] | null {
  for (const [value, source] of candidates) if (value) return [value, source];
  return null;
}

export function resolveConnection(opts: GlobalOptions, io: Io): Connection {
  const env = io.env;
  const file = configPath(env);
  const config = loadConfig(file);
  const explicitName = opts.profile ?? env.BW_RELAY_PROFILE;
  const name = explicitName ?? config.defaultProfile;
  let profile: Profile | undefined;
  if (name !== undefined) {
    profile = config.profiles[name];
    if (!profile && name !== "local") {
      const known = Object.keys(config.profiles);
      throw new CliError(
        `no profile "${name}" in ${file}${known.length ? ` (profiles: ${known.join(", ")})` : ""}; add one with \`bw-relay profiles set ${name} --url …\``,
        EXIT.NOT_FOUND,
        "profile_not_found",
      );
    }
  }
  const fromProfile = (p: Profile | undefined) => ({
    url: p?.url,
    token: p?.token ?? (p?.tokenEnv ? env[p.tokenEnv] : undefined),
    user: p?.callbackUsername,
    password:
      p?.callbackPassword ?? (p?.callbackPasswordEnv ? env[p.callbackPasswordEnv] : undefined),
  });
  const chosen = fromProfile(explicitName !== undefined ? profile : undefined);
  const fallback = fromProfile(explicitName === undefined ? profile : undefined);
  const profileGivesToken = !opts.token && (explicitName !== undefined || !env.BW_RELAY_TOKEN);
  if (profile?.tokenEnv && !profile.token && !env[profile.tokenEnv] && profileGivesToken) {
    throw new CliError(
      `profile "${name}" reads its admin token from $${profile.tokenEnv}, which is not set`,
      EXIT.UNAUTHORIZED,
      "token_missing",
    );
  }

  const [rawUrl] = pick(
    [opts.url, "flag"],
    [chosen.url, "profile"],
    [env.BW_RELAY_URL, "env"],
    [fallback.url, "profile"],
  ) ?? [LOCAL_URL, "default"];
  const url = checkUrl(rawUrl, "--url");
  const local = isLocalUrl(url);
  // Only the local relay's own settings file may stand in for missing credentials.
  const dev = local ? readLocalDevVars(io.cwd) : null;
  // Each credential from the same places in the same order, then its development default.
  const setting = (key: keyof typeof CREDENTIALS, flag: string | undefined): [string, Source] => {
    const [envName, devName, development] = CREDENTIALS[key];
    return (
      pick(
        [flag, "flag"],
        [chosen[key], "profile"],
        [env[envName], "env"],
        [fallback[key], "profile"],
        [dev?.vars[devName], "dev-vars"],
      ) ?? [development, "default"]
    );
  };
  const [token, tokenSource] = setting("token", opts.token);
  const [username] = setting("user", opts.callbackUser);
  const [password, passwordSource] = setting("password", opts.callbackPassword);
  const usedDevVars = tokenSource === "dev-vars" || passwordSource === "dev-vars";
  return {
    url,
    token,
    tokenSource,
    profile: name ?? null,
    local,
    callback: { username, password, source: passwordSource },
    devVarsPath: usedDevVars ? (dev?.path ?? null) : null,
  };
}
