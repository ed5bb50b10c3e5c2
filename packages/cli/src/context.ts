/**
 * What every command action gets: the output, the resolved connection and API client (made
 * on first use, so `--help`, `init` or `trigger --out` need no relay), and a way to set the
 * exit code without throwing.
 */
import { type Command, InvalidArgumentError } from "commander";
import { ApiClient } from "./client.ts";
import { type Connection, type GlobalOptions, resolveConnection } from "./connection.ts";
import type { ExitCode } from "./errors.ts";
import type { Io } from "./io.ts";
import { Output, wantsColor } from "./output.ts";

export interface Ctx {
  io: Io;
  out: Output;
  opts: GlobalOptions;
  conn(): Connection;
  api(): ApiClient;
  /** Aborted by Ctrl-C (or the test): long-running commands stop and return. */
  signal: AbortSignal;
  setExit(code: ExitCode): void;
}

export interface App {
  io: Io;
  exitCode: ExitCode;
  ctx(cmd: Command): Ctx;
}

export function createApp(io: Io): App {
  const app: App = {
    io,
    exitCode: 0,
    ctx(cmd) {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const out = new Output(io, Boolean(opts.json), !opts.json && wantsColor(io, opts.color));
      let conn: Connection | undefined;
      let api: ApiClient | undefined;
      const getConn = () => {
        conn ??= resolveConnection(opts, io);
        return conn;
      };
      return {
        io,
        out,
        opts,
        conn: getConn,
        api() {
          api ??= new ApiClient(getConn());
          return api;
        },
        signal: io.signal ?? new AbortController().signal,
        setExit(code) {
          app.exitCode = code;
        },
      };
    },
  };
  return app;
}

/** "Examples:" after a command's help, one `$ bw-relay …` per line. */
export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText(
    "after",
    `\nExamples:\n${lines.map((l) => (l.startsWith("#") ? `  ${l}` : `  $ bw-relay ${l}`)).join("\n")}\n`,
  );
}

/** Collects a repeatable option; commas split too (`--type a,b --type c`). */
export function collect(value: string, previous: string[] = []): string[] {
  return previous.concat(
    value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

export function intOption(name: string, min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}
