/**
 * What `tail` and `listen` share: the stop conditions (Ctrl-C, --max events, --for a time),
 * the event filters, and how connection news is told (once per gap, not once per retry).
 */
import type { EventSummary, Target } from "../api-types.ts";
import type { Ctx } from "../context.ts";
import { formatDuration } from "../time.ts";
import type { TailStatus } from "./stream.ts";

export interface StreamFlags {
  type?: string[];
  direction?: string;
  max?: number;
  for?: number;
}

export interface Session {
  signal: AbortSignal;
  /** Counts an event toward --max; stops the session when it is reached. */
  counted(): void;
  wants(e: EventSummary): boolean;
  /** The event with its deliveries' target names (the live feed carries only ids). */
  named(e: EventSummary): Promise<EventSummary>;
  status(s: TailStatus): void;
  dispose(): void;
}

export function session(ctx: Ctx, flags: StreamFlags): Session {
  const controller = new AbortController();
  const stop = () => controller.abort();
  ctx.signal.addEventListener("abort", stop, { once: true });
  const timer = flags.for === undefined ? undefined : setTimeout(stop, flags.for);
  let count = 0;
  let down = false;
  const names = new Map<string, string>();
  let namesAt = 0;
  const { out } = ctx;
  return {
    signal: controller.signal,
    counted() {
      count++;
      if (flags.max !== undefined && count >= flags.max) stop();
    },
    wants(e) {
      if (flags.type?.length && !flags.type.includes(e.type ?? "")) return false;
      if (flags.direction && e.direction !== flags.direction) return false;
      return true;
    },
    async named(e) {
      const missing = e.deliveries.some((d) => !d.targetName && !names.has(d.targetId));
      // At most one lookup every 10 s: a deleted target stays unnamed without a request per event.
      if (missing && Date.now() - namesAt > 10_000) {
        namesAt = Date.now();
        try {
          const { targets } = await ctx.api().get<{ targets: Target[] }>("/api/targets");
          for (const t of targets) names.set(t.id, t.name);
        } catch {
          // Names are a nicety; the ids are shown instead.
        }
      }
      const deliveries = e.deliveries.map((d) => ({
        ...d,
        targetName: d.targetName ?? names.get(d.targetId) ?? null,
      }));
      return { ...e, deliveries };
    },
    status(s) {
      if (out.json) return out.record({ type: "status", ...s });
      if (s.kind === "connected") out.note(out.c.dim(`connected to ${s.url} (Ctrl-C to stop)`));
      if (s.kind === "disconnected" && !down) {
        down = true;
        out.note(out.c.yellow(`connection lost (${s.reason}); reconnecting…`));
      }
      if (s.kind === "reconnected") {
        down = false;
        const gap = `reconnected after ${formatDuration(s.gapMs)}`;
        out.note(
          out.c.yellow(
            s.caughtUp === null
              ? `${gap}; catching up on the gap failed, trying again in a moment`
              : `${gap}; caught up ${s.caughtUp} event${s.caughtUp === 1 ? "" : "s"} from the gap`,
          ),
        );
      }
      if (s.kind === "catch-up-incomplete") out.warn(`catch-up incomplete (${s.reason})`);
      if (s.kind === "caught-up")
        out.note(out.c.dim(`caught up ${s.count} event(s) the live feed missed`));
      if (s.kind === "catch-up-truncated")
        out.warn(`catch-up stopped at its limit; skipped ${s.skipped}`);
    },
    dispose() {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", stop);
    },
  };
}
