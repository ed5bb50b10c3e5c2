/**
 * Runs the CLI on `argv` (without the node and script paths) and returns the exit code, never
 * calling process.exit: main.ts exits with it, and tests call it in-process.
 */
import { CommanderError } from "commander";
import { createApp } from "./context.ts";
import { CliError, EXIT } from "./errors.ts";
import type { Io } from "./io.ts";
import { Output, wantsColor } from "./output.ts";
import { buildProgram } from "./program.ts";

export async function run(argv: string[], io: Io): Promise<number> {
  const app = createApp(io);
  const program = buildProgram(app);
  const json = argv.includes("--json");
  const out = new Output(io, json, !json && !argv.includes("--no-color") && wantsColor(io, true));
  try {
    await program.parseAsync(argv, { from: "user" });
    return app.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version "fail" with exit code 0; parse errors were printed already.
      if (
        err.exitCode === 0 ||
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version"
      )
        return EXIT.OK;
      if (err.code === "commander.help") return EXIT.OK;
      if (json)
        out.data({ error: { code: "usage", message: err.message.replace(/^error: /, "") } });
      return EXIT.USAGE;
    }
    if (err instanceof CliError) {
      if (json) out.data({ error: { code: err.code, message: err.message } });
      else out.error(err.message);
      return err.exitCode;
    }
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (json)
      out.data({
        error: { code: "internal_error", message: String((err as Error)?.message ?? err) },
      });
    else out.error(`unexpected: ${message}`);
    return EXIT.FAILURE;
  }
}
