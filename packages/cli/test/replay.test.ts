/**
 * `replay` and `recover`, with targets and an owner of their own: the counts `recover` finds
 * are this file's deliveries only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, receiver, unique, until } from "./helpers.ts";

interface Summary {
  id: string;
  status: string;
}

const OWNER = "+19195550155";
const ok = await receiver(204);
const broken = await receiver(500);
const good = unique("replay-good");
const bad = unique("replay-bad");
const capped = unique("replay-cap");

beforeAll(async () => {
  const tag = ["--owner", OWNER];
  expect((await cli(["targets", "add", good, ok.url, ...tag])).code).toBe(0);
  expect((await cli(["targets", "add", bad, broken.url, ...tag, "--max-attempts", "2"])).code).toBe(
    0,
  );
});

afterAll(async () => {
  for (const name of [good, bad, capped]) await cli(["targets", "remove", name, "--yes"]);
  await ok.close();
  await broken.close();
});

async function triggerOne(args: string[]): Promise<{ ids: string[] }> {
  const sent = await cli(["trigger", ...args, "--json"]);
  expect(sent.code).toBe(0);
  return sent.json();
}

describe("replay and recover", () => {
  it("replay, and recover over a window with a count first", async () => {
    const { ids } = await triggerOne(["sms", "--owner", OWNER]);
    const id = ids[0] as string;
    await until("the broken target's delivery to die", async () => {
      const { event } = (await cli(["events", "show", id, "--json"])).json<{
        event: { deliveries: { targetName: string; status: string }[] };
      }>();
      return event.deliveries.find((d) => d.targetName === bad)?.status === "dead";
    });
    const replayed = await cli(["replay", id, "--target", bad]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe(
      `queued 1 delivery of ${id} to ${bad}\nwatch it: bw-relay events show ${id}\n`,
    );
    expect((await cli(["replay", id, "--json"])).json()).toEqual({
      eventId: id,
      target: null,
      queued: 2,
    });
    await until("the replays to die again", async () => {
      const list = (
        await cli([
          "events",
          "list",
          "--target",
          bad,
          "--delivery-status",
          "pending",
          "--since",
          "5m",
          "--json",
        ])
      ).json<{ events: Summary[] }>();
      return list.events.length === 0;
    });

    const dry = await cli(["recover", bad, "--since", "10m", "--dry-run", "--json"]);
    const counted = dry.json<{ matched: number; queued: number; dryRun: boolean }>();
    expect(counted.matched).toBeGreaterThanOrEqual(1);
    expect(counted).toMatchObject({
      queued: 0,
      dryRun: true,
      statuses: ["failed", "dead"],
      target: { name: bad },
    });
    const human = await cli(["recover", bad, "--since", "10m", "--dry-run"]);
    expect(human.stdout).toMatch(
      new RegExp(
        `^${counted.matched} failed or dead deliver(y|ies) to ${bad}, received since \\d\\d:\\d\\d:\\d\\d\\n$`,
      ),
    );
    const needsYes = await cli(["recover", bad, "--since", "10m"]);
    expect(needsYes.code).toBe(2);
    const recovered = await cli(["recover", bad, "--since", "10m", "--yes", "--json"]);
    expect(recovered.code).toBe(0);
    expect(recovered.json()).toMatchObject({
      matched: counted.matched,
      queued: counted.matched,
      failed: [],
    });
    const none = await cli(["recover", good, "--since", "1m", "--yes"]);
    expect(none.stdout).toMatch(/^0 failed or dead deliveries to/);
  });

  it("recover stops at --max (at most 50,000) and says how many are left, in words and in --json", async () => {
    const owner = "+19195550144";
    await cli(["targets", "add", capped, broken.url, "--owner", owner, "--max-attempts", "1"]);
    for (let i = 0; i < 3; i++) await triggerOne(["sms", "--owner", owner]);
    const dead = ["events", "list", "--target", capped, "--delivery-status", "dead", "--json"];
    await until("three dead deliveries", async () => {
      return (await cli(dead)).json<{ events: Summary[] }>().events.length === 3;
    });
    const dry = await cli(["recover", capped, "--max", "2", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    expect(dry.json()).toMatchObject({ matched: 2, capped: true, remaining: 1, queued: 0 });
    const all = await cli(["recover", capped, "--max", "3", "--dry-run", "--json"]);
    expect(all.json()).toMatchObject({ matched: 3, capped: false, remaining: null });
    const windowed = await cli(["recover", capped, "--since", "10m", "--max", "2", "--dry-run"]);
    expect(windowed.stderr).toBe(
      `warning: stopped at 2 (--max): up to 1 more failed or dead delivery to ${capped} is left (counted at any time, not only in the window); run recover again once these are re-queued\n`,
    );
    const run = await cli(["recover", capped, "--max", "2", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^2 failed or dead deliveries to ${capped}, received at any time\\nre-queued 2 deliveries to ${capped}\\n`,
      ),
    );
    expect(run.stderr).toBe(
      `warning: stopped at 2 (--max): 1 more failed or dead delivery to ${capped} is left; run recover again once these are re-queued\n`,
    );
    const tooMany = await cli(["recover", capped, "--max", "50001", "--dry-run"]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain("--max must be a whole number from 1 to 50000");
  });
});
