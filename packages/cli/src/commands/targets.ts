/** `bw-relay targets …`: list, show, add, update, remove, pause, resume (rotate-secret and test in targets-ops.ts). */
import { KNOWN_EVENT_TYPES } from "@bw-relay/schema";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Target } from "../api-types.ts";
import { type App, type Ctx, collect, examples, intOption } from "../context.ts";
import { usageError } from "../errors.ts";
import type { Output } from "../output.ts";
import { confirm } from "../prompt.ts";
import { resolveTarget } from "../resolve.ts";
import { formatTime, relative } from "../time.ts";
import { registerTargetOps } from "./targets-ops.ts";

interface TargetFlags {
  name?: string;
  url?: string;
  eventType?: string[];
  direction?: string[];
  owner?: string[];
  applicationId?: string[];
  header?: string[];
  maxAttempts?: number;
  timeout?: number;
  secret?: string;
  paused?: boolean;
}

const ANY = new Set(["any", "all", "*"]);

/** A filter list from repeated flags; `any` clears it (an empty list matches everything). */
function filterList(values: string[] | undefined, allowed?: readonly string[], what = "value") {
  if (values === undefined) return undefined;
  if (values.some((v) => ANY.has(v))) return [];
  for (const v of values) {
    if (allowed && !allowed.includes(v)) {
      throw usageError(`unknown ${what} "${v}" (known: ${allowed.join(", ")}, or any)`);
    }
  }
  return values;
}

function headerRecord(values: string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const pair of values) {
    const at = pair.indexOf("=");
    if (at <= 0) throw usageError(`--header "${pair}" must be name=value`);
    headers[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return headers;
}

function timeoutMs(text: string): number {
  const match = /^(\d+)(ms|s)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (match[2] === "ms" ? 1 : 1000) : Number.NaN;
  if (!Number.isInteger(value) || value < 1000 || value > 30_000) {
    throw new InvalidArgumentError("--timeout must be 1s to 30s (e.g. 10s or 2500ms).");
  }
  return value;
}

/** The body of POST/PATCH /api/targets from the flags; undefined fields are left out. */
function targetBody(flags: TargetFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: flags.name,
    url: flags.url,
    eventTypes: filterList(flags.eventType, KNOWN_EVENT_TYPES, "event type"),
    directions: filterList(flags.direction, ["in", "out"], "direction"),
    owners: filterList(flags.owner),
    applicationIds: filterList(flags.applicationId),
    headers: headerRecord(flags.header),
    maxAttempts: flags.maxAttempts,
    timeoutMs: flags.timeout,
    secret: flags.secret,
    enabled: flags.paused === undefined ? undefined : !flags.paused,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

function withFilterOptions(cmd: Command): Command {
  return cmd
    .option("--event-type <type>", `only these event types (repeatable; "any" clears)`, collect)
    .option("--direction <dir>", 'only "in" or "out" (repeatable; "any" clears)', collect)
    .option("--owner <number>", "only these owner numbers (repeatable)", collect)
    .option("--application-id <id>", "only these Bandwidth application ids (repeatable)", collect)
    .option("--header <name=value>", "a header sent with every delivery (repeatable)", collect)
    .option(
      "--max-attempts <n>",
      "attempts before a delivery is dead (1-50)",
      intOption("--max-attempts", 1, 50),
    )
    .addOption(new Option("--timeout <time>", "per-attempt timeout (1s-30s)").argParser(timeoutMs))
    .option("--secret <whsec>", "the signing secret (default: the relay generates one)");
}

export function filtersText(t: Target): string {
  const parts = [
    t.eventTypes.length ? t.eventTypes.join(",") : "",
    t.directions.length ? `dir=${t.directions.join(",")}` : "",
    t.owners.length ? `owner=${t.owners.join(",")}` : "",
    t.applicationIds.length ? `app=${t.applicationIds.join(",")}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : "all events";
}

export function printTarget(out: Output, t: Target): void {
  out.pairs([
    ["name", out.c.bold(t.name)],
    ["id", t.id],
    ["url", t.url],
    ["state", `${out.status(t.state)}${t.stateReason ? ` (${t.stateReason})` : ""}`],
    ["filters", filtersText(t)],
    [
      "headers",
      Object.keys(t.headers).length
        ? Object.entries(t.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join(", ")
        : null,
    ],
    ["attempts", `${t.maxAttempts} max, ${t.timeoutMs / 1000}s timeout each`],
    [
      "circuit",
      t.circuit.consecutiveFailures
        ? `${t.circuit.consecutiveFailures} consecutive failures${t.circuit.probeAt ? `, next probe ${relative(t.circuit.probeAt)}` : ""}`
        : "closed",
    ],
    [
      "old secrets",
      t.previousSecrets.length
        ? t.previousSecrets.map((s) => `until ${formatTime(s.expiresAt)}`).join(", ")
        : null,
    ],
    ["created", formatTime(t.createdAt)],
    ["updated", formatTime(t.updatedAt)],
  ]);
}

async function show(ctx: Ctx, ref: string): Promise<void> {
  const target = await resolveTarget(ctx.api(), ref);
  if (ctx.out.json) return ctx.out.data({ target });
  printTarget(ctx.out, target);
}

async function setEnabled(ctx: Ctx, ref: string, enabled: boolean): Promise<void> {
  const api = ctx.api();
  const found = await resolveTarget(api, ref);
  const { target } = await api.patch<{ target: Target }>(`/api/targets/${found.id}`, { enabled });
  if (ctx.out.json) return ctx.out.data({ target });
  ctx.out.line(
    `${enabled ? "resumed" : "paused"} ${target.name} (${target.id}): ${ctx.out.status(target.state)}`,
  );
  if (!enabled)
    ctx.out.line(
      ctx.out.c.dim("its deliveries wait, none are dropped; `bw-relay targets resume` sends them"),
    );
}

export function registerTargets(program: Command, app: App): void {
  const targets = program
    .command("targets")
    .description("list and manage the targets events are forwarded to");
  examples(targets, [
    "targets list",
    "targets add my-app https://example.com/bandwidth --event-type message-received",
    "targets test my-app",
  ]);

  const list = targets
    .command("list")
    .alias("ls")
    .description("every target with its state and filters");
  examples(list, ["targets list", "targets list --json | jq '.targets[].name'"]).action(
    async (_o, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const { targets: all } = await ctx.api().get<{ targets: Target[] }>("/api/targets");
      if (ctx.out.json) return ctx.out.data({ targets: all });
      if (all.length === 0)
        return ctx.out.line("no targets yet: add one with `bw-relay targets add NAME URL`");
      ctx.out.table(
        ["NAME", "ID", "STATE", "URL", "FILTERS"],
        all.map((t) => [t.name, t.id, ctx.out.status(t.state), t.url, filtersText(t)]),
      );
    },
  );

  const showCmd = targets
    .command("show")
    .argument("<target>", "name or id")
    .description("one target in full");
  examples(showCmd, ["targets show my-app", "targets show tgt_6c8df176fbb147089e40 --json"]).action(
    async (ref: string, _o, cmd: Command) => show(app.ctx(cmd), ref),
  );

  const add = withFilterOptions(
    targets
      .command("add")
      .argument("<name>")
      .argument("<url>", "where to POST events (https; http only with ALLOW_HTTP_TARGETS)"),
  )
    .option("--paused", "create it paused")
    .description("create a target; its signing secret is shown once");
  examples(add, [
    "targets add my-app https://example.com/hooks/bandwidth",
    "targets add inbound https://example.com/in --direction in --event-type message-received",
    "targets add audit https://example.com/audit --header 'x-api-key=…' --max-attempts 20 --timeout 15s",
  ]).action(async (name: string, url: string, flags: TargetFlags, cmd: Command) => {
    const ctx = app.ctx(cmd);
    const created = await ctx
      .api()
      .post<{ target: Target; secret: string }>(
        "/api/targets",
        targetBody({ ...flags, name, url }),
      );
    if (ctx.out.json) return ctx.out.data(created);
    ctx.out.line(`created target ${ctx.out.c.bold(created.target.name)} (${created.target.id})`);
    ctx.out.line(`signing secret: ${ctx.out.c.bold(created.secret)}`);
    ctx.out.line(
      ctx.out.c.dim(
        "shown only now: give it to the receiver, which verifies each delivery with it",
      ),
    );
  });

  const update = withFilterOptions(targets.command("update").argument("<target>", "name or id"))
    .option("--name <name>", "rename it")
    // Not --url: that one names the relay, on every command.
    .option("--target-url <url>", "a new URL to deliver to")
    .description("change any of a target's settings (only the flags given)");
  examples(update, [
    "targets update my-app --target-url https://example.com/v2/hooks",
    "targets update my-app --event-type any --direction in",
  ]).action(async (ref: string, flags: TargetFlags & { targetUrl?: string }, cmd: Command) => {
    const ctx = app.ctx(cmd);
    const api = ctx.api();
    const found = await resolveTarget(api, ref);
    const body = targetBody({ ...flags, url: flags.targetUrl });
    const { target } = await api.patch<{ target: Target }>(`/api/targets/${found.id}`, body);
    if (ctx.out.json) return ctx.out.data({ target });
    ctx.out.line(`updated ${target.name} (${target.id})`);
    printTarget(ctx.out, target);
  });

  const remove = targets
    .command("remove")
    .alias("rm")
    .argument("<target>", "name or id")
    .option("-y, --yes", "do not ask");
  remove.description("remove a target; its pending deliveries are marked failed");
  examples(remove, ["targets remove my-app --yes"]).action(
    async (ref: string, flags: { yes?: boolean }, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const api = ctx.api();
      const target = await resolveTarget(api, ref);
      await confirm(
        ctx.io,
        `Remove target ${target.name} (${target.id})? Its pending deliveries will be marked failed.`,
        flags.yes,
      );
      await api.delete(`/api/targets/${target.id}`);
      if (ctx.out.json) return ctx.out.data({ removed: { id: target.id, name: target.name } });
      ctx.out.line(`removed ${target.name} (${target.id})`);
    },
  );

  for (const [name, enabled, text] of [
    ["pause", false, "stop delivering to a target (deliveries wait)"],
    ["resume", true, "deliver again, clearing a paused, disabled or open-circuit state"],
  ] as const) {
    const c = targets.command(name).argument("<target>", "name or id").description(text);
    examples(c, [`targets ${name} my-app`]).action(async (ref: string, _o, cmd: Command) =>
      setEnabled(app.ctx(cmd), ref, enabled),
    );
  }

  registerTargetOps(targets, app);
}
