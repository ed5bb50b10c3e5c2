/** `bw-relay replay ID [--target T]`: deliver an event again (`recover` re-queues in bulk). */
import type { Command } from "commander";
import { type App, type Ctx, examples } from "../context.ts";
import { resolveTarget } from "../resolve.ts";

async function replay(ctx: Ctx, id: string, flags: { target?: string }): Promise<void> {
  const api = ctx.api();
  const target = flags.target ? await resolveTarget(api, flags.target) : undefined;
  const body = target ? { targetId: target.id } : {};
  const { queued } = await api.post<{ queued: number }>(
    `/api/events/${encodeURIComponent(id)}/replay`,
    body,
  );
  if (ctx.out.json)
    return ctx.out.data({
      eventId: id,
      target: target ? { id: target.id, name: target.name } : null,
      queued,
    });
  ctx.out.line(
    `queued ${queued} deliver${queued === 1 ? "y" : "ies"} of ${id}${target ? ` to ${target.name}` : ""}`,
  );
  ctx.out.line(ctx.out.c.dim(`watch it: bw-relay events show ${id}`));
}

export function registerReplay(program: Command, app: App): void {
  const replayCmd = program
    .command("replay")
    .argument("<id>", "an event id (evt_…)")
    .option(
      "--target <target>",
      "only to this target (name or id), even if its filters would not match",
    )
    .description("deliver an event again (a fresh attempt budget)");
  examples(replayCmd, [
    "replay evt_889ce9ac63aaf35593c94ae2813c53cb",
    "replay evt_889ce9ac63aaf35593c94ae2813c53cb --target my-app",
  ]).action(async (id: string, flags: { target?: string }, cmd: Command) =>
    replay(app.ctx(cmd), id, flags),
  );
}
