/**
 * Sends generated callbacks to POST /callbacks with Basic auth: in order one at a time, or
 * paced with --rate (several in flight). Wrong credentials or an unconfigured relay stop the
 * run at the first answer, since every other request would get the same.
 */
import { SingleBar } from "cli-progress";
import type { CallbacksResult } from "../api-types.ts";
import type { Ctx } from "../context.ts";
import { CliError, EXIT } from "../errors.ts";
import type { BandwidthCallback } from "../generate/callbacks.ts";
import { formatDuration } from "../time.ts";
import { sleep } from "../util.ts";

const MAX_IN_FLIGHT = 16;
const PRINT_EACH_UP_TO = 20;

interface Totals {
  requests: number;
  events: number;
  accepted: number;
  duplicates: number;
  quarantined: number;
  failed: number;
  ids: string[];
  messageIds: string[];
}

export async function sendAll(
  ctx: Ctx,
  next: () => BandwidthCallback[][],
  flags: { count: number; rate?: number },
): Promise<void> {
  const api = ctx.api();
  const { out } = ctx;
  const totals: Totals = {
    requests: 0,
    events: 0,
    accepted: 0,
    duplicates: 0,
    quarantined: 0,
    failed: 0,
    ids: [],
    messageIds: [],
  };
  const failures: { status: number; code: string }[] = [];
  const started = performance.now();
  // Bodies are made when sent, so each message's times are fresh even in a long run.
  const first = next();
  const total = flags.count * first.length;
  const printEach = !out.json && total <= PRINT_EACH_UP_TO;
  const bar =
    !out.json && !printEach && ctx.io.stderr.isTTY
      ? new SingleBar({
          stream: ctx.io.stderr as NodeJS.WritableStream,
          format: "sending {bar} {value}/{total}  {rate}/s",
          hideCursor: true,
        })
      : null;
  bar?.start(total, 0, { rate: "0" });

  const sendOne = async (body: BandwidthCallback[]) => {
    const res = await api.request<CallbacksResult | { error?: { code?: string } }>(
      "POST",
      "/callbacks",
      {
        auth: "basic",
        body,
        accept: [400, 413, 503],
      },
    );
    totals.requests++;
    totals.events += body.length;
    const first = body[0] as BandwidthCallback;
    if (res.status === 200) {
      const r = res.body as CallbacksResult;
      totals.accepted += r.accepted;
      totals.duplicates += r.duplicates;
      totals.quarantined += r.quarantined;
      totals.ids.push(...r.ids);
      if (!totals.messageIds.includes(first.message.id)) totals.messageIds.push(first.message.id);
      if (printEach) {
        const verdict = r.accepted
          ? out.c.green("accepted")
          : r.duplicates
            ? out.c.yellow("duplicate")
            : out.c.red("quarantined");
        out.line(
          `${out.c.bold(first.type)}  ${out.c.dim(first.message.id)}  → ${verdict}  ${r.ids.join(" ")}  ${res.durationMs}ms`,
        );
      }
    } else {
      const code =
        (res.body as { error?: { code?: string } } | null)?.error?.code ?? `http_${res.status}`;
      if (res.status === 503 && code === "not_configured")
        throw api.failure(res.status, res.body, "basic");
      totals.failed++;
      failures.push({ status: res.status, code });
      if (printEach)
        out.line(
          `${out.c.bold(first.type)}  ${out.c.dim(first.message.id)}  → ${out.c.red(`${res.status} ${code}`)}`,
        );
    }
    bar?.increment(1, {
      rate: (totals.requests / ((performance.now() - started) / 1000)).toFixed(1),
    });
  };

  const interval = flags.rate ? 1000 / flags.rate : 0;
  const inFlight = new Set<Promise<void>>();
  let index = 0;
  let fatal: unknown = null;
  try {
    for (let message = 0; message < flags.count && !ctx.signal.aborted && !fatal; message++) {
      for (const body of message === 0 ? first : next()) {
        if (fatal || ctx.signal.aborted) break;
        if (interval > 0)
          await sleep(Math.max(0, started + index * interval - performance.now()), ctx.signal);
        index++;
        const p = sendOne(body)
          .catch((err) => {
            fatal ??= err;
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        // Without --rate, one at a time and in order (a lifecycle stays in sequence).
        if (interval === 0 || inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
  } finally {
    bar?.stop();
  }
  if (fatal)
    throw fatal instanceof CliError
      ? fatal
      : new CliError(String(fatal), EXIT.FAILURE, "send_failed");
  const durationMs = Math.round(performance.now() - started);
  if (totals.failed > 0) ctx.setExit(EXIT.FAILURE);
  if (ctx.signal.aborted) ctx.setExit(EXIT.INTERRUPTED);
  if (out.json) return out.data({ ...totals, durationMs, failures: failures.slice(0, 100) });
  const rate = totals.requests / Math.max(durationMs / 1000, 0.001);
  out.line(
    `sent ${totals.requests} callback${totals.requests === 1 ? "" : "s"} to ${api.conn.url}/callbacks in ${formatDuration(durationMs)}` +
      `${totals.requests > 1 ? ` (${rate.toFixed(1)}/s)` : ""}: ${totals.accepted} accepted, ${totals.duplicates} duplicate, ` +
      `${totals.quarantined} quarantined, ${totals.failed} failed`,
  );
  for (const f of failures.slice(0, 5)) out.line(out.c.red(`  ${f.status} ${f.code}`));
}
