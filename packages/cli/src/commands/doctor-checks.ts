/** The checks `bw-relay doctor` runs, each from outside the relay, through its public routes. */
import type { Settings } from "../api-types.ts";
import type { ApiClient } from "../client.ts";
import { CliError } from "../errors.ts";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
}

export const check = (id: string, title: string, status: CheckStatus, detail: string): Check => ({
  id,
  title,
  status,
  detail,
});

/** /healthz, and the clock skew from its Date header (whole seconds, so ±1 s is noise). */
export async function reachable(api: ApiClient): Promise<Check[]> {
  const before = Date.now();
  let res: Awaited<ReturnType<ApiClient["request"]>>;
  try {
    res = await api.request("GET", "/healthz", { auth: "none", timeoutMs: 10_000 });
  } catch (err) {
    return [check("reachable", "relay reachable", "fail", (err as Error).message)];
  }
  const checks = [
    check(
      "reachable",
      "relay reachable",
      "ok",
      `GET /healthz answered ${res.status} in ${res.durationMs}ms`,
    ),
  ];
  const date = Date.parse(res.headers.get("date") ?? "");
  if (Number.isNaN(date)) {
    checks.push(check("clock", "clock skew", "skip", "the relay sent no Date header"));
  } else {
    const local = (before + Date.now()) / 2;
    const skew = Math.round((date + 500 - local) / 1000);
    const abs = Math.abs(skew);
    const status = abs <= 30 ? "ok" : abs < 300 ? "warn" : "fail";
    checks.push(
      check(
        "clock",
        "clock skew",
        status,
        `${skew >= 0 ? "+" : ""}${skew}s against this machine${status === "ok" ? "" : ": signature timestamps allow 300 s; fix this machine's clock (NTP)"}`,
      ),
    );
  }
  return checks;
}

export async function adminToken(
  api: ApiClient,
): Promise<{ check: Check; settings: Settings | null }> {
  try {
    const { settings } = await api.get<{ settings: Settings }>("/api/settings");
    return { check: check("admin", "admin token", "ok", "accepted (GET /api/settings)"), settings };
  } catch (err) {
    return { check: check("admin", "admin token", "fail", (err as Error).message), settings: null };
  }
}

export function secrets(s: Settings, local: boolean): Check[] {
  const checks: Check[] = [];
  const creds = s.CALLBACK_CREDENTIALS;
  const title = "callback credentials set";
  // `pairs` counts every accepted pair: CALLBACK_USERNAME/PASSWORD and CALLBACK_CREDENTIALS.
  if ("refused" in creds) {
    checks.push(
      check("callback-secrets", title, "fail", `CALLBACK_CREDENTIALS is refused: ${creds.refused}`),
    );
  } else if (creds.pairs === 0) {
    checks.push(
      check(
        "callback-secrets",
        title,
        "fail",
        "no callback credentials: set CALLBACK_USERNAME and CALLBACK_PASSWORD (`bw-relay init`)",
      ),
    );
  } else {
    const half = (s.CALLBACK_USERNAME === "set") !== (s.CALLBACK_PASSWORD === "set");
    checks.push(
      check(
        "callback-secrets",
        title,
        half ? "warn" : "ok",
        `${creds.pairs} accepted pair(s); CALLBACK_USERNAME ${s.CALLBACK_USERNAME}, CALLBACK_PASSWORD ${s.CALLBACK_PASSWORD}${half ? ": one without the other is ignored" : ""}`,
      ),
    );
  }
  if (s.MEDIA_MODE === "proxy") {
    const problems: string[] = [];
    if (s.MEDIA_SIGNING_KEY.keys === 0)
      problems.push("MEDIA_SIGNING_KEY is unset (links are not rewritten)");
    if (s.BANDWIDTH_API_USERNAME === "unset" || s.BANDWIDTH_API_PASSWORD === "unset") {
      if (s.MEDIA_ARCHIVE !== "r2")
        problems.push("BANDWIDTH_API_USERNAME/PASSWORD unset (the proxy cannot fetch media)");
    }
    if (!local && !s.PUBLIC_URL) problems.push("PUBLIC_URL unset (deployed, links need it)");
    checks.push(
      check(
        "media",
        "media settings",
        problems.length ? "fail" : "ok",
        problems.length
          ? problems.join("; ")
          : `proxy with ${s.MEDIA_SIGNING_KEY.keys} signing key(s), archive ${s.MEDIA_ARCHIVE}`,
      ),
    );
  } else {
    checks.push(
      check("media", "media settings", "ok", "passthrough (media URLs reach targets unchanged)"),
    );
  }
  if (s.ALLOW_HTTP_TARGETS && !local) {
    checks.push(
      check(
        "http-targets",
        "plain-http targets",
        "warn",
        "ALLOW_HTTP_TARGETS is true on a deployed relay: deliveries may go out unencrypted",
      ),
    );
  }
  return checks;
}

/** Without credentials: 401 with a Basic challenge, which is what makes Bandwidth send them. */
export async function challenge(api: ApiClient): Promise<Check> {
  const title = "callback challenge";
  try {
    const res = await api.request("POST", "/callbacks", {
      auth: "none",
      body: [],
      accept: [400, 401, 503],
    });
    const wwwAuth = res.headers.get("www-authenticate") ?? "";
    if (res.status === 401 && /^basic/i.test(wwwAuth))
      return check("challenge", title, "ok", `401 with WWW-Authenticate: ${wwwAuth}`);
    const code = (res.body as { error?: { code?: string; message?: string } } | null)?.error;
    return check(
      "challenge",
      title,
      "fail",
      `expected 401 with a Basic challenge, got ${res.status}${code ? ` ${code.code}: ${code.message}` : ""}`,
    );
  } catch (err) {
    return check("challenge", title, "fail", (err as Error).message);
  }
}

/**
 * With credentials and an empty array: 400 empty_batch comes after authentication and stores
 * nothing, so it proves the credentials without adding an event.
 */
export async function credentials(api: ApiClient, known: boolean): Promise<Check> {
  const title = "callback credentials accepted";
  if (!known) {
    return check(
      "credentials",
      title,
      "skip",
      "no callback password given: pass --callback-password, set BW_RELAY_CALLBACK_PASSWORD or a profile's callbackPasswordEnv",
    );
  }
  try {
    const res = await api.request("POST", "/callbacks", {
      auth: "basic",
      body: [],
      accept: [400, 401, 503],
    });
    const error = (res.body as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 400 && error?.code === "empty_batch") {
      return check(
        "credentials",
        title,
        "ok",
        `user "${api.conn.callback.username}" accepted (an empty batch: nothing stored)`,
      );
    }
    if (res.status === 401)
      return check(
        "credentials",
        title,
        "fail",
        `user "${api.conn.callback.username}" refused (401): the password differs from the relay's`,
      );
    return check(
      "credentials",
      title,
      "fail",
      `${res.status} ${error?.code ?? ""}: ${error?.message ?? ""}`.trim(),
    );
  } catch (err) {
    return check("credentials", title, "fail", err instanceof CliError ? err.message : String(err));
  }
}
