import { verify } from "@bw-relay/schema";
import { afterAll, describe, expect, it } from "vitest";
import { cli, receiver, unique } from "./helpers.ts";

const local = await receiver(204);
// Only events of this (unused) owner reach this file's targets: other files' traffic never does.
const OWNER = ["--owner", "+19195550166"];
afterAll(() => local.close());

interface TargetJson {
  target: {
    id: string;
    name: string;
    url: string;
    state: string;
    eventTypes: string[];
    enabled: boolean;
    maxAttempts: number;
    timeoutMs: number;
    headers: Record<string, string>;
  };
  secret?: string;
}

describe("bw-relay targets", () => {
  it("add, list, show, update, pause, resume, rotate-secret, test and remove, by name", async () => {
    const name = unique("app");
    const added = await cli([
      "targets",
      "add",
      name,
      local.url,
      "--event-type",
      "message-received",
      "--header",
      "x-api-key=k1",
      "--max-attempts",
      "3",
      "--timeout",
      "5s",
      ...OWNER,
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(new RegExp(`created target ${name} \\(tgt_[0-9a-f]+\\)`));
    const secret = /signing secret: (whsec_\S+)/.exec(added.stdout)?.[1] as string;
    expect(secret).toMatch(/^whsec_/);

    const list = await cli(["targets", "list"]);
    expect(list.code).toBe(0);
    expect(list.lines()[0]).toMatch(/^NAME\s+ID\s+STATE\s+URL\s+FILTERS$/);
    const row = list.lines().find((l) => l.startsWith(`${name} `)) as string;
    expect(row).toMatch(
      /tgt_\w+\s+active\s+http:\/\/127\.0\.0\.1:\d+\/hook\s+message-received owner=\+19195550166$/,
    );
    // Aligned: every row's second column starts where the header's does.
    expect(row.indexOf("tgt_")).toBe(list.lines()[0]?.indexOf("ID"));

    const shown = await cli(["targets", "show", name, "--json"]);
    const { target } = shown.json<TargetJson>();
    expect(target).toMatchObject({
      name,
      state: "active",
      eventTypes: ["message-received"],
      maxAttempts: 3,
      timeoutMs: 5000,
      headers: { "x-api-key": "********" },
    });
    const byId = await cli(["targets", "show", target.id]);
    expect(byId.stdout).toContain(`id           ${target.id}`);
    expect(byId.stdout).toMatch(/attempts\s+3 max, 5s timeout each/);

    const updated = await cli([
      "targets",
      "update",
      name,
      "--event-type",
      "any",
      "--direction",
      "in",
      "--json",
    ]);
    expect(updated.json<TargetJson>().target).toMatchObject({ eventTypes: [], directions: ["in"] });

    const paused = await cli(["targets", "pause", name]);
    expect(paused.stdout).toContain(`paused ${name} (${target.id}): paused`);
    expect((await cli(["targets", "resume", name, "--json"])).json<TargetJson>().target.state).toBe(
      "active",
    );

    const rotated = await cli(["targets", "rotate-secret", name, "--json"]);
    const { secret: newSecret, previousSecretExpiresAt } = rotated.json<{
      secret: string;
      previousSecretExpiresAt: string;
    }>();
    expect(newSecret).toMatch(/^whsec_/);
    expect(Date.parse(previousSecretExpiresAt)).toBeGreaterThan(Date.now());

    // One signed sample delivery, verifiable with both the old and the new secret.
    const before = local.received.length;
    const tested = await cli(["targets", "test", name]);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/✓ 204 in \d+ms/);
    const delivery = local.received[before];
    expect(delivery).toBeDefined();
    for (const s of [secret, newSecret]) {
      expect(
        await verify({
          payload: delivery?.body ?? "",
          headers: delivery?.headers as Record<string, string>,
          secrets: [s],
        }),
      ).toEqual({ ok: true });
    }
    const testedJson = await cli(["targets", "test", target.id, "--json"]);
    expect(testedJson.json()).toMatchObject({
      target: { id: target.id, name },
      ok: true,
      statusCode: 204,
      durationMs: expect.any(Number),
      error: null,
    });

    const removed = await cli(["targets", "remove", name, "--yes", "--json"]);
    expect(removed.json()).toEqual({ removed: { id: target.id, name } });
    const gone = await cli(["targets", "show", name]);
    expect(gone.code).toBe(6);
    expect(gone.stderr).toMatch(/^error: no target "/);
  });

  it("targets test fails (exit 1) when the target does not answer 2xx", async () => {
    const failing = await receiver(500);
    const name = unique("failing");
    await cli(["targets", "add", name, failing.url, ...OWNER]);
    const tested = await cli(["targets", "test", name]);
    expect(tested.code).toBe(1);
    expect(tested.stdout).toMatch(/✗ 500 in \d+ms/);
    expect(tested.stdout).toContain("response: answer 500");
    const unreachable = unique("nobody");
    await cli(["targets", "add", unreachable, "http://127.0.0.1:9/none", ...OWNER]);
    const refused = await cli(["targets", "test", unreachable, "--json"]);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({
      ok: false,
      statusCode: null,
      error: expect.any(String),
    });
    await cli(["targets", "remove", name, "--yes"]);
    await cli(["targets", "remove", unreachable, "--yes"]);
    await failing.close();
  });

  it("refusals: usage errors exit 2, the relay's refusals exit 7 with its code, ambiguity is named", async () => {
    const bad = await cli([
      "targets",
      "add",
      unique("x"),
      local.url,
      "--event-type",
      "message-recieved",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown event type "message-recieved"');
    const refused = await cli([
      "targets",
      "add",
      unique("x"),
      "ftp://example.com/x",
      "--json",
      ...OWNER,
    ]);
    expect(refused.code).toBe(7);
    expect(refused.json()).toEqual({
      error: { code: "invalid_request", message: expect.stringContaining("400 invalid_request") },
    });
    const twin = unique("twin");
    await cli(["targets", "add", twin, local.url, ...OWNER]);
    await cli(["targets", "add", twin, local.url, ...OWNER]);
    const ambiguous = await cli(["targets", "show", twin]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/2 targets are named ".*" \(tgt_\w+, tgt_\w+\): use the id/);
    const ids = (await cli(["targets", "list", "--json"]))
      .json<{ targets: { id: string; name: string }[] }>()
      .targets.filter((t) => t.name === twin);
    for (const t of ids) expect((await cli(["targets", "remove", t.id, "--yes"])).code).toBe(0);
    const noConfirm = await cli(["targets", "remove", "whatever"]);
    expect(noConfirm.code).toBe(6);
  });

  it("remove asks for --yes when it cannot ask", async () => {
    const name = unique("keep");
    await cli(["targets", "add", name, local.url, ...OWNER]);
    const refused = await cli(["targets", "remove", name]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Pass --yes to confirm.");
    expect((await cli(["targets", "show", name])).code).toBe(0);
    await cli(["targets", "rm", name, "-y"]);
  });
});
