import type { RelayEnv } from "../config.ts";

/**
 * The `Authorization` header for Bandwidth's API (media downloads), from
 * `BANDWIDTH_API_USERNAME` / `BANDWIDTH_API_PASSWORD`; null when either is missing. The value
 * goes into that one request header only: never into a URL, a response or a log line.
 */
export function bandwidthApiAuthorization(env: RelayEnv): string | null {
  const username = env.BANDWIDTH_API_USERNAME;
  const password = env.BANDWIDTH_API_PASSWORD;
  if (!username || !password) return null;
  return `Basic ${btoa(`${username}:${password}`)}`;
}
