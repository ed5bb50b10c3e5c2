/**
 * `bw-relay listen --forward-to URL`: the tail, plus each event forwarded to a server on this
 * machine, signed like a real delivery. The laptop connects out to the relay, so nothing needs
 * to reach the laptop: no tunnel, and after sleep or a network change it catches up.
 */
import { generateSecret } from "@bw-relay/schema";
import { type Command, InvalidArgumentError } from "commander";
import type { EventDetail, EventSummary } from "../api-types.ts";
import { type App, collect, examples } from "../context.ts";
import { usageError } from "../errors.ts";
import { deliveryLine } from "../render.ts";
import { type ForwardResult, forward } from "../tail/forward.ts";
import { type StreamFlags, session } from "../tail/session.ts";
import { runTail } from "../tail/stream.ts";
import { durationOption, formatTime } from "../time.ts";
import { streamOptions } from "./tail.ts";
import { excerpt } from "./targets-ops.ts";

interface ListenFlags extends StreamFlags {
  forwardTo: string;
  secret?: string;
  header?: string[];
  timeout?: number;
  deliveries?: boolean;
}

function forwardUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return url.toString();
  } catch {
    // fall through
  }
  throw new InvalidArgumentError(
    "--forward-to must be an http(s) URL, e.g. http://localhost:3000/webhooks",
  );
}

export function registerListen(program: Command, app: App): void {
  const listen = streamOptions(
    program
      .command("listen")
      .description("forward every new event to a local server, signed like a real delivery")
      .requiredOption(
        "--forward-to <url>",
        "your local endpoint, e.g. http://localhost:3000/webhooks/bandwidth",
        forwardUrl,
      ),
  )
    .option(
      "--secret <whsec>",
      "sign with this secret (default: $BW_RELAY_LISTEN_SECRET, else a new one)",
    )
    .option("--header <name=value>", "a header to send with each forward (repeatable)", collect)
    .option(
      "--timeout <time>",
      "wait this long for the local server (default 10s)",
      durationOption("--timeout"),
    )
    .option("--deliveries", "also show the relay's own delivery attempts");
  examples(listen, [
    "listen --forward-to http://localhost:3000/webhooks/bandwidth",
    "listen --forward-to http://localhost:3000/hook --type message-received --secret whsec_…",
    "# your server verifies webhook-signature with the secret printed at start (Standard Webhooks)",
  ]).action(async (flags: ListenFlags, cmd: Command) => {
    const ctx = app.ctx(cmd);
    const { out } = ctx;
    const secret = flags.secret ?? ctx.io.env.BW_RELAY_LISTEN_SECRET ?? generateSecret();
    if (!/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/.test(secret)) {
      throw usageError(
        "--secret must be whsec_ followed by at least 16 bytes of base64 (as `bw-relay targets add` shows)",
      );
    }
    const headers: Record<string, string> = {};
    for (const pair of flags.header ?? []) {
      const at = pair.indexOf("=");
      if (at <= 0) throw usageError(`--header "${pair}" must be name=value`);
      headers[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    const options = { url: flags.forwardTo, secret, headers, timeoutMs: flags.timeout ?? 10_000 };
    const api = ctx.api();
    const announce = () => {
      if (out.json) {
        out.record({ type: "listening", forwardTo: options.url, secret, relay: api.conn.url });
      } else {
        out.note(`forwarding new events from ${api.conn.url} to ${out.c.bold(options.url)}`);
        out.note(
          `signing secret: ${out.c.bold(secret)}${flags.secret || ctx.io.env.BW_RELAY_LISTEN_SECRET ? "" : out.c.dim("  (new; keep it with --secret or BW_RELAY_LISTEN_SECRET)")}`,
        );
      }
    };
    const s = session(ctx, flags);

    const report = (e: EventSummary, via: string, r: ForwardResult | null, skipped?: string) => {
      if (out.json) {
        return out.record({
          type: "forward",
          via,
          eventId: e.id,
          eventType: e.type,
          skipped: skipped ?? null,
          ...(r ?? { statusCode: null, durationMs: null, error: null, responseExcerpt: null }),
        });
      }
      const { c } = out;
      const head = `${c.dim(formatTime(e.receivedAt))}  ${c.cyan(e.id)}  ${c.bold(e.type ?? "(invalid)")}  ${e.direction ?? "-"}`;
      const tag = via === "catch-up" ? c.dim("  (caught up)") : "";
      if (skipped) return out.line(`${head}  ${c.yellow(`not forwarded: ${skipped}`)}${tag}`);
      if (!r) return;
      const ok = r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;
      const result =
        r.statusCode === null
          ? c.red(`${r.error}`)
          : ok
            ? c.green(String(r.statusCode))
            : c.red(String(r.statusCode));
      const body = ok ? null : excerpt(r.responseExcerpt, 80);
      out.line(`${head}  → ${result}  ${r.durationMs}ms${body ? `  ${c.dim(body)}` : ""}${tag}`);
    };

    try {
      await runTail(
        { api, signal: s.signal },
        {
          async event(e, via) {
            if (!s.wants(e)) return;
            s.counted();
            if (e.status === "quarantined")
              return report(e, via, null, "quarantined (invalid), never forwarded");
            let detail: EventDetail;
            try {
              detail = (await api.get<{ event: EventDetail }>(`/api/events/${e.id}`)).event;
            } catch (err) {
              return report(
                e,
                via,
                null,
                `could not read it from the relay (${(err as Error).message})`,
              );
            }
            report(e, via, await forward(detail, options));
          },
          delivery(d) {
            if (!flags.deliveries) return;
            if (out.json) out.record({ type: "delivery", delivery: d });
            else out.line(deliveryLine(out, d));
          },
          status: s.status,
          ready: announce,
        },
      );
    } finally {
      s.dispose();
    }
  });
}
