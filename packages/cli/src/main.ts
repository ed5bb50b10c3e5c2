#!/usr/bin/env node
/**
 * The `bw-relay` command. Ctrl-C ends long-running commands cleanly (tail, listen, --follow
 * close their connections and exit 0); a second Ctrl-C exits at once.
 */
import { processIo } from "./io.ts";
import { run } from "./run.ts";

const controller = new AbortController();
process.on("SIGINT", () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});
process.on("SIGTERM", () => controller.abort());
// A reader that stops early (`bw-relay events list | head`) closes the pipe: stop quietly,
// as Unix tools do, instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
}

const code = await run(process.argv.slice(2), processIo(controller.signal));
process.exitCode = code;
// Node exits once stdout has drained; should a socket linger past that, leave anyway.
setTimeout(() => process.exit(code), 2_000).unref();
