/** One line per event and per delivery outcome, shared by tail, listen and events --follow. */
import type { DeliveryUpdate, EventSummary } from "./api-types.ts";
import type { Output } from "./output.ts";
import { formatTime, relative } from "./time.ts";

export function eventLine(out: Output, e: EventSummary): string {
  const { c } = out;
  const deliveries = e.deliveries
    .map((d) => `${d.targetName ?? d.targetId} ${out.status(d.status)}`)
    .join(", ");
  return [
    c.dim(formatTime(e.receivedAt)),
    c.cyan(e.id),
    c.bold(e.type ?? "(invalid)"),
    e.direction ?? "-",
    e.owner ?? "-",
    c.dim(e.messageId ?? "-"),
    out.status(e.status),
    e.errorCode !== null ? c.red(`${e.errorCode} ${e.errorName ?? ""}`.trim()) : "",
    deliveries ? `→ ${deliveries}` : "",
  ]
    .filter(Boolean)
    .join("  ");
}

export function deliveryLine(out: Output, d: DeliveryUpdate, now = Date.now()): string {
  const { c } = out;
  const code = d.statusCode === null ? c.red("no answer") : out.status(String(d.statusCode));
  const parts = [
    c.dim(formatTime(now)),
    c.cyan(d.eventId),
    `→ ${c.bold(d.targetName ?? d.targetId)}`,
    `attempt ${d.attempt}`,
    code,
    d.durationMs === null ? "" : `${d.durationMs}ms`,
    // After an attempt, "pending" means another attempt is scheduled.
    d.status === "pending" ? out.c.yellow("retrying") : out.status(d.status),
    d.error ? c.dim(d.error) : "",
    d.nextAttemptAt
      ? `next retry ${formatTime(d.nextAttemptAt)} (${relative(d.nextAttemptAt, now)})`
      : "",
  ];
  return parts.filter(Boolean).join("  ");
}
