/**
 * Confirmation for destructive or bulk actions: asked on a terminal, and required as --yes
 * otherwise, so a script never hangs on a question nobody sees.
 */
import { createInterface } from "node:readline";
import { CliError, EXIT } from "./errors.ts";
import type { Io } from "./io.ts";

export async function confirm(io: Io, question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!io.stdin?.isTTY || !io.stdout.isTTY) {
    throw new CliError(`${question} Pass --yes to confirm.`, EXIT.USAGE, "confirmation_required");
  }
  const rl = createInterface({ input: io.stdin, output: io.stdout as NodeJS.WritableStream });
  const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) {
    throw new CliError("cancelled", EXIT.FAILURE, "cancelled");
  }
}
