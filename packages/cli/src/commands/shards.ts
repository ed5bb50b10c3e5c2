/** `bw-relay shards` (the shard epochs) and `bw-relay shards set COUNT` (open a new one). */
import type { Command } from "commander";
import type { ShardEpoch, ShardEpochs } from "../api-types.ts";
import type { ApiClient } from "../client.ts";
import { type App, type Ctx, examples, intOption } from "../context.ts";
import { CliError, EXIT } from "../errors.ts";
import type { Output } from "../output.ts";
import { confirm } from "../prompt.ts";
import { formatTime } from "../time.ts";

/** The relay's bounds for `POST /api/shards` (docs/api.md). */
const MAX_SHARD_COUNT = 1024;

/** Epoch 0 opened "at 0": it has always been there. */
const since = (e: ShardEpoch) => (Date.parse(e.since) === 0 ? "(start)" : formatTime(e.since));

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function current(s: ShardEpochs): ShardEpoch {
  const found = s.epochs.find((e) => e.state === "current") ?? s.epochs.at(-1);
  if (!found) throw new CliError("the relay answered no shard epoch", EXIT.FAILURE, "no_epoch");
  return found;
}

function state(out: Output, word: ShardEpoch["state"]): string {
  if (word === "current") return out.c.green(word);
  if (word === "closed") return out.c.yellow(word);
  return out.c.dim(word);
}

function printEpochs(out: Output, s: ShardEpochs): void {
  out.table(
    ["EPOCH", "SHARDS", "SINCE", "STATE", "RETIRED AT"],
    s.epochs.map((e) => [
      e.epoch,
      e.shardCount,
      since(e),
      state(out, e.state),
      e.retiredAt === null ? null : formatTime(e.retiredAt),
    ]),
    [0, 1],
  );
  out.line();
  const now = current(s);
  const closed = s.epochs.filter((e) => e.state === "closed");
  out.line(
    `new messages go to ${plural(now.shardCount, "shard", "shards")} (epoch ${now.epoch})${
      closed.length === 0
        ? ""
        : `; ${plural(closed.length, "closed epoch keeps", "closed epochs keep")} the messages ${closed.length === 1 ? "it" : "they"} started, and their later events, until retired`
    }`,
  );
}

/** A relay from before shard epochs answers 404 for the route: say so instead of "not found". */
async function call<T>(api: ApiClient, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof CliError && err.exitCode === EXIT.NOT_FOUND) {
      throw new CliError(
        `the relay at ${api.conn.url} has no /api/shards yet: update the relay to use \`shards\``,
        EXIT.REFUSED,
        "unsupported",
      );
    }
    throw err;
  }
}

const unchanged = (count: number) =>
  new CliError(
    `new messages already go to ${plural(count, "shard", "shards")} (shard_count_unchanged): nothing to change`,
    EXIT.REFUSED,
    "shard_count_unchanged",
  );

/** The relay's 409s as one line that says what to do. */
function refusal(err: unknown, count: number, before: ShardEpochs): unknown {
  if (!(err instanceof CliError)) return err;
  if (err.code === "shard_count_unchanged") return unchanged(count);
  if (err.code === "too_many_epochs") {
    const live = before.epochs.filter((e) => e.state !== "retired").length;
    return new CliError(
      `the relay refused a new epoch (409 too_many_epochs): ${live} shard epochs are live; the oldest retires once its events are purged (RETENTION_HOURS after they settle), then try again — \`bw-relay shards\` shows them`,
      EXIT.REFUSED,
      err.code,
    );
  }
  return err;
}

async function setCount(ctx: Ctx, count: number, yes: boolean | undefined): Promise<void> {
  const api = ctx.api();
  const before = await call(api, () => api.get<ShardEpochs>("/api/shards"));
  const was = current(before);
  // Asking to confirm a change the relay would refuse helps nobody: refuse it the same way.
  if (was.shardCount === count) throw unchanged(count);
  await confirm(
    ctx.io,
    `New messages go to ${plural(was.shardCount, "shard", "shards")} (epoch ${was.epoch}). Open epoch ${was.epoch + 1} with ${plural(count, "shard", "shards")} for messages first seen from now on? Existing messages stay where they are; this cannot be undone, only followed by another epoch.`,
    yes,
  );
  let after: ShardEpochs;
  try {
    after = await api.post<ShardEpochs>("/api/shards", { shardCount: count });
  } catch (err) {
    throw refusal(err, count, before);
  }
  if (ctx.out.json) return ctx.out.data(after);
  const { out } = ctx;
  const opened = current(after);
  out.line(
    `opened epoch ${opened.epoch}: new messages go to ${out.c.bold(plural(opened.shardCount, "shard", "shards"))} from ${formatTime(opened.since)}`,
  );
  out.line(
    `existing messages stay in their shards: epoch ${was.epoch} (${plural(was.shardCount, "shard", "shards")}) is closed and keeps taking their later events until it is empty and retires (RETENTION_HOURS after its last events settle); nothing is moved`,
  );
  out.line(
    out.c.dim(
      "other Worker instances pick up the change within 15 s; `bw-relay shards` lists the epochs",
    ),
  );
}

export function registerShards(program: Command, app: App): void {
  const shards = program
    .command("shards")
    .description("the shard epochs: how many shards new messages go to, and the older counts");
  examples(shards, ["shards", "shards set 16", "shards set 16 --yes --json"]);

  const list = shards
    .command("list", { isDefault: true })
    .alias("ls")
    .description("the epochs, oldest first: shard count, since when, current/closed/retired");
  examples(list, ["shards", "shards list --json | jq .shardCount"]).action(
    async (_o, cmd: Command) => {
      const ctx = app.ctx(cmd);
      const api = ctx.api();
      const s = await call(api, () => api.get<ShardEpochs>("/api/shards"));
      if (ctx.out.json) return ctx.out.data(s);
      printEpochs(ctx.out, s);
    },
  );

  const set = shards
    .command("set")
    .argument(
      "<count>",
      `shards for new messages (1-${MAX_SHARD_COUNT})`,
      intOption("count", 1, MAX_SHARD_COUNT),
    )
    .option("-y, --yes", "do not ask")
    .description(
      "open a new epoch: messages first seen from now on hash over COUNT shards; nothing moves",
    );
  examples(set, ["shards set 16", "shards set 4 --yes"]).action(
    async (count: number, flags: { yes?: boolean }, cmd: Command) =>
      setCount(app.ctx(cmd), count, flags.yes),
  );
}
