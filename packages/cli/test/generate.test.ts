import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  describeErrorCode,
  KNOWN_EVENT_TYPES,
  MESSAGING_ERROR_CODES,
  normalize,
} from "@bw-relay/schema";
import { describe, expect, it } from "vitest";
import {
  generateCallbacks,
  generateLifecycle,
  resolveType,
  TRIGGER_ALIASES,
} from "../src/generate/index.ts";
import { cli, scratch } from "./helpers.ts";

/** A seeded generator, for output that is the same on every run. */
function seeded(seed = 42) {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32;
  };
}

function expectValid(event: unknown) {
  const result = normalize(event);
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  expect(result.known).toBe(true);
  return result.event;
}

describe("the callback generator", () => {
  it.each(KNOWN_EVENT_TYPES)("%s: passes normalize, with its type's own fields", (type) => {
    for (const options of [
      {},
      { mediaCount: 2 },
      { groupSize: 4 },
      { text: "héllo 👋", tag: "t1" },
    ]) {
      const events = generateCallbacks(type, options);
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        const normalized = expectValid(e);
        expect(normalized.type).toBe(type);
        expect(e.message.id).toMatch(/^\d{13}[a-z0-9]{16}$/);
        expect(Date.parse(e.time)).toBeLessThanOrEqual(Date.now() + 1);
      }
    }
    const [one] = generateCallbacks(type, { errorCode: 4432 });
    if (type === "message-failed") {
      expect(one?.errorCode).toBe(4432);
      expect(one?.description).toBe(describeErrorCode(4432).name);
    }
    if (type === "message-read") expect(one?.eventTime).toBeDefined();
    if (type === "suggestion-response")
      expect(one?.message.suggestionResponse).toMatchObject({ text: expect.any(String) });
    if (type.endsWith("location-response"))
      expect(one?.message.locationResponse).toMatchObject({ latitude: expect.any(Number) });
  });

  it("every short name resolves to a known type and passes normalize", () => {
    for (const [alias, spec] of Object.entries(TRIGGER_ALIASES)) {
      expect(resolveType(alias)?.type, alias).toBe(spec.type);
      for (const e of generateCallbacks(spec.type, {
        mediaCount: spec.mediaCount,
        groupSize: spec.groupSize,
      }))
        expectValid(e);
    }
    expect(resolveType("nonsense")).toBeNull();
  });

  it("fresh message ids and times on every call (no duplicates from run to run)", () => {
    const ids = new Set(
      Array.from({ length: 200 }, () => generateCallbacks("message-received")[0]?.message.id),
    );
    expect(ids.size).toBe(200);
  });

  it("is reproducible with a seeded random and a fixed time", () => {
    const a = generateCallbacks("message-received", {
      random: seeded(),
      now: 1_700_000_000_000,
      mediaCount: 1,
    });
    const b = generateCallbacks("message-received", {
      random: seeded(),
      now: 1_700_000_000_000,
      mediaCount: 1,
    });
    expect(a).toEqual(b);
    expect(a[0]?.message.media).toEqual([
      `https://messaging.bandwidth.com/api/v2/users/9900000/media/${a[0]?.message.id}/0/IMG_2041.jpg`,
    ]);
  });

  it("MMS media, inbound groups and outbound groups are shaped as Bandwidth sends them", () => {
    const [mms] = generateCallbacks("message-received", { mediaCount: 3 });
    expect(mms?.message.media).toHaveLength(3);
    expect(mms?.message.segmentCount).toBe(1);
    const [group] = generateCallbacks("message-received", { groupSize: 4, owner: "+19195550111" });
    expect(group?.to).toBe("+19195550111");
    expect(group?.message.to).toHaveLength(4);
    expect((group?.message.to as string[] | undefined)?.[0]).toBe("+19195550111");
    const delivered = generateCallbacks("message-delivered", { groupSize: 3 });
    expect(delivered).toHaveLength(3);
    expect(new Set(delivered.map((e) => e.to)).size).toBe(3);
    expect(new Set(delivered.map((e) => e.message.id)).size).toBe(1);
  });

  it("message-sending is about an MMS or a group (Bandwidth sends it for no plain SMS)", () => {
    const [sending] = generateCallbacks("message-sending");
    expect(sending?.message.media).toHaveLength(1);
    expect(sending?.message.segmentCount).toBe(1);
    expect(resolveType("sending")).toEqual({ type: "message-sending", mediaCount: 1 });
    const group = generateCallbacks("message-sending", { groupSize: 3 });
    expect(group).toHaveLength(3);
    expect(group.every((e) => e.message.media === undefined)).toBe(true);
    expect(generateCallbacks("message-sending", { mediaCount: 3 })[0]?.message.media).toHaveLength(
      3,
    );
    [...group, sending].forEach(expectValid);
  });

  it("message-failed uses real error codes with Bandwidth's names", () => {
    for (let i = 0; i < 50; i++) {
      const [failed] = generateCallbacks("message-failed");
      const code = failed?.errorCode as number;
      expect(MESSAGING_ERROR_CODES.has(code)).toBe(true);
      expect(failed?.description).toBe(MESSAGING_ERROR_CODES.get(code)?.name);
    }
  });

  it("a lifecycle: sending → sent → delivered, or → failed, one message id, times in order", () => {
    const life = generateLifecycle("delivered");
    expect(life.map((e) => e.type)).toEqual([
      "message-sending",
      "message-sent",
      "message-delivered",
    ]);
    expect(new Set(life.map((e) => e.message.id)).size).toBe(1);
    const times = life.map((e) => Date.parse(e.time));
    expect(times.toSorted((a, b) => a - b)).toEqual(times);
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.now());
    life.forEach(expectValid);
    const failed = generateLifecycle("failed", { errorCode: 4720 });
    expect(failed.map((e) => e.type)).toEqual([
      "message-sending",
      "message-sent",
      "message-failed",
    ]);
    expect(failed[2]?.errorCode).toBe(4720);
    // An SMS has no message-sending step (Bandwidth sends it for MMS and group messages only).
    expect(generateLifecycle("delivered", { mediaCount: 0 }).map((e) => e.type)).toEqual([
      "message-sent",
      "message-delivered",
    ]);
    const group = generateLifecycle("delivered", { groupSize: 2 });
    expect(group).toHaveLength(6);
    group.forEach(expectValid);
  });
});

describe("bw-relay trigger --out", () => {
  it.each([...KNOWN_EVENT_TYPES, ...Object.keys(TRIGGER_ALIASES)])(
    "%s: what it writes passes the schema",
    async (type) => {
      const result = await cli(["trigger", type, "--out", "-", "--count", "2"]);
      expect(result.code).toBe(0);
      const events = JSON.parse(result.stdout) as unknown[];
      expect(events.length).toBeGreaterThanOrEqual(2);
      events.forEach(expectValid);
    },
  );

  it("all types to a file, with --json telling where", async () => {
    const dir = scratch();
    const result = await cli(["trigger", "all", "--out", "all.json", "--json"], { cwd: dir });
    expect(result.code).toBe(0);
    const path = join(dir, "all.json");
    expect(result.json()).toEqual({ written: path, events: KNOWN_EVENT_TYPES.length });
    const events = JSON.parse(readFileSync(path, "utf8")) as { type: string }[];
    expect(events.map((e) => e.type)).toEqual([...KNOWN_EVENT_TYPES]);
    events.forEach(expectValid);
  });

  it("lifecycles, options and refusals", async () => {
    const life = await cli([
      "trigger",
      "--lifecycle",
      "failed",
      "--error-code",
      "4432",
      "--out",
      "-",
    ]);
    const events = JSON.parse(life.stdout) as { type: string; errorCode?: number }[];
    expect(events.map((e) => e.type)).toEqual([
      "message-sending",
      "message-sent",
      "message-failed",
    ]);
    expect(events[2]?.errorCode).toBe(4432);
    for (const type of ["sending", "message-sending"]) {
      const sending = await cli(["trigger", type, "--out", "-"]);
      expect(JSON.parse(sending.stdout)[0].message.media, type).toHaveLength(1);
    }
    const mms = await cli(["trigger", "mms", "--media", "4", "--text", "look", "--out", "-"]);
    expect(JSON.parse(mms.stdout)[0].message).toMatchObject({
      text: "look",
      media: expect.any(Array),
    });
    expect(JSON.parse(mms.stdout)[0].message.media).toHaveLength(4);
    const unknown = await cli(["trigger", "nonsense", "--out", "-"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown type "nonsense"');
    const none = await cli(["trigger"]);
    expect(none.code).toBe(2);
    const badMedia = await cli(["trigger", "mms", "--media", "99", "--out", "-"]);
    expect(badMedia.code).toBe(2);
    expect(badMedia.stderr).toContain("--media must be a whole number from 0 to 10");
  });
});
