/**
 * Confirmation for destructive or bulk actions: asked on a terminal, and required as --yes
 * otherwise, so a script never hangs on a question nobody sees. The question goes to stderr,
 * like every diagnostic, so `… --json > out.json` (or `| jq`) on a terminal still asks, and
 * stdout holds only the result.
 */
import { createInterface } from "node:readline";
import { CliError, EXIT } from "./errors.ts";
import type { Io } from "./io.ts";

export async function confirm(io: Io, question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!io.stdin?.isTTY || !io.stderr.isTTY) {
    throw new CliError(`${question} Pass --yes to confirm.`, EXIT.USAGE, "confirmation_required");
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new CliError("cancelled", EXIT.FAILURE, "cancelled");
  }
}
