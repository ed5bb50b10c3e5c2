/**
 * `bw-relay init`: strong values for the relay's secrets. Locally it writes apps/relay/.dev.vars
 * (never over an existing one without --force); for a deployed environment it prints, or with
 * --run runs, the `wrangler secret put` commands, the value going to wrangler on stdin.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { type Command, Option } from "commander";
import { findRelayDir } from "../config.ts";
import { type App, type Ctx, examples } from "../context.ts";
import { CliError, EXIT } from "../errors.ts";

interface InitFlags {
  env?: "staging" | "production";
  force?: boolean;
  run?: boolean;
  devVars?: string;
  callbackUsername: string;
  wrangler: string;
}

/** URL-safe random text: no quoting trouble in .dev.vars, a shell or Bandwidth's form. */
const secret = (bytes: number) => randomBytes(bytes).toString("base64url");

export function generateValues(username: string) {
  return {
    CALLBACK_USERNAME: username,
    CALLBACK_PASSWORD: secret(24),
    ADMIN_TOKEN: secret(32),
    MEDIA_SIGNING_KEY: secret(32),
  };
}

function devVarsText(values: Record<string, string>): string {
  return [
    "# Local development settings for `wrangler dev` / `pnpm dev`, written by `bw-relay init`.",
    "# The CLI reads ADMIN_TOKEN and the callback credentials from here for the local relay.",
    ...Object.entries(values).map(([k, v]) => `${k}=${v}`),
    "ALLOW_HTTP_TARGETS=true",
    "# MEDIA_MODE=proxy   (uses MEDIA_SIGNING_KEY; see docs/configuration.md)",
    "",
  ].join("\n");
}

function local(ctx: Ctx, flags: InitFlags): void {
  const relayDir = findRelayDir(ctx.io.cwd);
  const path = flags.devVars
    ? resolve(ctx.io.cwd, flags.devVars)
    : relayDir
      ? join(relayDir, ".dev.vars")
      : null;
  if (!path) {
    throw new CliError(
      "not inside the bw-relay repository: pass --dev-vars PATH, or --env staging|production",
      EXIT.USAGE,
      "no_relay_dir",
    );
  }
  if (existsSync(path) && !flags.force) {
    throw new CliError(
      `${path} exists; pass --force to replace it (its current values are then gone)`,
      EXIT.FAILURE,
      "exists",
    );
  }
  const values = generateValues(flags.callbackUsername);
  writeFileSync(path, devVarsText(values), { mode: 0o600 });
  if (ctx.out.json) {
    ctx.out.data({ path, env: null, values });
    return;
  }
  ctx.out.line(
    `wrote ${relative(ctx.io.cwd, path) || path} with new CALLBACK_PASSWORD, ADMIN_TOKEN and MEDIA_SIGNING_KEY`,
  );
  ctx.out.line(
    ctx.out.c.dim(
      "restart the relay (`npx -y pnpm@12 dev`) to use them; the CLI reads them from there for the local relay",
    ),
  );
}

function run(
  command: string,
  args: string[],
  input: string,
  cwd: string,
  ctx: Ctx,
): Promise<number> {
  const [bin, ...pre] = command.split(/\s+/).filter(Boolean);
  return new Promise((done) => {
    const child = spawn(bin as string, [...pre, ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => ctx.io.stderr.write(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => ctx.io.stderr.write(chunk.toString()));
    child.on("error", (err) => {
      ctx.io.stderr.write(`${err.message}\n`);
      done(127);
    });
    child.on("close", (code) => done(code ?? 1));
    child.stdin.end(input);
  });
}

async function environment(ctx: Ctx, env: string, flags: InitFlags): Promise<void> {
  const values = generateValues(flags.callbackUsername);
  const cwd = findRelayDir(ctx.io.cwd) ?? ctx.io.cwd;
  const commands = Object.entries(values).map(([name, value]) => ({
    name,
    shell: `printf '%s' '${value}' | ${flags.wrangler} secret put ${name} --env ${env}`,
    args: ["secret", "put", name, "--env", env],
    value,
  }));
  const { out } = ctx;
  if (flags.run) {
    for (const c of commands) {
      if (!out.json) out.note(`wrangler secret put ${c.name} --env ${env}`);
      const code = await run(flags.wrangler, c.args, c.value, cwd, ctx);
      if (code !== 0) {
        throw new CliError(
          `\`wrangler secret put ${c.name} --env ${env}\` failed (exit ${code}); the secrets before it are set`,
          EXIT.FAILURE,
          "wrangler_failed",
        );
      }
    }
  }
  if (out.json) {
    return out.data({
      env,
      values,
      commands: commands.map((c) => c.shell),
      ran: Boolean(flags.run),
      cwd,
    });
  }
  if (!flags.run) {
    out.line(
      `# Run in ${cwd} (after \`npx -y pnpm@12 exec wrangler login\`); each value reaches wrangler on stdin:`,
    );
    for (const c of commands) out.line(c.shell);
    out.line();
  } else {
    out.line(
      `set CALLBACK_USERNAME, CALLBACK_PASSWORD, ADMIN_TOKEN and MEDIA_SIGNING_KEY of bw-relay-${env}`,
    );
  }
  out.line(out.c.bold("Keep these now: Cloudflare never shows a secret again."));
  out.line(`  callback username  ${values.CALLBACK_USERNAME}`);
  out.line(
    `  callback password  ${values.CALLBACK_PASSWORD}   (enter both in Bandwidth's dashboard)`,
  );
  out.line(`  admin token        ${values.ADMIN_TOKEN}   (for this CLI: a profile's tokenEnv)`);
  out.line(out.c.dim(`then: bw-relay doctor --profile ${env}`));
}

export function registerInit(program: Command, app: App): void {
  const init = program
    .command("init")
    .description(
      "generate strong secrets: write apps/relay/.dev.vars, or set an environment's secrets",
    )
    .addOption(
      new Option("--env <env>", "a deployed environment instead of .dev.vars").choices([
        "staging",
        "production",
      ]),
    )
    .option("--force", "replace an existing .dev.vars")
    .option("--run", "with --env: run the `wrangler secret put` commands instead of printing them")
    .option(
      "--dev-vars <path>",
      "where to write (default: apps/relay/.dev.vars of this repository)",
    )
    .option("--callback-username <name>", "the callback user Bandwidth will send", "bandwidth")
    .option("--wrangler <command>", "how to run wrangler", "npx -y pnpm@12 exec wrangler");
  examples(init, [
    "init",
    "init --force",
    "init --env staging",
    "init --env production --run",
  ]).action(async (flags: InitFlags, cmd: Command) => {
    const ctx = app.ctx(cmd);
    if (flags.env) return environment(ctx, flags.env, flags);
    if (flags.run)
      throw new CliError("--run goes with --env staging|production", EXIT.USAGE, "usage");
    local(ctx, flags);
  });
}
