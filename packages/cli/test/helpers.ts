/**
 * Runs the CLI in-process against the test relay: `run(argv, io)` with captured output, an
 * environment pointing at the relay, and a scratch config and working directory (so no real
 * ~/.config or apps/relay/.dev.vars leaks in).
 */
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { run } from "../src/run.ts";
import { ADMIN_TOKEN, CALLBACK_PASSWORD } from "./global-setup.ts";

export { ADMIN_TOKEN, CALLBACK_PASSWORD };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
  lines(): string[];
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  tty?: boolean;
  /** Called with each chunk written to stdout, as it is written. */
  onStdout?(chunk: string): void;
  onStderr?(chunk: string): void;
}

export const scratch = () => mkdtempSync(join(tmpdir(), "bw-relay-cli-test-"));

const home = scratch();

export function relayEnv(): Record<string, string> {
  return {
    BW_RELAY_URL: inject("relayUrl"),
    BW_RELAY_TOKEN: ADMIN_TOKEN,
    BW_RELAY_CALLBACK_PASSWORD: CALLBACK_PASSWORD,
    HOME: home,
    BW_RELAY_CONFIG: join(home, "config.json"),
  };
}

export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const tty = options.tty ?? false;
  const env = { ...relayEnv(), ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const stream = (write: (chunk: string) => void) => ({ write, isTTY: tty, columns: 120 });
  const code = await run(args, {
    stdout: stream((chunk) => {
      stdout += chunk;
      options.onStdout?.(chunk);
    }),
    stderr: stream((chunk) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    }),
    env,
    cwd: options.cwd ?? home,
    signal: options.signal,
  });
  return {
    code,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
    lines: () => stdout.split("\n").filter(Boolean),
  };
}

/** Waits for `check` to hold, polling every 50 ms, for at most `ms`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  url: string;
}

/** A local HTTP server on a free port that records each request and answers `status`. */
export async function receiver(
  status = 204,
): Promise<{ url: string; received: Received[]; close(): Promise<void>; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body, url: req.url ?? "" });
      res.writeHead(status, { "content-type": "text/plain" }).end(`answer ${status}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A unique name per test, so files sharing the relay never see each other's targets. */
export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Posts raw callback events straight to the relay (what Bandwidth would do). */
export async function postCallbacks(
  events: unknown[],
  relayUrl = inject("relayUrl"),
): Promise<{ ids: string[] }> {
  const res = await fetch(`${relayUrl}/callbacks`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`bandwidth:${CALLBACK_PASSWORD}`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(events),
  });
  if (res.status !== 200)
    throw new Error(`POST /callbacks answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { ids: string[] };
}

/** A port nothing listens on (bound, read, closed): "connection refused", unlike fetch's banned ports. */
export async function deadPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === "object" && address ? address.port : 1;
}
