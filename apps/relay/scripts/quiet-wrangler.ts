/**
 * Filters what `wrangler dev` prints for `pnpm dev`: without internet it cannot fetch
 * `Request.cf` and prints a stack trace each time, and it repeats hints that do not apply
 * here (crons: the relay's watchdog is documented; types: checked by `pnpm test`), and the
 * build step's command line. What a user must act on (errors, the ready line, request logs)
 * passes unchanged.
 */
import type { Readable, Writable } from "node:stream";
import { stripVTControlCharacters } from "node:util";

const NOISE = [
  /Unable to fetch the `Request\.cf` object/,
  /getaddrinfo (ENOTFOUND|EAI_AGAIN)/,
  /Your types might be out of date/,
  /Scheduled Workers are not automatically triggered/,
  /To manually trigger a scheduled event/,
  /cdn-cgi\/local\/scheduled"?$/,
  /test-cron-triggers-locally/,
  // wrangler.jsonc's build step prints its whole shell command; its own output still shows.
  /^\[custom build\] Running: /,
];

/** Copies `from` to `to` line by line, dropping the noise and the stack lines under it. */
export function quiet(from: Readable, to: Writable): void {
  let buffered = "";
  let inStack = false;
  from.setEncoding("utf8");
  from.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      const plain = stripVTControlCharacters(line);
      if (NOISE.some((pattern) => pattern.test(plain))) {
        inStack = true;
        continue;
      }
      if (inStack && (/^\s+at /.test(plain) || plain.trim() === "")) continue;
      inStack = false;
      to.write(`${line}\n`);
    }
  });
  from.on("end", () => {
    if (buffered) to.write(buffered);
  });
}
