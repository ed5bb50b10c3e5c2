/**
 * Exit codes and the one error type commands throw. Scripts branch on the exit code, so each
 * kind of failure keeps its own number (documented in the README); the message is one line.
 */
export const EXIT = {
  OK: 0,
  /** The command ran, and what it checked or delivered is not well (doctor, targets test). */
  FAILURE: 1,
  /** Wrong arguments or options. */
  USAGE: 2,
  /** The relay (or the local server) could not be reached. */
  UNREACHABLE: 3,
  /** The admin token or the callback credentials were refused. */
  UNAUTHORIZED: 4,
  /** The relay answered 503 not_configured. */
  NOT_CONFIGURED: 5,
  /** No such target, event or profile. */
  NOT_FOUND: 6,
  /** The relay refused the request for another reason (400, 409, …). */
  REFUSED: 7,
  /** Stopped with Ctrl-C before finishing. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** A stable snake_case code for `--json` output. */
  readonly code: string;

  constructor(message: string, exitCode: ExitCode, code: string) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.code = code;
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.USAGE, "usage");
