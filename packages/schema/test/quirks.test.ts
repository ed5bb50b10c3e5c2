import { loadEvent } from "@bw-relay/fixtures";
import { describe, expect, it } from "vitest";
import { KNOWN_EVENT_TYPES, type NormalizedEvent, normalize } from "../src/index.ts";

// One test per quirk of Bandwidth's callbacks the project's reference lists (§4, and the field notes of §3)
// that the schema absorbs. The numbers in the test names are the §4 items.

const MESSAGE_ID = "1593110555875xo7watq5px6rbe5d";

/** A delivered callback as the 2020+ docs show it; `patch` replaces or adds fields. */
type Json = Record<string, unknown>;

function delivered(patch: Json = {}, message: Json = {}): Json & { message: Json } {
  // Bandwidth's documented message-sending callback, one step later.
  const sending = loadEvent("message-sending-1") as Json & { message: Json };
  const { media: _media, tag: _tag, ...plain } = sending.message;
  return {
    ...sending,
    type: "message-delivered",
    time: "2020-06-25T18:42:37.003Z",
    description: "Message delivered to carrier",
    ...patch,
    message: { ...plain, ...message },
  };
}

/** Normalizes and fails the test with the issues when the event is rejected. */
function accept(input: unknown): NormalizedEvent & Record<string, unknown> {
  const result = normalize(input);
  if (!result.success) throw new Error(`rejected: ${JSON.stringify(result.issues)}`);
  return result.event as NormalizedEvent & Record<string, unknown>;
}

describe("§4.2 `to` has two shapes", () => {
  it("turns a bare-string message.to into a one-element array", () => {
    expect(accept(delivered({}, { to: "+19842397270" })).message.to).toEqual(["+19842397270"]);
  });

  it("keeps an array message.to as it is, group recipients in order", () => {
    const to = ["+12345678902", "+12345678903", "+12345678904"];
    expect(accept(delivered({}, { to })).message.to).toEqual(to);
  });

  it("keeps the top-level to a string", () => {
    expect(accept(delivered({ to: "+19842397270" })).to).toBe("+19842397270");
  });
});

describe("§4.4 status events may carry no message text", () => {
  it('keeps text: ""', () => {
    expect(accept(delivered({}, { text: "" })).message.text).toBe("");
  });

  it("accepts a status event without text and does not add one", () => {
    const { text: _, ...message } = delivered().message;
    const event = accept({ ...delivered(), message });
    expect("text" in event.message).toBe(false);
  });

  it("keeps the text older delivery receipts echoed", () => {
    expect(accept(delivered({}, { text: "Test Out" })).message.text).toBe("Test Out");
  });
});

describe("§4.5 ids are not one format", () => {
  it.each([
    ["29-char timestamp id", "1589228074636lm4k2je7j7jklbn2"],
    ["UUID", "9e0df4ca-b18d-40d7-a59f-82fcdf5ae8e6"],
    ["longer than 30 characters", "a".repeat(64)],
    ["one character", "x"],
  ])("accepts a %s as message.id", (_, id) => {
    expect(accept(delivered({}, { id })).message.id).toBe(id);
  });
});

describe("§4.6 timestamps vary in precision", () => {
  it.each([
    "2016-09-14T18:20:16Z",
    "2020-06-25T18:42:36.979Z",
    "2026-07-01T15:02:35.502180Z",
    "2026-07-01T15:02:35.502180+00:00",
  ])("keeps %s exactly, in time and message.time", (time) => {
    const event = accept(delivered({ time }, { time }));
    expect(event.time).toBe(time);
    expect(event.message.time).toBe(time);
  });

  it("keeps event time and message time apart", () => {
    const event = accept(
      delivered({ time: "2020-06-25T18:42:37.003Z" }, { time: "2020-06-25T18:42:35.876Z" }),
    );
    expect([event.time, event.message.time]).toEqual([
      "2020-06-25T18:42:37.003Z",
      "2020-06-25T18:42:35.876Z",
    ]);
  });
});

describe("§4.7 errorCode is not guaranteed", () => {
  const failed = (errorCode: unknown) =>
    delivered({ type: "message-failed", description: "rejected-forbidden-country", errorCode });

  it("keeps an integer errorCode", () => {
    expect(accept(failed(4432)).errorCode).toBe(4432);
  });

  it.each([
    ["4432", 4432],
    [" 4432 ", 4432],
    ["995", 995],
  ])(
    "turns the numeric string %j into %d (@bandwidth/messaging typed it as a string)",
    (code, n) => {
      expect(accept(failed(code)).errorCode).toBe(n);
    },
  );

  it("accepts a message-failed without errorCode and does not add one", () => {
    const { errorCode: _, ...event } = failed(0);
    expect("errorCode" in accept(event)).toBe(false);
  });

  it("drops a null errorCode (nullable in the 2025 spec)", () => {
    expect("errorCode" in accept(failed(null))).toBe(false);
  });

  it("accepts codes outside the published list (MFA 995) and on other types", () => {
    expect(accept(failed(995)).errorCode).toBe(995);
    expect(accept(delivered({ type: "message-sending", errorCode: 0 })).errorCode).toBe(0);
  });
});

describe("§4.8 optional or empty fields", () => {
  it("keeps media: []", () => {
    expect(accept(delivered({}, { media: [] })).message.media).toEqual([]);
  });

  it("drops media: null (nullable in the 2025 spec)", () => {
    expect("media" in accept(delivered({}, { media: null })).message).toBe(false);
  });

  it("accepts a message without media and adds none", () => {
    expect("media" in accept(delivered()).message).toBe(false);
  });

  it('keeps tag: ""', () => {
    expect(accept(delivered({}, { tag: "" })).message.tag).toBe("");
  });

  it("accepts an event without top-level to, segmentCount, applicationId, priority, channel or carrierName", () => {
    const { to: _to, ...event } = delivered();
    const { segmentCount: _s, applicationId: _a, ...message } = event.message;
    const normalized = accept({ ...event, message });
    expect(Object.keys(normalized).sort()).toEqual(["description", "message", "time", "type"]);
    expect(Object.keys(normalized.message).sort()).toEqual([
      "direction",
      "from",
      "id",
      "owner",
      "text",
      "time",
      "to",
    ]);
  });

  it("keeps carrierName and drops it when null", () => {
    expect(accept(delivered({ carrierName: "AT&T" })).carrierName).toBe("AT&T");
    expect("carrierName" in accept(delivered({ carrierName: null }))).toBe(false);
  });

  it("keeps priority and channel", () => {
    const message = accept(delivered({}, { priority: "high", channel: "RBM" })).message;
    expect([message.priority, message.channel]).toEqual(["high", "RBM"]);
  });
});

describe("§4.9 numbers are not always E.164", () => {
  it("accepts alphanumeric sender ids and RBM agents in from, owner and to", () => {
    const event = accept(
      delivered(
        { type: "message-received", to: "MyBrandAgent" },
        { from: "BANDWIDTH", owner: "MyBrandAgent", to: "MyBrandAgent", direction: "in" },
      ),
    );
    expect([event.to, event.message.from, event.message.owner, event.message.to]).toEqual([
      "MyBrandAgent",
      "BANDWIDTH",
      "MyBrandAgent",
      ["MyBrandAgent"],
    ]);
  });

  it('accepts a non-E.164 top-level to ("345757070" in a captured failure)', () => {
    expect(accept(delivered({ type: "message-failed", to: "345757070", errorCode: 4720 })).to).toBe(
      "345757070",
    );
  });
});

describe("§4.10 event type names have changed over time; new ones must be accepted", () => {
  it.each(KNOWN_EVENT_TYPES)("accepts %s as a known type", (type) => {
    const result = normalize(delivered({ type }));
    expect(result).toMatchObject({ success: true, known: true, event: { type } });
  });

  it("knows every name the reference lists, old spellings included", () => {
    expect([...KNOWN_EVENT_TYPES].sort()).toEqual([
      "message-delivered",
      "message-failed",
      "message-queued",
      "message-read",
      "message-received",
      "message-sending",
      "message-sent",
      "request-location-response",
      "requested-location-response",
      "suggestion-response",
    ]);
  });

  it("accepts a type it does not know, flagged known: false, with its unknown fields", () => {
    const result = normalize({
      type: "message-reacted",
      time: "2027-01-01T00:00:00Z",
      reaction: { emoji: "👍" },
      message: { id: MESSAGE_ID, reactionTo: "1589228074636lm4k2je7j7jklbn2" },
    });
    expect(result).toEqual({
      success: true,
      known: false,
      event: {
        type: "message-reacted",
        time: "2027-01-01T00:00:00Z",
        reaction: { emoji: "👍" },
        message: { id: MESSAGE_ID, reactionTo: "1589228074636lm4k2je7j7jklbn2" },
      },
    });
  });

  it("applies the same coercions to an unknown type", () => {
    const event = accept({
      type: "FAILED",
      time: "2025-06-01T00:00:00Z",
      errorCode: "4720",
      message: { id: "x", to: "+15551234567", segmentCount: "2" },
    });
    expect([event.errorCode, event.message.to, event.message.segmentCount]).toEqual([
      4720,
      ["+15551234567"],
      2,
    ]);
  });
});

describe("RBM events (§2, §3)", () => {
  it("keeps message-read's eventTime", () => {
    const event = accept(delivered({ type: "message-read", eventTime: "2026-07-01T15:02:40.1Z" }));
    expect(event.eventTime).toBe("2026-07-01T15:02:40.1Z");
  });

  it("keeps a suggestion response, pairedMessageId null included", () => {
    const suggestionResponse = { text: "Yes", postbackData: "eWVz", pairedMessageId: null };
    const event = accept(
      delivered({ type: "suggestion-response" }, { direction: "in", suggestionResponse }),
    );
    expect(event.message.suggestionResponse).toEqual(suggestionResponse);
  });

  it("keeps a location response with string coordinates under both spellings", () => {
    const locationResponse = { latitude: "35.7796", longitude: "-78.6382" };
    for (const type of ["requested-location-response", "request-location-response"]) {
      const event = accept(delivered({ type }, { direction: "in", locationResponse }));
      expect(event.message.locationResponse).toEqual(locationResponse);
    }
  });

  it("keeps multichannel content", () => {
    const content = { text: "hi", media: { fileUrl: "https://example.com/a.png" } };
    expect(accept(delivered({}, { content })).message.content).toEqual(content);
  });
});

describe("§4.15 MFA callbacks can share the endpoint", () => {
  it("accepts the minimal event { type, time, message: { id } }", () => {
    const mfa = { type: "message-failed", time: "2021-03-01T12:00:00Z", message: { id: "abc" } };
    expect(normalize(mfa)).toEqual({ success: true, known: true, event: mfa });
  });

  it("keeps MFA's platform and its error code", () => {
    const mfa = {
      type: "message-failed",
      time: "2021-03-01T12:00:00Z",
      platform: "NorthAmericaSMS",
      errorCode: 995,
      message: { id: "abc" },
    };
    expect(accept(mfa)).toEqual(mfa);
  });
});

describe("numbers sent as strings", () => {
  it("turns a numeric segmentCount string into a number", () => {
    expect(accept(delivered({}, { segmentCount: "3" })).message.segmentCount).toBe(3);
  });

  it("keeps a fractional segmentCount (a mock server's 0.05625)", () => {
    expect(accept(delivered({}, { segmentCount: 0.05625 })).message.segmentCount).toBe(0.05625);
  });
});

describe("§4.16 doc examples contain errors", () => {
  it('accepts direction "in" on a delivery receipt and owner = recipient', () => {
    const event = accept(delivered({}, { direction: "in", owner: "+19842397270" }));
    expect([event.message.direction, event.message.owner]).toEqual(["in", "+19842397270"]);
  });

  it("keeps {userId}/{accountId} placeholders in media URLs verbatim", () => {
    const media = ["https://messaging.bandwidth.com/api/v2/users/{accountId}/media/x/0/a.png"];
    expect(accept(delivered({}, { media })).message.media).toEqual(media);
  });
});

describe("§4.12/§4.13 group and MMS traffic", () => {
  it("accepts group messages beyond 10 participants (inbound has no cap)", () => {
    const to = Array.from({ length: 25 }, (_, i) => `+1555000${String(i).padStart(4, "0")}`);
    expect(accept(delivered({ type: "message-received" }, { to })).message.to).toHaveLength(25);
  });

  it("keeps SMIL/XML presentation parts in media", () => {
    const media = [
      "https://messaging.bandwidth.com/api/v2/users/9900902/media/m1/0/presentation.smil",
      "https://messaging.bandwidth.com/api/v2/users/9900902/media/m1/1/image.jpg",
    ];
    expect(accept(delivered({ type: "message-received" }, { media })).message.media).toEqual(media);
  });
});

describe("unknown fields pass through (new Bandwidth fields reach receivers)", () => {
  it("keeps unknown top-level and message fields, nested values included", () => {
    const event = accept(
      delivered({ newTopLevel: { a: [1, 2] }, flag: false }, { newField: "x", count: 2 }),
    );
    expect([event.newTopLevel, event.flag, event.message.newField, event.message.count]).toEqual([
      { a: [1, 2] },
      false,
      "x",
      2,
    ]);
  });

  it("keeps fields named like Object.prototype members, __proto__ included", () => {
    const raw = JSON.parse(
      `{"type":"message-sent","time":"2026-01-01T00:00:00Z","__proto__":{"x":1},"constructor":"c","message":{"id":"a","prototype":2,"toString":"t"}}`,
    );
    const event = accept(raw);
    expect(JSON.parse(JSON.stringify(event))).toStrictEqual(JSON.parse(JSON.stringify(raw)));
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(JSON.stringify(event)).toContain('"__proto__":{"x":1}');
  });

  it("keeps unknown fields of the RBM sub-objects", () => {
    const suggestionResponse = { text: "Yes", extra: { deep: true } };
    const event = accept(delivered({}, { suggestionResponse }));
    expect(event.message.suggestionResponse).toEqual(suggestionResponse);
  });
});
