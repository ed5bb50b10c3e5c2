import { readdirSync } from "node:fs";
import { EXAMPLE_NAMES, loadEvent, loadExample } from "@bw-relay/fixtures";
import { EXAMPLES_DIR } from "@bw-relay/fixtures/dir";
import { describe, expect, it } from "vitest";
import { eventId, isBandwidthMediaUrl, normalize } from "../src/index.ts";

// The example payloads of Bandwidth's docs (@bw-relay/fixtures), each with the event
// normalize must return for it. The four inbound examples are one callback that differs only
// in `message.to` and `message.media`, so they are written once with those two as arguments.
const MEDIA_NAMES = ["0/bw.png", "1/bandwidth_logo.png", "2/Bandwidth_Contact.png"];
const V2_MEDIA = MEDIA_NAMES.map(
  (name) =>
    `https://messaging.bandwidth.com/api/v2/users/{accountId}/media/14762070468292kw2fuqty55yp2b2/${name}`,
);
const V1_MEDIA = MEDIA_NAMES.map(
  (name) =>
    `https://api.catapult.inetwork.com/v1/users/{userId}/media/14762070468292kw2fuqty55yp2b2/${name}`,
);

function inbound(to: string[], media: string[]) {
  return {
    type: "message-received",
    time: "2016-09-14T18:20:16Z",
    description: "Incoming message received",
    to: "+12345678902",
    message: {
      id: "14762070468292kw2fuqty55yp2b2",
      time: "2016-09-14T18:20:16Z",
      to,
      from: "+12345678901",
      text: "Hey, check this out!",
      applicationId: "93de2206-9669-4e07-948d-329f4b722ee2",
      media,
      owner: "+12345678902",
      direction: "in",
      segmentCount: 1,
    },
  };
}

const expected: Record<string, unknown> = {
  "message-failed-1": {
    type: "message-failed",
    time: "2016-09-14T18:20:16Z",
    description: "forbidden to country",
    to: "+52345678903",
    errorCode: 4432,
    message: {
      id: "14762070468292kw2fuqty55yp2b2",
      time: "2016-09-14T18:20:16Z",
      to: ["+12345678902", "+52345678903"],
      from: "+12345678901",
      text: "Hey, check this out!",
      applicationId: "93de2206-9669-4e07-948d-329f4b722ee2",
      media: ["https://s3.amazonaws.com/bw-v2-api/demo.jpg"],
      owner: "+12345678901",
      direction: "out",
      segmentCount: 1,
    },
  },
  "message-received-group-1": inbound(["+12345678902", "+12345678903"], V2_MEDIA.slice(0, 1)),
  "message-received-group-2": inbound(["+12345678902", "+12345678903"], V2_MEDIA),
  "message-received-single-1": inbound(["+12345678902"], V1_MEDIA.slice(0, 1)),
  "message-received-single-2": inbound(["+12345678902"], V1_MEDIA),
  "message-sending-1": {
    time: "2020-06-25T18:42:36.979Z",
    type: "message-sending",
    to: "+19842397270",
    description: "Message is sending to carrier",
    message: {
      id: "1593110555875xo7watq5px6rbe5d",
      owner: "+19196494865",
      applicationId: "cfd4fb83-7531-4acc-b471-42d0bb76a65c",
      time: "2020-06-25T18:42:35.876Z",
      segmentCount: 1,
      direction: "out",
      to: ["+19842397270"],
      from: "+19196494865",
      text: "",
      media: ["https://s3.amazonaws.com/tpensyl/catapult.jpg"],
      tag: "v2 lab",
    },
  },
};

describe("the example payloads", () => {
  it("are all covered here, and every file in the fixtures package is one of them", () => {
    expect(EXAMPLE_NAMES).toEqual(Object.keys(expected).sort());
    const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".json"));
    expect(files.map((f) => f.slice(0, -".json".length)).sort()).toEqual(EXAMPLE_NAMES);
  });

  for (const name of EXAMPLE_NAMES) {
    it(`${name} parses as a known type and normalizes to the expected event`, () => {
      const raw = loadEvent(name);
      const result = normalize(raw);
      expect(result).toEqual({ success: true, event: expected[name], known: true });
    });

    it(`${name} keeps Bandwidth's shape: the same keys in the same order`, () => {
      const raw = loadEvent(name);
      const result = normalize(raw);
      if (!result.success) throw new Error("expected success");
      expect(JSON.stringify(result.event)).toBe(JSON.stringify(raw));
    });
  }

  it("normalizing does not modify the parsed payload", () => {
    const raw = loadEvent("message-received-group-2");
    const before = structuredClone(raw);
    const result = normalize(raw, { rewriteMediaUrl: (url) => `https://relay.example/m?u=${url}` });
    expect(result.success).toBe(true);
    expect(raw).toEqual(before);
  });

  it("rewrites the media URLs with the given function, and only those", () => {
    const proxy = (url: string) =>
      isBandwidthMediaUrl(url) ? `https://relay.example/media/${encodeURIComponent(url)}` : url;
    const group = normalize(loadEvent("message-received-group-2"), { rewriteMediaUrl: proxy });
    const failed = normalize(loadEvent("message-failed-1"), { rewriteMediaUrl: proxy });
    if (!group.success || !failed.success) throw new Error("expected success");
    expect(group.event.message.media).toEqual([
      "https://relay.example/media/https%3A%2F%2Fmessaging.bandwidth.com%2Fapi%2Fv2%2Fusers%2F%7BaccountId%7D%2Fmedia%2F14762070468292kw2fuqty55yp2b2%2F0%2Fbw.png",
      "https://relay.example/media/https%3A%2F%2Fmessaging.bandwidth.com%2Fapi%2Fv2%2Fusers%2F%7BaccountId%7D%2Fmedia%2F14762070468292kw2fuqty55yp2b2%2F1%2Fbandwidth_logo.png",
      "https://relay.example/media/https%3A%2F%2Fmessaging.bandwidth.com%2Fapi%2Fv2%2Fusers%2F%7BaccountId%7D%2Fmedia%2F14762070468292kw2fuqty55yp2b2%2F2%2FBandwidth_Contact.png",
    ]);
    // An outbound status event echoes the sender's own (third-party) URL: not Bandwidth's.
    expect(failed.event.message.media).toEqual(["https://s3.amazonaws.com/bw-v2-api/demo.jpg"]);
    // Everything else is untouched.
    expect({ ...group.event, message: { ...group.event.message, media: [] } }).toEqual({
      ...(expected["message-received-group-2"] as object),
      message: {
        ...(expected["message-received-group-2"] as { message: object }).message,
        media: [],
      },
    });
  });

  it("every body is an array of exactly one event", () => {
    for (const name of EXAMPLE_NAMES) expect(loadExample(name)).toHaveLength(1);
  });
});

describe("event ids of the example payloads", () => {
  it("are evt_ + 32 hex characters, stable across releases", async () => {
    // Stored events are deduplicated by id: changing how ids are made would let every resend
    // after an upgrade through as a new event. This pins the algorithm.
    expect(await eventId(loadEvent("message-failed-1"))).toBe(
      "evt_715a5877801571b72f33579f8a9f5b4b",
    );
    for (const name of EXAMPLE_NAMES) {
      expect(await eventId(loadEvent(name))).toMatch(/^evt_[0-9a-f]{32}$/);
    }
  });

  it("are the same for the examples that are one event sent again (same type, time, id, to)", async () => {
    const ids = Object.fromEntries(
      await Promise.all(EXAMPLE_NAMES.map(async (name) => [name, await eventId(loadEvent(name))])),
    );
    // The four inbound examples differ only in media and message.to: one callback resent.
    expect(ids["message-received-single-2"]).toBe(ids["message-received-single-1"]);
    expect(ids["message-received-group-1"]).toBe(ids["message-received-single-1"]);
    expect(ids["message-received-group-2"]).toBe(ids["message-received-single-1"]);
    // message-failed-1 shares the message id and time but not the type: another event.
    expect(ids["message-failed-1"]).not.toBe(ids["message-received-single-1"]);
    expect(new Set(Object.values(ids)).size).toBe(3);
  });

  it("are the same before and after normalizing", async () => {
    for (const name of EXAMPLE_NAMES) {
      const raw = loadEvent(name);
      const result = normalize(raw);
      if (!result.success) throw new Error("expected success");
      expect(await eventId(result.event)).toBe(await eventId(raw));
    }
  });
});
