/** `bw-relay targets rotate-secret` and `targets test`. */
import type { Command } from "commander";
import type { Target, TargetTestResult } from "../api-types.ts";
import { type App, examples } from "../context.ts";
import { CliError, EXIT } from "../errors.ts";
import { resolveTarget } from "../resolve.ts";
import { formatTime } from "../time.ts";

interface Rotated {
  secret: string;
  previousSecretExpiresAt: string;
  previousSecrets: { expiresAt: string }[];
}

/** The first line or so of a response body, for one terminal line. */
export function excerpt(text: string | null, max = 160): string | null {
  if (!text) return null;
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function registerTargetOps(targets: Command, app: App): void {
  const rotate = targets
    .command("rotate-secret")
    .argument("<target>", "name or id")
    .option("--secret <whsec>", "use this secret instead of a generated one")
    .description("a new signing secret from now on; the old one keeps signing for 24 h");
  examples(rotate, [
    "targets rotate-secret my-app",
    "targets rotate-secret my-app --json | jq -r .secret",
  ]).action(async (ref: string, flags: { secret?: string }, cmd: Command) => {
    const ctx = app.ctx(cmd);
    const api = ctx.api();
    const target = await resolveTarget(api, ref);
    const body = flags.secret ? { secret: flags.secret } : {};
    const rotated = await api.post<Rotated>(`/api/targets/${target.id}/rotate-secret`, body);
    if (ctx.out.json)
      return ctx.out.data({ target: { id: target.id, name: target.name }, ...rotated });
    ctx.out.line(`new signing secret for ${target.name}: ${ctx.out.c.bold(rotated.secret)}`);
    ctx.out.line(
      `deliveries carry a signature with each secret until ${formatTime(rotated.previousSecretExpiresAt)}: switch the receiver over before then`,
    );
  });

  const test = targets
    .command("test")
    .argument("<target>", "name or id")
    .description("send one signed sample delivery now and show the answer");
  examples(test, ["targets test my-app", "targets test my-app --json"]).action(
    async (ref: string, _o, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const api = ctx.api();
      const target: Target = await resolveTarget(api, ref);
      let result: TargetTestResult;
      try {
        result = await api.post<TargetTestResult>(`/api/targets/${target.id}/test`);
      } catch (err) {
        // The target exists (just looked up): a 404 here is the route missing on an older relay.
        if (err instanceof CliError && err.code === "not_found") {
          throw new CliError(
            `the relay at ${api.conn.url} has no POST /api/targets/:id/test yet: update the relay to use \`targets test\``,
            EXIT.REFUSED,
            "unsupported",
          );
        }
        throw err;
      }
      const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
      if (!ok) ctx.setExit(EXIT.FAILURE);
      if (ctx.out.json)
        return ctx.out.data({ target: { id: target.id, name: target.name }, ok, ...result });
      const { c } = ctx.out;
      const status =
        result.statusCode === null ? c.red("no answer") : ctx.out.status(String(result.statusCode));
      ctx.out.line(
        `${target.name} ${c.dim(target.url)}${result.eventId ? c.dim(`  (sample event ${result.eventId})`) : ""}`,
      );
      ctx.out.line(
        `${ok ? c.green("✓") : c.red("✗")} ${status} in ${result.durationMs}ms${result.error ? `: ${result.error}` : ""}`,
      );
      const text = excerpt(result.responseExcerpt);
      if (text) ctx.out.line(`${c.dim("response:")} ${text}`);
    },
  );
}
