/** `bw-relay tail`: one line per accepted event and per delivery outcome, live. */
import { type Command, Option } from "commander";
import { type App, collect, examples, intOption } from "../context.ts";
import { deliveryLine, eventLine } from "../render.ts";
import { type StreamFlags, session } from "../tail/session.ts";
import { runTail } from "../tail/stream.ts";
import { durationOption } from "../time.ts";

export function streamOptions(cmd: Command): Command {
  return cmd
    .option("--type <type>", "only these event types (repeatable)", collect)
    .addOption(
      new Option("--direction <dir>", "only inbound or outbound messages").choices(["in", "out"]),
    )
    .option("--max <n>", "stop after this many events", intOption("--max", 1, 1_000_000))
    .option("--for <time>", "stop after this long (30s, 10m, 1h)", durationOption("--for"));
}

export function registerTail(program: Command, app: App): void {
  const tail = streamOptions(
    program
      .command("tail")
      .description("watch events as they are accepted and every delivery attempt, live"),
  ).option("--no-deliveries", "events only, no delivery outcomes");
  examples(tail, [
    "tail",
    "tail --type message-failed",
    "tail --json | jq -c 'select(.type == \"delivery\")'",
    "# reconnects by itself; after a gap it says so and catches up from the events API",
  ]).action(async (flags: StreamFlags & { deliveries: boolean }, cmd: Command) => {
    const ctx = app.ctx(cmd);
    const s = session(ctx, flags);
    const { out } = ctx;
    try {
      await runTail(
        { api: ctx.api(), signal: s.signal },
        {
          async event(summary, via) {
            if (!s.wants(summary)) return;
            const e = await s.named(summary);
            if (out.json) out.record({ type: "event", via, event: e });
            else
              out.line(
                `${eventLine(out, e)}${via === "catch-up" ? out.c.dim("  (caught up)") : ""}`,
              );
            s.counted();
          },
          delivery(d) {
            if (!flags.deliveries) return;
            if (out.json) out.record({ type: "delivery", delivery: d });
            else out.line(deliveryLine(out, d));
          },
          status: s.status,
        },
      );
    } finally {
      s.dispose();
    }
  });
}
