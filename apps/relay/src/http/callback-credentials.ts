import type { RelayEnv } from "../config.ts";

/** The `user:password` pairs callbacks may carry, or why the settings cannot be used. */
export type CallbackCredentials = { pairs: string[] } | { problem: string };

const cache = new WeakMap<object, CallbackCredentials>();

/**
 * The pairs Bandwidth may send: `CALLBACK_USERNAME`/`CALLBACK_PASSWORD` plus the optional
 * `CALLBACK_CREDENTIALS` (a Bandwidth application has separate inbound and outbound callback
 * credentials, and applications may share a relay). Read once per environment. A malformed
 * setting is refused whole, never half-parsed: a pair cut short would be weaker than meant.
 * Problems name the setting and the entry, never a value.
 */
export function callbackCredentials(env: RelayEnv): CallbackCredentials {
  let parsed = cache.get(env);
  if (!parsed) {
    parsed = parse(env);
    if ("problem" in parsed) console.error(`callback credentials refused: ${parsed.problem}`);
    cache.set(env, parsed);
  }
  return parsed;
}

function parse(env: RelayEnv): CallbackCredentials {
  const pairs: string[] = [];
  const user = env.CALLBACK_USERNAME ?? "";
  const password = env.CALLBACK_PASSWORD ?? "";
  if (user !== "" || password !== "") {
    const problem = pairProblem(user, password);
    if (problem) return { problem: `CALLBACK_USERNAME/CALLBACK_PASSWORD: ${problem}` };
    pairs.push(`${user}:${password}`);
  }
  const extra = (env.CALLBACK_CREDENTIALS ?? "").trim();
  if (extra === "") return { pairs };
  // JSON that is not an array would otherwise read as a line with a colon in it.
  if (extra.startsWith("{")) {
    return { problem: "CALLBACK_CREDENTIALS: is a JSON object; give an array of pairs" };
  }
  const more = extra.startsWith("[") ? fromJson(extra) : fromLines(extra);
  if ("problem" in more) return { problem: `CALLBACK_CREDENTIALS: ${more.problem}` };
  return { pairs: [...pairs, ...more.pairs] };
}

/** `[{"username": "…", "password": "…"}, …]` */
function fromJson(text: string): CallbackCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: "starts with [ but is not valid JSON" };
  }
  if (!Array.isArray(value)) return { problem: "must be a JSON array of pairs" };
  const pairs: string[] = [];
  for (const [i, entry] of value.entries()) {
    const { username, password } = (entry ?? {}) as Record<string, unknown>;
    if (typeof username !== "string" || typeof password !== "string") {
      return { problem: `entry ${i + 1} must be {"username": "…", "password": "…"}` };
    }
    const problem = pairProblem(username, password);
    if (problem) return { problem: `entry ${i + 1}: ${problem}` };
    pairs.push(`${username}:${password}`);
  }
  return { pairs };
}

/** One `user:password` per line; the first colon splits, so a password may hold any. */
function fromLines(text: string): CallbackCredentials {
  const pairs: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon < 0) return { problem: `line ${i + 1} has no colon (user:password)` };
    const problem = pairProblem(line.slice(0, colon), line.slice(colon + 1));
    if (problem) return { problem: `line ${i + 1}: ${problem}` };
    pairs.push(line);
  }
  return { pairs };
}

function pairProblem(username: string, password: string): string | null {
  if (username === "") return "the username is empty";
  // HTTP Basic cannot carry a colon in the user name: such a pair could never match.
  if (username.includes(":")) return "the username contains a colon";
  if (password === "") return "the password is empty";
  return null;
}
