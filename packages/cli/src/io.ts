/**
 * Where a command reads and writes. `main.ts` passes the process's streams; tests pass
 * buffers, an environment and an AbortSignal, so every command runs in-process under test.
 */
export interface Out {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: Out;
  stderr: Out;
  /** For confirmations; prompts only when it is a terminal. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Ends long-running commands (tail, listen, events --follow) as Ctrl-C does. */
  signal?: AbortSignal;
}

export function processIo(signal: AbortSignal): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    // `pnpm cli …` runs at the workspace root: relative paths (--out, --dev-vars) mean the
    // folder the command was typed in, which pnpm passes as INIT_CWD.
    cwd: (process.env.npm_lifecycle_event === "cli" && process.env.INIT_CWD) || process.cwd(),
    signal,
  };
}
