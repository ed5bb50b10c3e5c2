import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, postCallbacks, receiver, unique, until } from "./helpers.ts";

interface Summary {
  id: string;
  type: string;
  messageId: string;
  status: string;
  deliveries: { targetName: string; status: string }[];
}

const ok = await receiver(204);
const broken = await receiver(500);
const good = unique("events-good");
const bad = unique("events-bad");

beforeAll(async () => {
  // Only this file's messages (the tag) reach these targets, whatever the other files send.
  const tag = ["--owner", "+19195550177"];
  expect((await cli(["targets", "add", good, ok.url, ...tag])).code).toBe(0);
  expect((await cli(["targets", "add", bad, broken.url, ...tag, "--max-attempts", "2"])).code).toBe(
    0,
  );
});

afterAll(async () => {
  await cli(["targets", "remove", good, "--yes"]);
  await cli(["targets", "remove", bad, "--yes"]);
  await ok.close();
  await broken.close();
});

async function triggerOne(args: string[]): Promise<{ ids: string[]; messageIds: string[] }> {
  const sent = await cli(["trigger", ...args, "--owner", "+19195550177", "--json"]);
  expect(sent.code).toBe(0);
  return sent.json();
}

describe("events", () => {
  it("trigger prints one line per callback and a summary; events list finds them with filters", async () => {
    const text = unique("needle");
    const human = await cli(["trigger", "sms", "--text", text, "--owner", "+19195550177"]);
    expect(human.code).toBe(0);
    expect(human.lines()[0]).toMatch(
      /^message-received {2}\d{13}[a-z0-9]{16} {2}→ accepted {2}evt_[0-9a-f]{32} {2}\d+ms$/,
    );
    expect(human.lines()[1]).toMatch(
      /^sent 1 callback to http:\/\/127\.0\.0\.1:\d+\/callbacks in .*: 1 accepted, 0 duplicate, 0 quarantined, 0 failed$/,
    );

    const found = await cli(["events", "list", "--text", text, "--since", "5m", "--json"]);
    const { events, nextCursor } = found.json<{ events: Summary[]; nextCursor: string | null }>();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "message-received",
      id: expect.stringMatching(/^evt_/),
    });
    expect(nextCursor).toBeNull();

    const table = await cli([
      "events",
      "list",
      "--message-id",
      events[0]?.messageId as string,
      "--direction",
      "in",
    ]);
    expect(table.lines()[0]).toMatch(
      /^RECEIVED\s+ID\s+TYPE\s+DIR\s+OWNER\s+MESSAGE\s+STATUS\s+DELIVERIES$/,
    );
    expect(table.lines()[1]).toContain(events[0]?.id);
    expect((await cli(["events", "list", "--text", text, "--until", "1h"])).stdout).toBe(
      "no events match\n",
    );
    const badTime = await cli(["events", "list", "--since", "yesterday-ish"]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('"yesterday-ish" is not a time');
  });

  it("events show: side by side, what normalization changed, issues, the attempt timeline", async () => {
    const messageId = unique("m");
    const { ids } = await postCallbacks([
      {
        type: "message-received",
        time: new Date().toISOString(),
        to: "+19195550177",
        errorCode: null,
        message: {
          id: messageId,
          owner: "+19195550177",
          direction: "in",
          to: "+19195550177",
          segmentCount: "2",
          text: "hi",
        },
      },
      { type: "message-received", message: { to: 5 } },
    ]);
    const [normal, invalid] = ids as [string, string];
    // The good target delivers at once; the broken one is retried once, then dead.
    await until("both deliveries to finish", async () => {
      const { event } = (await cli(["events", "show", normal, "--json"])).json<{
        event: { deliveries: { status: string }[] };
      }>();
      return event.deliveries.length >= 2 && event.deliveries.every((d) => d.status !== "pending");
    });
    const shown = await cli(["events", "show", normal]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^message-received evt_\w+ {2}dead$/m);
    expect(shown.stdout).toContain("raw");
    expect(shown.stdout).toMatch(/"segmentCount": "2",\s+│/);
    expect(shown.stdout).toContain("What normalization changed");
    expect(shown.stdout).toContain("  errorCode: null → (removed)");
    expect(shown.stdout).toContain('  message.segmentCount: "2" → 2');
    expect(shown.stdout).toContain('  message.to: "+19195550177" → ["+19195550177"]');
    expect(shown.stdout).toMatch(
      new RegExp(`${bad} tgt_\\w+ {2}dead {2}2 attempt\\(s\\) this round`),
    );
    expect(shown.stdout).toMatch(
      / {4}#1 {2}\d\d:\d\d:\d\d {2}500 {2}\d+ms {2}HTTP 500 {2}answer 500/,
    );
    expect(shown.stdout).toMatch(/ {4}#2 {2}\d\d:\d\d:\d\d {2}500/);
    expect(shown.stdout).toMatch(new RegExp(`${good} tgt_\\w+ {2}delivered`));

    const json = (await cli(["events", "show", normal, "--json"])).json<{
      event: { id: string; raw: unknown; normalized: unknown };
      changes: { path: string; kind: string }[];
    }>();
    expect(json.event.id).toBe(normal);
    expect(json.changes.map((c) => [c.path, c.kind])).toEqual([
      ["errorCode", "removed"],
      ["message.segmentCount", "changed"],
      ["message.to", "changed"],
    ]);
    const normalizedOnly = await cli(["events", "show", normal, "--normalized"]);
    expect(JSON.parse(normalizedOnly.stdout).message.to).toEqual(["+19195550177"]);

    const quarantined = await cli(["events", "show", invalid]);
    expect(quarantined.stdout).toContain("quarantined");
    expect(quarantined.stdout).toMatch(/Quarantined: never forwarded \(3 issue\(s\)\)/);
    expect(quarantined.stdout).toContain("message.id is required");
    const missing = await cli(["events", "show", "evt_00000000000000000000000000000000"]);
    expect(missing.code).toBe(6);
    expect(missing.stderr).toBe(
      "error: 404 not_found: No event with this id (it may have been purged).\n",
    );
  });

  it("trigger --count --rate paces the requests; every one is accepted", async () => {
    const started = Date.now();
    const sent = await cli([
      "trigger",
      "sms",
      "--count",
      "12",
      "--rate",
      "40",
      "--owner",
      "+19195550178",
      "--json",
    ]);
    expect(sent.code).toBe(0);
    const totals = sent.json<{
      requests: number;
      accepted: number;
      duplicates: number;
      failed: number;
      ids: string[];
      messageIds: string[];
    }>();
    expect(totals).toMatchObject({ requests: 12, accepted: 12, duplicates: 0, failed: 0 });
    expect(new Set(totals.messageIds).size).toBe(12);
    // 12 requests at 40/s: the last starts 275 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(270);
    const human = await cli([
      "trigger",
      "delivered",
      "--count",
      "25",
      "--rate",
      "200",
      "--owner",
      "+19195550178",
    ]);
    expect(human.lines()).toHaveLength(1);
    expect(human.stdout).toMatch(
      /^sent 25 callbacks to .* \(\d+(\.\d)?\/s\): 25 accepted, 0 duplicate, 0 quarantined, 0 failed\n$/,
    );
  });

  it("stats: a table per target, stable JSON", async () => {
    const human = await cli(["stats"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^events {7}\d+ stored/m);
    expect(human.stdout).toMatch(
      /TARGET\s+STATE\s+PENDING\s+DELIVERED\s+FAILED\s+DEAD\s+ATTEMPTS\s+SUCCESS/,
    );
    expect(human.stdout).toMatch(new RegExp(`^${good}\\s+active\\s+\\d+\\s+\\d+`, "m"));
    const json = (await cli(["stats", "--json"])).json<{
      events: { total: number };
      targets: { name: string }[];
    }>();
    expect(json.events.total).toBeGreaterThan(0);
    expect(json.targets.map((t) => t.name)).toContain(bad);
  });

  it("events list --follow prints new events as they arrive and stops at --max", async () => {
    const text = unique("follow");
    const seen: string[] = [];
    const following = cli(
      [
        "events",
        "list",
        "--follow",
        "--text",
        text,
        "--interval",
        "200ms",
        "--max",
        "2",
        "--for",
        "20s",
        "--json",
      ],
      {
        onStdout: (chunk) => seen.push(chunk),
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    await triggerOne(["sms", "--text", text]);
    await triggerOne(["sms", "--text", text]);
    const result = await following;
    expect(result.code).toBe(0);
    const records = result.lines().map((l) => JSON.parse(l) as { event: Summary });
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.event.type === "message-received")).toBe(true);
  });
});
