/**
 * The console's only way to the relay: same-origin fetches to /api/* with the admin token as a
 * bearer header. The token lives in sessionStorage (gone when the tab closes, never in a URL
 * or in localStorage where every later visitor of the machine would find it).
 */

const TOKEN_KEY = "bw-relay-console-token";

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An answer other than 2xx, with the relay's `{error: {code, message}}` when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Listeners told when the relay refuses the token, so the app can return to sign-in. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = getToken(),
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: an HTML error page from something in front of the relay, say.
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
    const err = new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? `HTTP ${response.status}`,
    );
    if (response.status === 401) for (const listener of unauthorizedListeners) listener();
    throw err;
  }
  return parsed as T;
}

/** A sentence for the user from whatever a call threw. */
export function describeFailure(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === "unauthorized") return "The relay refused this admin token.";
    if (err.code === "not_configured") {
      return `The relay is not configured: ${err.message} Set ADMIN_TOKEN (wrangler secret put ADMIN_TOKEN, or .dev.vars locally).`;
    }
    return `${err.message} (${err.code}, HTTP ${err.status})`;
  }
  if (err instanceof TypeError) return "The relay could not be reached.";
  return String(err);
}
