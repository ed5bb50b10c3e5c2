/**
 * Starts the relay under a real `wrangler dev` for end-to-end tests: the repository's own
 * wrangler.jsonc, copied into a scratch folder beside a `.dev.vars` the test writes, so the
 * settings reach the Worker exactly the way a developer's do. Everything it starts is killed
 * by `stop()`, and on process exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The settings of a relay that test suites drive from outside (the CLI's, the console's):
 * their own credentials, http targets on this machine allowed, retries fast enough that a
 * failing target reaches `dead` within a test, and two shards.
 */
export function testRelayVars(credentials: {
  adminToken: string;
  callbackPassword: string;
}): Record<string, string> {
  return {
    CALLBACK_USERNAME: "bandwidth",
    CALLBACK_PASSWORD: credentials.callbackPassword,
    ADMIN_TOKEN: credentials.adminToken,
    ALLOW_HTTP_TARGETS: "true",
    RETRY_BASE_MS: "100",
    SHARD_COUNT: "2",
  };
}

export interface WranglerDev {
  url: string;
  /** The scratch folder: config, .dev.vars and the persisted state (`state/`). */
  dir: string;
  /** Stops wrangler; the folder is deleted unless `keepState` (to start again on the same state). */
  stop(opts?: { keepState?: boolean }): Promise<void>;
  logs(): string;
}

/**
 * A free port below the kernel's ephemeral range (32768 and up on Linux), where workerd and
 * every client socket take theirs, so only another test relay could take it before wrangler
 * binds it.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** wrangler.jsonc without its comment lines, `main` and `assets.directory` made absolute. */
function configFor(dir: string): string {
  const text = readFileSync(join(appDir, "wrangler.jsonc"), "utf8")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
  const config = JSON.parse(text) as Record<string, unknown>;
  delete config.$schema;
  config.main = join(appDir, String(config.main));
  // The console's static assets, relative to wrangler.jsonc like `main`.
  const assets = config.assets as { directory?: string } | undefined;
  if (assets?.directory) assets.directory = join(appDir, assets.directory);
  const path = join(dir, "wrangler.json");
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

class PortTaken extends Error {}

/**
 * `vars` become the `.dev.vars` file, one `NAME="value"` per line (newlines as \n). `dir`: the
 * folder of a relay stopped with `keepState`, to run again on its stored events and targets.
 */
export async function startWranglerDev(
  vars: Record<string, string>,
  opts: { dir?: string } = {},
): Promise<WranglerDev> {
  // A port found free can be taken before wrangler binds it (test suites start relays side by
  // side, and workerd binds ports of its own): then start again on new ports.
  for (let tries = 1; ; tries++) {
    try {
      return await startOnce(vars, opts);
    } catch (err) {
      if (!(err instanceof PortTaken) || tries === 5) throw err;
    }
  }
}

async function startOnce(
  vars: Record<string, string>,
  opts: { dir?: string },
): Promise<WranglerDev> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "bw-relay-e2e-"));
  const config = configFor(dir);
  writeFileSync(
    join(dir, ".dev.vars"),
    Object.entries(vars)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join("\n"),
  );
  const [port, inspector] = [await freePort(), await freePort()];
  let output = "";
  const child: ChildProcess = spawn(
    join(appDir, "node_modules", ".bin", "wrangler"),
    ["dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port)]
      .concat(["--inspector-port", String(inspector), "--persist-to", join(dir, "state")])
      .concat(["--log-level", "warn"]),
    {
      cwd: dir,
      detached: true,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", kill);
  const url = `http://127.0.0.1:${port}`;
  const stop = async (stopOpts: { keepState?: boolean } = {}) => {
    kill();
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (!stopOpts.keepState) rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      const taken = /Address already in use/.test(output);
      if (taken) await stop({ keepState: opts.dir !== undefined });
      throw new (taken ? PortTaken : Error)(`wrangler dev exited:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, dir, stop, logs: () => output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer /healthz within 90 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
