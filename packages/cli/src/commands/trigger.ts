/** `bw-relay trigger TYPE`: realistic Bandwidth callbacks, fresh each run, sent to /callbacks. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { KNOWN_EVENT_TYPES, type KnownEventType } from "@bw-relay/schema";
import { type Command, InvalidArgumentError, Option } from "commander";
import { type App, type Ctx, examples, intOption } from "../context.ts";
import { usageError } from "../errors.ts";
import {
  type BandwidthCallback,
  type GenerateOptions,
  generateCallbacks,
  generateLifecycle,
  resolveType,
  TRIGGER_ALIASES,
} from "../generate/callbacks.ts";
import { sendAll } from "./trigger-send.ts";

export interface TriggerFlags {
  media?: number;
  groupSize?: number;
  text?: string;
  errorCode?: number;
  lifecycle?: "delivered" | "failed";
  count: number;
  rate?: number;
  out?: string;
  owner?: string;
  peer?: string;
  applicationId?: string;
  accountId?: string;
  tag?: string;
}

/** The request bodies for one message: each callback posted on its own, as Bandwidth does. */
export function bodiesFor(
  typeName: string | undefined,
  flags: TriggerFlags,
  now = Date.now(),
): BandwidthCallback[][] {
  const options: GenerateOptions = {
    now,
    text: flags.text,
    errorCode: flags.errorCode,
    owner: flags.owner,
    peer: flags.peer,
    applicationId: flags.applicationId,
    accountId: flags.accountId,
    tag: flags.tag,
  };
  if (flags.lifecycle) {
    return generateLifecycle(flags.lifecycle, {
      ...options,
      mediaCount: flags.media,
      groupSize: flags.groupSize,
    }).map((e) => [e]);
  }
  const types: { type: KnownEventType; mediaCount?: number; groupSize?: number }[] =
    typeName === "all"
      ? KNOWN_EVENT_TYPES.map((type) => ({ type }))
      : [resolveType(typeName ?? "") ?? { type: "message-received" }];
  return types.flatMap((t) =>
    generateCallbacks(t.type, {
      ...options,
      mediaCount: flags.media ?? t.mediaCount,
      groupSize: flags.groupSize ?? t.groupSize,
    }).map((e) => [e]),
  );
}

const TYPE_HELP = `
Types: ${KNOWN_EVENT_TYPES.join(", ")}
Short names: ${Object.entries(TRIGGER_ALIASES)
  .map(
    ([k, v]) =>
      `${k}=${v.type}${v.mediaCount ? " with media" : ""}${v.groupSize ? ` (group of ${v.groupSize})` : ""}`,
  )
  .join(", ")}
"all": one callback of every type.`;

async function trigger(ctx: Ctx, typeName: string | undefined, flags: TriggerFlags): Promise<void> {
  if (!flags.lifecycle && !typeName)
    throw usageError("name a type (e.g. `bw-relay trigger sms`), or use --lifecycle");
  if (typeName && typeName !== "all" && !resolveType(typeName)) {
    throw usageError(`unknown type "${typeName}".${TYPE_HELP}`);
  }
  const { out } = ctx;
  if (flags.out) {
    const events = Array.from({ length: flags.count }, () =>
      bodiesFor(typeName, flags).flat(),
    ).flat();
    const text = `${JSON.stringify(events, null, 2)}\n`;
    if (flags.out === "-") {
      ctx.io.stdout.write(text);
      return;
    }
    const path = resolve(ctx.io.cwd, flags.out);
    writeFileSync(path, text);
    if (out.json) return out.data({ written: path, events: events.length });
    return out.line(
      `wrote ${events.length} callback event${events.length === 1 ? "" : "s"} to ${path}`,
    );
  }
  await sendAll(ctx, () => bodiesFor(typeName, flags), flags);
}

export function registerTrigger(program: Command, app: App): void {
  const cmd = program
    .command("trigger")
    .argument(
      "[type]",
      "an event type or short name (sms, mms, group, delivered, failed, …), or all",
    )
    .description(
      "send realistic Bandwidth callbacks (fresh ids and times) to the relay's /callbacks",
    )
    .option("--media <n>", "media attachments (MMS)", intOption("--media", 0, 10))
    .option(
      "--group-size <n>",
      "participants besides the sender (group message)",
      intOption("--group-size", 1, 20),
    )
    .option("--text <text>", "the message text")
    .option(
      "--error-code <code>",
      "message-failed's Bandwidth error code (default: a common one)",
      (v: string) => {
        if (!/^\d{1,5}$/.test(v))
          throw new InvalidArgumentError("--error-code must be a number such as 4432.");
        return Number(v);
      },
    )
    .addOption(
      new Option(
        "--lifecycle [outcome]",
        "a whole outbound message: sending → sent → delivered (or failed)",
      )
        .choices(["delivered", "failed"])
        .preset("delivered"),
    )
    .option("--count <n>", "how many messages", intOption("--count", 1, 1_000_000), 1)
    .option("--rate <n>", "at most this many requests per second", intOption("--rate", 1, 10_000))
    .option("--out <file>", "write the callbacks to a file (- for stdout) instead of sending them")
    .option("--owner <number>", "your Bandwidth number (message.owner)")
    .option("--peer <number>", "the other party's number")
    .option("--application-id <id>", "message.applicationId")
    .option("--account-id <id>", "the account id in media URLs")
    .option("--tag <tag>", "message.tag");
  cmd.addHelpText("after", TYPE_HELP);
  examples(cmd, [
    "trigger sms",
    "trigger mms --media 3 --text 'Look at this'",
    "trigger group --group-size 5",
    "trigger failed --error-code 4432",
    "trigger --lifecycle            # sending → sent → delivered",
    "trigger --lifecycle failed",
    "trigger sms --count 500 --rate 50",
    "trigger all --out samples.json",
    "# credentials: --callback-user/--callback-password, BW_RELAY_CALLBACK_USERNAME/…_PASSWORD, a profile,",
    "# or (local relay) apps/relay/.dev.vars; default bandwidth:dev-callback-password",
  ]).action(async (type: string | undefined, flags: TriggerFlags, c: Command) =>
    trigger(app.ctx(c), type, flags),
  );
}
