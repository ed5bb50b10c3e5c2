/**
 * `bw-relay doctor`: is this relay ready for Bandwidth? Every check from the outside, then
 * exactly what to enter in Bandwidth's dashboard. Exit 0 only when all is well: no check fails
 * and none warns (a skipped check, one that cannot run here, does not count).
 */
import { type Command, Option } from "commander";
import { type App, type Ctx, examples } from "../context.ts";
import { EXIT } from "../errors.ts";
import {
  adminToken,
  type Check,
  challenge,
  credentials,
  reachable,
  secrets,
} from "./doctor-checks.ts";
import { targets } from "./doctor-targets.ts";

function passwordLocation(ctx: Ctx): string {
  const conn = ctx.conn();
  const env =
    conn.profile === "staging" || conn.profile === "production"
      ? ` --env ${conn.profile}`
      : " --env <env>";
  const secret = `the Worker's CALLBACK_PASSWORD secret (wrangler secret put CALLBACK_PASSWORD${env}); Cloudflare never shows it again: use the copy you kept, or set a new one with \`bw-relay init${env} --run\``;
  switch (conn.callback.source) {
    case "dev-vars":
      return `CALLBACK_PASSWORD in ${conn.devVarsPath}`;
    case "flag":
      return `the --callback-password given here${conn.local ? "" : `, which is ${secret}`}`;
    case "env":
      return `$BW_RELAY_CALLBACK_PASSWORD here${conn.local ? "" : `, which is ${secret}`}`;
    case "profile":
      return `the profile's callback password${conn.local ? "" : `, which is ${secret}`}`;
    default:
      return conn.local
        ? "dev-callback-password, the development default (`bw-relay init` writes a strong one to apps/relay/.dev.vars)"
        : secret;
  }
}

async function doctor(ctx: Ctx): Promise<void> {
  const api = ctx.api();
  const conn = api.conn;
  const https = conn.url.startsWith("https://");
  const checks: Check[] = [];
  const skip = (id: string, title: string) =>
    checks.push({ id, title, status: "skip", detail: "the relay is not reachable" });
  checks.push(...(await reachable(api)));
  if (!https && !conn.local)
    checks.push({
      id: "https",
      title: "https",
      status: "warn",
      detail: "Bandwidth should call an https URL: deploy the relay behind https",
    });
  if (checks[0]?.status !== "ok") {
    for (const [id, title] of [
      ["admin", "admin token"],
      ["challenge", "callback challenge"],
      ["credentials", "callback credentials accepted"],
      ["targets", "targets"],
    ]) {
      skip(id as string, title as string);
    }
  } else {
    const admin = await adminToken(api);
    checks.push(admin.check);
    if (admin.settings) checks.push(...secrets(admin.settings, conn.local));
    checks.push(await challenge(api));
    checks.push(await credentials(api, conn.callback.source !== "default" || conn.local));
    if (admin.settings) {
      checks.push(
        ...(await targets(api).catch((err: Error) => [
          { id: "targets", title: "targets", status: "fail" as const, detail: err.message },
        ])),
      );
    } else {
      checks.push({
        id: "targets",
        title: "targets",
        status: "skip",
        detail: "needs the admin token",
      });
    }
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  const warned = checks.filter((c) => c.status === "warn").length;
  const ok = failed === 0 && warned === 0;
  if (!ok) ctx.setExit(EXIT.FAILURE);
  const bandwidth = {
    callbackUrl: `${conn.url}/callbacks`,
    username:
      conn.callback.source === "default" && !conn.local
        ? "the value of the CALLBACK_USERNAME secret"
        : conn.callback.username,
    password: passwordLocation(ctx),
  };
  if (ctx.out.json)
    return ctx.out.data({ ok, relay: conn.url, profile: conn.profile, checks, bandwidth });

  const { out } = ctx;
  const { c } = out;
  out.line(
    `${c.bold("bw-relay doctor")} ${conn.url}${conn.profile ? c.dim(` (profile ${conn.profile})`) : ""}`,
  );
  const mark = { ok: c.green("✓"), warn: c.yellow("!"), fail: c.red("✗"), skip: c.dim("-") };
  const width = Math.max(...checks.map((x) => x.title.length));
  for (const x of checks)
    out.line(
      `${mark[x.status]} ${x.title.padEnd(width)}  ${x.status === "ok" ? c.dim(x.detail) : x.detail}`,
    );
  out.line();
  out.line(c.bold("In Bandwidth's dashboard (your messaging application's callback settings):"));
  out.pairs([
    ["callback URL", `${bandwidth.callbackUrl}  (inbound and status callbacks)`],
    ["username", bandwidth.username],
    ["password", bandwidth.password],
  ]);
  if (conn.local)
    out.line(
      c.dim(
        "(a local relay: Bandwidth cannot reach it; use `bw-relay trigger` and `bw-relay listen` to develop)",
      ),
    );
  out.line();
  const warnings = `${warned} warning${warned === 1 ? "" : "s"}`;
  out.line(
    ok
      ? c.green("all well")
      : failed === 0
        ? c.yellow(`not all well: ${warnings}`)
        : c.red(`${failed} problem${failed === 1 ? "" : "s"}${warned ? `, ${warnings}` : ""}`),
  );
}

export function registerDoctor(program: Command, app: App): void {
  const cmd = program
    .command("doctor")
    .description("check a relay from the outside and print what to enter in Bandwidth's dashboard")
    // What --strict asked for (warnings fail too) is the default now; still accepted for scripts.
    .addOption(new Option("--strict", "(the default) warnings fail too").hideHelp());
  examples(cmd, [
    "doctor",
    "doctor --profile staging",
    "doctor --profile production --json | jq .ok",
  ]).action(async (_flags: unknown, c: Command) => doctor(app.ctx(c)));
  cmd.addHelpText(
    "after",
    "Exit codes: 0 all well (every check ok, or skipped where it cannot run); 1 a check failed\nor warned (the summary line counts them, --json has each check's status); 2 usage.\n",
  );
}
