import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { KNOWN_EVENT_TYPES, normalize } from "@bw-relay/schema";
import type { Command } from "commander";
import { describe, expect, inject, it } from "vitest";
import { createApp } from "../src/context.ts";
import { buildProgram } from "../src/program.ts";
import { cli, deadPort, relayEnv, scratch, until } from "./helpers.ts";

const dead = `http://127.0.0.1:${await deadPort()}`;

const run = promisify(execFile);
const pkg = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(pkg, "..", "..");
const main = join(pkg, "src", "main.ts");
// Strip the coding-client noise a parent may set; the child decides colour from its streams.
const childEnv = (extra: Record<string, string> = {}) => {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...relayEnv(), ...extra };
  return env;
};
// ESC [ … m, written without a control character in the source.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);

function commandPaths(cmd: Command, path: string[] = []): string[][] {
  return cmd.commands.flatMap((c) =>
    c.name() === "help" ? [] : [[...path, c.name()], ...commandPaths(c, [...path, c.name()])],
  );
}

describe("the bw-relay process", () => {
  it("--help has examples on every command", async () => {
    const program = buildProgram(
      createApp({
        stdout: { write: () => true },
        stderr: { write: () => true },
        env: {},
        cwd: "/",
      }),
    );
    const paths = commandPaths(program);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const help = await cli([...path, "--help"]);
      expect(help.code, path.join(" ")).toBe(0);
      expect(help.stdout, path.join(" ")).toContain("Examples:\n  $ bw-relay ");
      expect(help.stdout, path.join(" ")).toContain("--json");
    }
  });

  it("a real process: exit codes, one line on stderr, no colour when piped, colour when forced", async () => {
    const failed = await run(process.execPath, [main, "stats"], {
      env: childEnv({ BW_RELAY_URL: dead }),
    }).catch((e) => e);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(
      /^error: cannot reach the relay at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)[^\n]*\n$/,
    );
    // The shared relay has the other files' failing targets: doctor warns there (exit 1), which
    // is no matter here; only its colours are.
    const doctor = (extra?: Record<string, string>) =>
      run(process.execPath, [main, "doctor"], { env: childEnv(extra) }).catch(
        (e: { code: number; stdout: string }) => {
          expect(e.code).toBe(1);
          return e;
        },
      );
    const piped = await doctor();
    expect(piped.stdout).toContain("✓ relay reachable");
    expect(piped.stdout).not.toMatch(ANSI);
    expect((await doctor({ FORCE_COLOR: "1" })).stdout).toMatch(ANSI);
    expect((await doctor({ FORCE_COLOR: "1", NO_COLOR: "1" })).stdout).not.toMatch(ANSI);
  });

  it("in a terminal: colour, unless NO_COLOR or --no-color", async () => {
    expect((await cli(["doctor"], { tty: true })).stdout).toMatch(ANSI);
    expect((await cli(["doctor"], { tty: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(ANSI);
    expect((await cli(["doctor", "--no-color"], { tty: true })).stdout).not.toMatch(ANSI);
    expect((await cli(["doctor", "--json"], { tty: true })).stdout).not.toMatch(ANSI);
  });

  it("Ctrl-C ends a tail cleanly with exit 0", async () => {
    const child = spawn(process.execPath, [main, "tail"], {
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    try {
      await until("the tail to connect", () => err.includes("connected to ws://"));
      const exited = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => resolve(code)),
      );
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("completion scripts: valid bash that completes commands, subcommands and options; fish", async () => {
    const bash = (await cli(["completion", "bash"])).stdout;
    execFileSync("bash", ["-n"], { input: bash });
    const complete = (...words: string[]) =>
      execFileSync("bash", [
        "-c",
        `${bash}\nCOMP_WORDS=(bw-relay ${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}; _bw_relay; echo "\${COMPREPLY[*]}"`,
      ])
        .toString()
        .trim()
        .split(" ");
    expect(complete("")).toEqual(
      expect.arrayContaining(["targets", "events", "tail", "listen", "trigger", "doctor"]),
    );
    expect(complete("targets", "")).toEqual(
      expect.arrayContaining(["list", "add", "rotate-secret", "test"]),
    );
    expect(complete("events", "list", "--s")).toEqual(["--status", "--since"]);
    expect(complete("--url", "http://x", "targets", "")).toContain("pause");
    const zsh = (await cli(["completion", "zsh"])).stdout;
    expect(zsh.startsWith("autoload -U +X bashcompinit && bashcompinit\n")).toBe(true);
    const fish = (await cli(["completion", "fish"])).stdout;
    expect(fish).toContain(
      'complete -c bw-relay -n "__fish_seen_subcommand_from targets" -a rotate-secret',
    );
    expect((await cli(["completion", "tcsh"])).code).toBe(2);
  });

  // CI machines and users have Node 20: the built bin must run there without flags.
  const node20 = (() => {
    for (const candidate of [process.env.BW_RELAY_NODE20, "/usr/bin/node", "/usr/local/bin/node"]) {
      if (!candidate) continue;
      try {
        const version = execFileSync(candidate, ["--version"]).toString().trim();
        if (/^v20\./.test(version)) return candidate;
      } catch {
        // not there
      }
    }
    return null;
  })();

  it.skipIf(!node20)(
    "the built bin runs on Node 20: help, trigger, the admin API and the WebSocket tail",
    async () => {
      const dir = scratch();
      const tsc = join(root, "node_modules", ".bin", "tsc");
      const schemaDir = join(dir, "node_modules", "@bw-relay", "schema");
      await Promise.all([
        run(tsc, ["-p", join(pkg, "tsconfig.build.json"), "--outDir", join(dir, "cli", "dist")]),
        run(tsc, [
          "-p",
          join(root, "packages", "schema", "tsconfig.build.json"),
          "--outDir",
          join(schemaDir, "dist"),
        ]),
      ]);
      // Lay the packages out as an install from the registry would, from their built files.
      writeFileSync(join(dir, "cli", "package.json"), JSON.stringify({ type: "module" }));
      writeFileSync(
        join(schemaDir, "package.json"),
        JSON.stringify({
          type: "module",
          exports: { ".": "./dist/index.js", "./encoding": "./dist/encoding.js" },
        }),
      );
      const link = (from: string, name: string) => {
        mkdirSync(dirname(join(dir, "node_modules", name)), { recursive: true });
        symlinkSync(
          realpathSync(join(from, "node_modules", name)),
          join(dir, "node_modules", name),
        );
      };
      for (const name of ["commander", "picocolors", "cli-table3", "ws", "cli-progress"])
        link(pkg, name);
      for (const name of ["valibot", "@noble/hashes"]) link(join(root, "packages", "schema"), name);
      const bin = join(dir, "cli", "dist", "main.js");
      const env = childEnv();
      expect((await run(node20 as string, [bin, "--version"], { env })).stdout).toBe("0.1.0\n");
      const out = await run(node20 as string, [bin, "trigger", "all", "--out", "-"], { env });
      const events = JSON.parse(out.stdout) as unknown[];
      expect(events).toHaveLength(KNOWN_EVENT_TYPES.length);
      for (const e of events) expect(normalize(e).success).toBe(true);
      expect((await run(node20 as string, [bin, "trigger", "sms"], { env })).stdout).toMatch(
        /1 accepted/,
      );
      expect(
        JSON.parse((await run(node20 as string, [bin, "stats", "--json"], { env })).stdout).events
          .total,
      ).toBeGreaterThan(0);
      // Until it says it is connected (however long that takes on a busy machine), then Ctrl-C.
      const tail = spawn(node20 as string, [bin, "tail", "--json"], {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let tailOut = "";
      tail.stdout.on("data", (c: Buffer) => (tailOut += c.toString()));
      const exited = new Promise<number | null>((resolve) => tail.on("exit", resolve));
      try {
        const connected = `"kind":"connected","url":"${inject("relayUrl").replace("http", "ws")}/api/tail"`;
        await until("the tail to connect", () => tailOut.includes(connected), 60_000);
        tail.kill("SIGINT");
        expect(await exited).toBe(0);
      } finally {
        tail.kill("SIGKILL");
      }
    },
    120_000,
  );
});
