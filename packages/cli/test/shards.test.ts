/**
 * `bw-relay shards` and `shards set` against a relay of their own (test/global-setup.ts): a new
 * shard epoch changes a relay for good and at most 4 are live, so the shared relay stays at
 * one epoch for the other files. The tests run in order, each building on the last.
 */
import { describe, expect, inject, it } from "vitest";
import { generateLifecycle } from "../src/generate/index.ts";
import { cli, postCallbacks } from "./helpers.ts";

const url = inject("shardsRelayUrl");
const shards = (args: string[]) => cli(["shards", ...args], { env: { BW_RELAY_URL: url } });

interface Epochs {
  shardCount: number;
  epochs: {
    epoch: number;
    shardCount: number;
    since: string;
    state: string;
    retiredAt: string | null;
  }[];
}

const START = "1970-01-01T00:00:00.000Z";

describe("bw-relay shards", () => {
  it("lists the one epoch a relay starts with (SHARD_COUNT 2)", async () => {
    const human = await shards([]);
    expect(human.code).toBe(0);
    expect(human.lines()).toEqual([
      expect.stringMatching(/^EPOCH\s+SHARDS\s+SINCE\s+STATE\s+RETIRED AT$/),
      expect.stringMatching(/^\s*0\s+2\s+\(start\)\s+current\s+-$/),
      "new messages go to 2 shards (epoch 0)",
    ]);
    expect((await shards(["list"])).stdout).toBe(human.stdout);
    expect((await shards(["--json"])).json<Epochs>()).toEqual({
      shardCount: 2,
      epochs: [{ epoch: 0, shardCount: 2, since: START, state: "current", retiredAt: null }],
    });
  });

  it("refuses bad counts, the same count and an unconfirmed change, each in one line", async () => {
    for (const bad of ["0", "1025", "two", "2.5"]) {
      const result = await shards(["set", bad, "--yes"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("count must be a whole number from 1 to 1024.");
    }
    const same = await shards(["set", "2", "--yes"]);
    expect(same.code).toBe(7);
    expect(same.stderr).toBe(
      "error: new messages already go to 2 shards (shard_count_unchanged): nothing to change\n",
    );
    // Not a terminal and no --yes: nothing is asked, nothing changes.
    const unconfirmed = await shards(["set", "4", "--json"]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.json()).toEqual({
      error: {
        code: "confirmation_required",
        message: expect.stringMatching(
          /^New messages go to 2 shards \(epoch 0\)\. Open epoch 1 with 4 shards .* Pass --yes to confirm\.$/,
        ),
      },
    });
    expect((await shards(["--json"])).json<Epochs>().epochs).toHaveLength(1);
  });

  it("set opens an epoch; a message that straddles the change is listed whole", async () => {
    const [sending, sent, delivered] = generateLifecycle("delivered", { mediaCount: 1 });
    const messageId = (sending as { message: { id: string } }).message.id;
    await postCallbacks([sending], url);

    const set = await shards(["set", "4", "--yes"]);
    expect(set.code).toBe(0);
    expect(set.stderr).toBe("");
    expect(set.lines()[0]).toMatch(
      /^opened epoch 1: new messages go to 4 shards from \d\d:\d\d:\d\d$/,
    );
    expect(set.lines()[1]).toBe(
      "existing messages stay in their shards: epoch 0 (2 shards) is closed and keeps taking their later events until it is empty and retires (RETENTION_HOURS after its last events settle); nothing is moved",
    );

    await postCallbacks([sent, delivered], url);
    const listed = await cli(["events", "list", "--message-id", messageId, "--json"], {
      env: { BW_RELAY_URL: url },
    });
    const types = listed.json<{ events: { type: string }[] }>().events.map((e) => e.type);
    expect(types.sort()).toEqual(["message-delivered", "message-sending", "message-sent"]);

    const human = await shards([]);
    expect(human.lines()).toEqual([
      expect.stringMatching(/^EPOCH\s+SHARDS\s+SINCE\s+STATE\s+RETIRED AT$/),
      expect.stringMatching(/^\s*0\s+2\s+\(start\)\s+closed\s+-$/),
      expect.stringMatching(/^\s*1\s+4\s+\d\d:\d\d:\d\d\s+current\s+-$/),
      "new messages go to 4 shards (epoch 1); 1 closed epoch keeps the messages it started, and their later events, until retired",
    ]);
  });

  it("set --json prints the new history; a fifth live epoch is refused with what to do", async () => {
    const json = await shards(["set", "8", "--yes", "--json"]);
    expect(json.code).toBe(0);
    const after = json.json<Epochs>();
    expect(after.shardCount).toBe(8);
    expect(after.epochs.map((e) => [e.epoch, e.shardCount, e.state])).toEqual([
      [0, 2, "closed"],
      [1, 4, "closed"],
      [2, 8, "current"],
    ]);
    expect(Date.parse(after.epochs[2]?.since ?? "")).toBeGreaterThan(Date.now() - 60_000);
    // Back down to 2: another epoch (nothing is undone), the fourth and last live one.
    expect((await shards(["set", "2", "--yes"])).lines()[0]).toMatch(
      /^opened epoch 3: new messages go to 2 shards/,
    );

    const refused = await shards(["set", "16", "--yes"]);
    expect(refused.code).toBe(7);
    expect(refused.stderr).toBe(
      "error: the relay refused a new epoch (409 too_many_epochs): 4 shard epochs are live; the oldest retires once its events are purged (RETENTION_HOURS after they settle), then try again — `bw-relay shards` shows them\n",
    );
    const refusedJson = await shards(["set", "16", "--yes", "--json"]);
    expect(refusedJson.code).toBe(7);
    expect(refusedJson.json()).toEqual({
      error: { code: "too_many_epochs", message: expect.stringContaining("4 shard epochs") },
    });
    expect((await shards(["--json"])).json<Epochs>().shardCount).toBe(2);
  });
});
