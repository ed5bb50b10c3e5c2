/**
 * Child processes of a benchmark or chaos run: `wrangler dev` instances (relay and baseline) on
 * fixed loopback ports, each in its own process group with its own state directory and log file.
 * Everything started here is killed when the run ends, fails or is interrupted.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const appDir = join(benchDir, "..");
const wranglerBin = join(appDir, "node_modules", ".bin", "wrangler");

/** Scratch space of this run: env files, `--persist-to` state, logs. */
export const workDir = mkdtempSync(join(tmpdir(), "bw-relay-bench-"));

/** Without internet, wrangler dev logs that it cannot fetch `Request.cf`; harmless. */
const STARTUP_NOISE = /Request\.cf|workers\.cloudflare\.com/;
/** wrangler colours its error lines; the reports print them as plain text. */
const ANSI_COLOURS = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

const groups = new Set<ChildProcess>();
const cleanups = new Set<() => void>();

/** Registers something to undo when the process exits (a server to close...). */
export function onExit(fn: () => void): void {
  cleanups.add(fn);
}

function killAll(): void {
  for (const child of groups) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  groups.clear();
  for (const fn of cleanups) fn();
  cleanups.clear();
}

process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the processes of this run`);
    killAll();
    process.exit(130);
  });
}

/** Removes the scratch directory (kept when a run fails, for its logs). */
export function removeWorkDir(): void {
  rmSync(workDir, { recursive: true, force: true });
}

/** Fails with a clear message when something already listens on a port we need. */
export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === "EADDRINUSE"
            ? `port ${port} on 127.0.0.1 is busy; this run needs it ` +
                `(stop what uses it: \`ss -ltnp 'sport = :${port}'\`)`
            : `cannot bind 127.0.0.1:${port}: ${err.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/**
 * Starts a local HTTP server (receiver, target) on 127.0.0.1:`port`, after checking the port is
 * free; it is closed, with its open connections, when the run exits.
 */
export async function listenOnLoopback(server: Server, port: number): Promise<Server> {
  await assertPortFree(port);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  onExit(() => {
    server.closeAllConnections();
    server.close();
  });
  return server;
}

/** Waits until `port` can be bound (a killed process's sockets close as it is torn down). */
export async function waitPortFree(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertPortFree(port);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface Wrangler {
  name: string;
  /** Process group of wrangler and its workerd. */
  pid: number;
  url: string;
  logFile: string;
  /** The last lines of its output, for error reports. */
  tail(lines?: number): string;
  /** Log lines that report an error or a 5xx answer (wrangler's start-up noise left out). */
  errorLines(): string[];
  stop(): Promise<void>;
  /** SIGKILL of the whole process group (wrangler and workerd), as a crash would; waits for it. */
  kill(): Promise<void>;
}

export interface WranglerOptions {
  /** Label for logs and messages. */
  name: string;
  /** Folder holding the wrangler.jsonc. */
  cwd: string;
  port: number;
  inspectorPort: number;
  /** Vars and secrets, written to a temporary env file (`--env-file`); .dev.vars is not read. */
  vars?: Record<string, string>;
  /**
   * Serve the bundle a previous start with the same `name` built, instead of bundling again:
   * a restart on the same state then runs the same code, whatever was edited meanwhile.
   */
  reuseBundle?: boolean;
}

/**
 * Starts `wrangler dev` with fresh state and waits until `GET /healthz` answers 200.
 * The Worker is bundled once first (`wrangler deploy --dry-run --outdir`) and served with
 * `--no-bundle`, with a copy of wrangler.jsonc: wrangler dev watches the sources it bundles and
 * its config, and reloads the Worker when they change, failing the requests in flight with 503,
 * and the sources and the config may be edited meanwhile.
 */
export async function startWrangler(opts: WranglerOptions): Promise<Wrangler> {
  await assertPortFree(opts.port);
  await assertPortFree(opts.inspectorPort);
  const logFile = join(workDir, `${opts.name}.log`);
  const buildDir = join(workDir, `${opts.name}-build`);
  const envFile = join(workDir, `${opts.name}.env`);
  writeFileSync(
    envFile,
    Object.entries(opts.vars ?? {})
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, WRANGLER_SEND_METRICS: "false" };
  // wrangler also reads vars and secrets from the environment: pass ours only through the file.
  for (const key of Object.keys(opts.vars ?? {})) delete env[key];
  const out = openSync(logFile, "a");
  const reuse = opts.reuseBundle === true && existsSync(join(buildDir, "index.js"));
  const build = reuse
    ? { status: 0 }
    : spawnSync(wranglerBin, ["deploy", "--dry-run", "--outdir", buildDir], {
        cwd: opts.cwd,
        env,
        stdio: ["ignore", out, out],
      });
  if (build.status !== 0) {
    throw new Error(
      `${opts.name}: wrangler could not bundle the Worker:\n${readFileSync(logFile, "utf8")}`,
    );
  }
  // wrangler dev also reloads when its config file changes: serve a copy taken with the bundle.
  // Relative paths in it would resolve from the build folder: `main` is replaced by the bundle
  // given on the command line, and the static assets' directory is made absolute here.
  const config = join(buildDir, "wrangler.jsonc");
  if (!reuse) {
    const text = readFileSync(join(opts.cwd, "wrangler.jsonc"), "utf8").replace(
      /("directory"\s*:\s*")([^"]+)(")/g,
      (_, open: string, dir: string, close: string) => `${open}${resolve(opts.cwd, dir)}${close}`,
    );
    writeFileSync(config, text);
  }
  const args = [
    "dev",
    join(buildDir, "index.js"),
    "--no-bundle",
    "--config",
    config,
    "--ip",
    "127.0.0.1",
    "--port",
    String(opts.port),
    "--inspector-port",
    String(opts.inspectorPort),
    "--persist-to",
    join(workDir, `${opts.name}-state`),
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
  ];
  const child = spawn(wranglerBin, args, {
    cwd: opts.cwd,
    env,
    detached: true, // own process group: stop() kills wrangler and workerd together
    stdio: ["ignore", out, out],
  });
  groups.add(child);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = signal ?? `code ${code}`;
      groups.delete(child);
      resolve();
    }),
  );

  const url = `http://127.0.0.1:${opts.port}`;
  const handle: Wrangler = {
    name: opts.name,
    pid: child.pid ?? 0,
    url,
    logFile,
    tail: (lines = 30) => readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n"),
    errorLines: () =>
      readFileSync(logFile, "utf8")
        .split("\n")
        .map((l) => l.replace(ANSI_COLOURS, ""))
        .filter((l) => /error|exception|uncaught|✘| 5\d\d /i.test(l) && !STARTUP_NOISE.test(l)),
    async stop() {
      if (exited !== null || !child.pid) return;
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }, 5_000);
      await exit;
      clearTimeout(timer);
    },
    async kill() {
      if (exited !== null || !child.pid) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        return;
      }
      await exit;
      // wrangler is gone; its workerd processes may still hold the ports for a moment.
      await waitPortFree(opts.port);
      await waitPortFree(opts.inspectorPort);
    },
  };

  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(
        `${opts.name}: wrangler dev exited (${exited}) before it was ready:\n${handle.tail()}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return handle;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await handle.stop();
  throw new Error(`${opts.name}: not ready within 90 s (log: ${logFile}):\n${handle.tail()}`);
}
