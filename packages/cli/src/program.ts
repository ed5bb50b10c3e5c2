/** The command tree: global options, every command, help with examples. */
import { Command } from "commander";
import { USER_AGENT } from "./client.ts";
import { registerCompletion } from "./commands/completion.ts";
import { registerDoctor } from "./commands/doctor.ts";
import { registerEvents } from "./commands/events.ts";
import { registerInit } from "./commands/init.ts";
import { registerListen } from "./commands/listen.ts";
import { registerProfiles } from "./commands/profiles.ts";
import { registerRecover } from "./commands/recover.ts";
import { registerReplay } from "./commands/replay.ts";
import { registerShards } from "./commands/shards.ts";
import { registerStats } from "./commands/stats.ts";
import { registerTail } from "./commands/tail.ts";
import { registerTargets } from "./commands/targets.ts";
import { registerTrigger } from "./commands/trigger.ts";
import { LOCAL_URL } from "./connection.ts";
import { type App, examples } from "./context.ts";
import { wantsColor } from "./output.ts";

export const VERSION = USER_AGENT.split("/")[1] as string;

export function buildProgram(app: App): Command {
  const { io } = app;
  const program = new Command("bw-relay");
  const color = wantsColor(io, !io.env.NO_COLOR);
  program
    .description(
      "Operate a bw-relay, trigger realistic Bandwidth callbacks, and listen on localhost.",
    )
    .version(VERSION, "-V, --version")
    .option("--url <url>", `the relay (env BW_RELAY_URL; default ${LOCAL_URL})`)
    .option("--token <token>", "the admin token (env BW_RELAY_TOKEN; default: the local dev token)")
    .option("-p, --profile <name>", "a named relay from the config file (env BW_RELAY_PROFILE)")
    .option(
      "--callback-user <name>",
      "callback username for trigger/doctor (env BW_RELAY_CALLBACK_USERNAME)",
    )
    .option("--callback-password <password>", "callback password (env BW_RELAY_CALLBACK_PASSWORD)")
    .option(
      "--json",
      "machine-readable output (stable shapes; streams print one JSON object per line)",
    )
    .option("--no-color", "no colours (also NO_COLOR=1; off when not a terminal)")
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
      outputError: (s, write) => write(color ? `\x1b[31m${s}\x1b[39m` : s),
    });
  examples(program, [
    "doctor                                  # is the local relay ready?",
    "targets list",
    "trigger sms                             # a fresh inbound SMS through the relay",
    "events list --since 1h",
    "events show evt_…",
    "replay evt_… --target my-app",
    "tail",
    "listen --forward-to http://localhost:3000/webhooks/bandwidth",
    "shards                                  # how many shards new messages go to",
    "--profile staging doctor",
  ]);
  program.addHelpText(
    "after",
    "\nExit codes: 0 ok, 1 not well (a doctor check failed or warned, a delivery failed), 2 usage, 3 relay unreachable,\n4 token or credentials refused, 5 relay not configured, 6 not found, 7 request refused, 130 interrupted.\n",
  );
  registerTargets(program, app);
  registerEvents(program, app);
  registerReplay(program, app);
  registerRecover(program, app);
  registerStats(program, app);
  registerShards(program, app);
  registerTail(program, app);
  registerListen(program, app);
  registerTrigger(program, app);
  registerInit(program, app);
  registerDoctor(program, app);
  registerProfiles(program, app);
  registerCompletion(program, app);
  return program;
}
