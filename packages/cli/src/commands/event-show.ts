/** `bw-relay events show ID`: the whole story of one event. */
import type { EventDetail } from "../api-types.ts";
import type { Ctx } from "../context.ts";
import { describeChange, diffJson, sideBySide } from "../diff.ts";
import { formatTime, relative } from "../time.ts";
import { excerpt } from "./targets-ops.ts";

export async function showEvent(
  ctx: Ctx,
  id: string,
  flags: { raw?: boolean; normalized?: boolean },
): Promise<void> {
  const { event } = await ctx
    .api()
    .get<{ event: EventDetail }>(`/api/events/${encodeURIComponent(id)}`);
  // Quarantined events were never normalized: nothing to compare.
  const changes = event.normalized === null ? [] : diffJson(event.raw, event.normalized);
  if (flags.raw || flags.normalized) {
    const value = flags.raw ? event.raw : event.normalized;
    ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (ctx.out.json) return ctx.out.data({ event, changes });
  const { out } = ctx;
  const { c } = out;
  const now = Date.now();
  out.line(
    `${c.bold(event.type ?? "(invalid event)")} ${c.cyan(event.id)}  ${out.status(event.status)}`,
  );
  out.pairs([
    ["received", `${formatTime(event.receivedAt)} (${relative(event.receivedAt, now)})`],
    ["message", event.messageId],
    ["direction", event.direction],
    ["owner", event.owner],
    ["application", event.applicationId],
    [
      "error",
      event.errorCode === null ? null : c.red(`${event.errorCode} ${event.errorName ?? ""}`),
    ],
    ["trace", event.traceparent],
  ]);

  out.line();
  if (event.normalized === null) {
    out.line(c.bold(`Quarantined: never forwarded (${event.issueCount ?? 0} issue(s))`));
    for (const issue of event.issues ?? [])
      out.line(`  ${c.red(issue.path || "(event)")}  ${issue.message}`);
    out.line();
    out.line(c.bold("As received"));
    out.line(JSON.stringify(event.raw, null, 2));
  } else {
    if (changes.length === 0) {
      out.line(c.bold("As received and forwarded (normalization changed nothing)"));
      out.line(JSON.stringify(event.normalized, null, 2));
    } else {
      out.line(c.bold("As received │ as forwarded (normalized)"));
      const columns = ctx.io.stdout.columns ?? 120;
      for (const line of sideBySide(event.raw, event.normalized, columns, ["raw", "normalized"]))
        out.line(line);
      out.line();
      out.line(c.bold("What normalization changed"));
    }
    for (const change of changes) out.line(`  ${describeChange(change)}`);
  }

  out.line();
  out.line(c.bold("Deliveries"));
  if (event.deliveries.length === 0) {
    out.line(
      event.status === "quarantined"
        ? "  none (quarantined)"
        : "  none: no target wanted it when it arrived",
    );
  }
  for (const d of event.deliveries) {
    out.line(
      `  ${c.bold(d.targetName ?? `${d.targetId} (deleted)`)} ${c.dim(d.targetId)}  ${out.status(d.status)}  ${d.attemptCount} attempt(s) this round`,
    );
    for (const a of d.attempts) {
      const code = a.statusCode === null ? c.red("no answer") : out.status(String(a.statusCode));
      const body = excerpt(a.responseExcerpt, 80);
      out.line(
        `    #${a.attempt}  ${formatTime(a.at, now)}  ${code}  ${a.durationMs}ms${a.error ? `  ${c.red(a.error)}` : ""}${body ? `  ${c.dim(body)}` : ""}`,
      );
    }
    if (d.nextAttemptAt && d.status === "pending") {
      out.line(
        `    next attempt ${formatTime(d.nextAttemptAt, now)} (${relative(d.nextAttemptAt, now)})`,
      );
    }
    if (d.lastError && d.status !== "delivered") out.line(`    last error: ${c.red(d.lastError)}`);
  }
}
