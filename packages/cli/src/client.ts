/**
 * The admin API over fetch. Every failure becomes one clear line and its exit code: the relay
 * cannot be reached, refuses the token, is not configured, or refuses the request (with the
 * relay's own error code and sentence).
 */
import type { Connection } from "./connection.ts";
import { CliError, EXIT } from "./errors.ts";

export const USER_AGENT = "bw-relay-cli/0.1.0";

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** "basic" sends the callback credentials (POST /callbacks); "none" sends nothing. */
  auth?: "bearer" | "basic" | "none";
  /** Answers to hand back instead of throwing (e.g. doctor's deliberate 401 and 400). */
  accept?: number[];
  timeoutMs?: number;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  durationMs: number;
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** Why fetch failed, in words: "connection refused", "host not found", "timed out". */
export function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code;
  if ((err as Error)?.name === "TimeoutError") return "timed out";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET") return "connection reset";
  if (code === "UND_ERR_CONNECT_TIMEOUT") return "connection timed out";
  return cause?.message ?? (err as Error)?.message ?? String(err);
}

export class ApiClient {
  readonly conn: Connection;

  constructor(conn: Connection) {
    this.conn = conn;
  }

  unreachable(err: unknown): CliError {
    const hint = this.conn.local
      ? "is it running? Start it with `npx -y pnpm@12 dev`, or pass --url / set BW_RELAY_URL"
      : "check --url, BW_RELAY_URL or the profile's url";
    return new CliError(
      `cannot reach the relay at ${this.conn.url} (${describeNetworkError(err)}): ${hint}`,
      EXIT.UNREACHABLE,
      "unreachable",
    );
  }

  /** The error for a non-2xx answer of the relay. */
  failure(status: number, body: unknown, auth: RequestOptions["auth"]): CliError {
    const error = (body as ErrorBody | null)?.error;
    const code = error?.code ?? `http_${status}`;
    const message = error?.message ?? `HTTP ${status}`;
    const where = `the relay at ${this.conn.url}`;
    if (status === 401 && auth === "basic") {
      return new CliError(
        `${where} refused the callback credentials for user "${this.conn.callback.username}" (401): check --callback-user/--callback-password, BW_RELAY_CALLBACK_USERNAME/BW_RELAY_CALLBACK_PASSWORD or the profile`,
        EXIT.UNAUTHORIZED,
        "unauthorized",
      );
    }
    if (status === 401) {
      return new CliError(
        `${where} refused the admin token (401 unauthorized): check --token, BW_RELAY_TOKEN or the profile's token`,
        EXIT.UNAUTHORIZED,
        "unauthorized",
      );
    }
    if (status === 503 && code === "not_configured") {
      return new CliError(
        `${where} is not configured (503 not_configured: ${message}) — set its secrets with \`bw-relay init\``,
        EXIT.NOT_CONFIGURED,
        "not_configured",
      );
    }
    const exit = status === 404 ? EXIT.NOT_FOUND : status >= 500 ? EXIT.FAILURE : EXIT.REFUSED;
    return new CliError(`${status} ${code}: ${message}`, exit, code);
  }

  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(this.conn.url + path);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const auth = options.auth ?? "bearer";
    const headers: Record<string, string> = {
      "user-agent": USER_AGENT,
      accept: "application/json",
    };
    if (auth === "bearer") headers.authorization = `Bearer ${this.conn.token}`;
    if (auth === "basic") {
      const pair = `${this.conn.callback.username}:${this.conn.callback.password}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    }
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    const text = await res.text().catch(() => "");
    const durationMs = Math.round(performance.now() - started);
    let parsed: unknown = null;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (
      text !== "" &&
      parsed === null &&
      res.headers.get("content-type")?.includes("json") !== true
    ) {
      if (!options.accept?.includes(res.status) && path !== "/metrics") {
        throw new CliError(
          `${this.conn.url} answered ${res.status} with ${res.headers.get("content-type") ?? "no content type"}, not JSON: is it a bw-relay?`,
          EXIT.UNREACHABLE,
          "not_a_relay",
        );
      }
    }
    if (!res.ok && !options.accept?.includes(res.status)) {
      throw this.failure(res.status, parsed, auth);
    }
    return { status: res.status, headers: res.headers, body: parsed as T, durationMs };
  }

  async get<T>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return (await this.request<T>("GET", path, { query })).body;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.request<T>("POST", path, { body: body ?? {} })).body;
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>("PATCH", path, { body })).body;
  }

  async delete(path: string): Promise<void> {
    await this.request("DELETE", path);
  }
}
