import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  CallbackEventSchema,
  eventId,
  isBandwidthMediaUrl,
  KNOWN_EVENT_TYPES,
  normalize,
} from "../src/index.ts";

type Json = Record<string, unknown>;

const TOP_FIELDS = [
  "type",
  "time",
  "description",
  "to",
  "errorCode",
  "carrierName",
  "eventTime",
  "message",
];
const MESSAGE_FIELDS = [
  "id",
  "owner",
  "applicationId",
  "time",
  "segmentCount",
  "direction",
  "to",
  "from",
  "text",
  "tag",
  "media",
  "priority",
  "channel",
  "content",
  "suggestionResponse",
  "locationResponse",
];

// ---- arbitraries of valid events -------------------------------------------------------

/** 0, 3 or 6 fractional digits, as Bandwidth sends them. */
const timestamp = fc
  .tuple(
    fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
    fc.constantFrom(0, 3, 6),
    fc.nat(999),
  )
  .map(([date, digits, micros]) => {
    const iso = date.toISOString();
    if (digits === 0) return `${iso.slice(0, 19)}Z`;
    if (digits === 3) return iso;
    return `${iso.slice(0, 23)}${String(micros).padStart(3, "0")}Z`;
  });

const phone = fc.oneof(fc.stringMatching(/^\+1\d{10}$/), fc.string({ maxLength: 11 }));

/** Keys Bandwidth might add one day: anything but the documented ones. */
const unknownKey = (known: string[]) =>
  fc
    .oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty"),
    )
    .filter((key) => !known.includes(key));

const extras = (known: string[]) =>
  fc.uniqueArray(fc.tuple(unknownKey(known), fc.jsonValue({ maxDepth: 2 })), {
    selector: ([key]) => key,
    maxLength: 4,
  });

/** An object from entries: own data properties even for `__proto__`, as JSON.parse makes. */
const withExtras = (known: Json, more: [string, unknown][]): Json =>
  Object.fromEntries([...Object.entries(known), ...more]);

const messageArb = fc
  .tuple(
    fc.record(
      {
        id: fc.oneof(fc.string({ minLength: 1 }), fc.uuid()),
        owner: phone,
        applicationId: fc.uuid(),
        time: timestamp,
        segmentCount: fc.oneof(fc.nat(10), fc.nat(10).map(String), fc.constant(0.05625)),
        direction: fc.constantFrom("in", "out"),
        to: fc.oneof(phone, fc.array(phone, { maxLength: 4 })),
        from: phone,
        text: fc.string(),
        tag: fc.string(),
        media: fc.oneof(fc.constant(null), fc.array(fc.webUrl(), { maxLength: 3 })),
        priority: fc.constantFrom("default", "high"),
        channel: fc.constantFrom("RBM", "SMS", "MMS"),
      },
      { requiredKeys: ["id"] },
    ),
    extras(MESSAGE_FIELDS),
  )
  .map(([message, more]) => withExtras(message, more));

const eventArb = fc
  .tuple(
    fc.record(
      {
        type: fc.oneof(fc.constantFrom(...KNOWN_EVENT_TYPES), fc.string({ minLength: 1 })),
        time: timestamp,
        description: fc.string(),
        to: phone,
        errorCode: fc.oneof(
          fc.constant(null),
          fc.integer({ min: 0, max: 9999 }),
          fc.integer({ min: 0, max: 9999 }).map(String),
        ),
        carrierName: fc.oneof(fc.constant(null), fc.string()),
        eventTime: timestamp,
        message: messageArb,
      },
      { requiredKeys: ["type", "time", "message"] },
    ),
    extras(TOP_FIELDS),
  )
  .map(([event, more]) => withExtras(event, more));

function normalized(input: unknown, rewrite?: (url: string) => string): Json {
  const result = normalize(input, rewrite ? { rewriteMediaUrl: rewrite } : {});
  if (!result.success) throw new Error(`rejected: ${JSON.stringify(result.issues)}`);
  return result.event as Json;
}

/** The value of an own property, `__proto__` included; undefined when it is not own. */
function own(object: Json, key: string): { value: unknown } | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  return descriptor && { value: descriptor.value };
}

describe("normalize (properties)", () => {
  it("accepts every well-formed event", () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        expect(normalize(event).success).toBe(true);
      }),
    );
  });

  it("is idempotent: normalizing a normalized event changes nothing, not even key order", () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const once = normalized(event);
        const twice = normalized(once);
        expect(twice).toEqual(once);
        expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
      }),
    );
  });

  it("is idempotent with the relay's media proxy, which leaves its own URLs alone", () => {
    const proxy = (url: string) =>
      isBandwidthMediaUrl(url) ? `https://relay.example/media/${encodeURIComponent(url)}` : url;
    const bandwidthUrl = fc
      .tuple(fc.nat(99999), fc.nat(5))
      .map(
        ([account, i]) =>
          `https://messaging.bandwidth.com/api/v2/users/${account}/media/m/${i}/a.png`,
      );
    const arb = fc
      .tuple(eventArb, fc.array(bandwidthUrl, { maxLength: 3 }))
      .map(([event, media]) => ({
        ...event,
        message: { ...(event.message as Json), media },
      }));
    fc.assert(
      fc.property(arb, (event) => {
        const once = normalized(event, proxy);
        expect(normalized(once, proxy)).toEqual(once);
      }),
    );
  });

  it("never drops an unknown field, at the top level or in message", () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const out = normalized(event);
        const message = event.message as Json;
        for (const key of Object.keys(event).filter((k) => !TOP_FIELDS.includes(k))) {
          expect(own(out, key)).toEqual(own(event, key));
        }
        for (const key of Object.keys(message).filter((k) => !MESSAGE_FIELDS.includes(k))) {
          expect(own(out.message as Json, key)).toEqual(own(message, key));
        }
      }),
    );
  });

  it("keeps every field, in the order sent, but the spec-nullable ones that are null", () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const out = normalized(event);
        const kept = (object: Json, nullable: string[]) =>
          Object.keys(object).filter((key) => !(nullable.includes(key) && object[key] === null));
        expect(Object.keys(out)).toEqual(kept(event, ["errorCode", "carrierName"]));
        expect(Object.keys(out.message as Json)).toEqual(kept(event.message as Json, ["media"]));
      }),
    );
  });

  it("applies the coercions: message.to an array, errorCode and segmentCount numbers", () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const out = normalized(event);
        const message = out.message as Json;
        if ("to" in message) expect(Array.isArray(message.to)).toBe(true);
        if ("errorCode" in out) expect(typeof out.errorCode).toBe("number");
        if ("segmentCount" in message) expect(typeof message.segmentCount).toBe("number");
        if ("to" in out) expect(out.to).toBe(event.to);
        expect([out.time, message.time]).toEqual([event.time, (event.message as Json).time]);
      }),
    );
  });

  it("does not modify its input", () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const copy = structuredClone(event);
        normalized(event, (url) => `${url}#rewritten`);
        expect(event).toEqual(copy);
      }),
    );
  });

  it("gives the raw and the normalized event the same eventId", async () => {
    await fc.assert(
      fc.asyncProperty(eventArb, async (event) => {
        expect(await eventId(normalized(event))).toBe(await eventId(event));
      }),
    );
  });
});

// ---- the fast path agrees with the valibot schemas ------------------------------------

/** Values that sit on either side of some field's rules. */
const tricky = fc.oneof(
  fc.constantFrom(
    null,
    "",
    "12",
    " 12 ",
    "-1",
    "1.5",
    "1e3",
    "abc",
    "in",
    "out",
    "INBOUND",
    "default",
    "high",
    "2020-01-01T00:00:00Z",
    "2020-01-01T00:00:00.123456+01:00",
    "2020-01-01",
    0,
    -1,
    1.5,
    4432,
    [],
    ["a"],
    ["a", 1],
    {},
    { id: "x" },
    [{ id: "x" }],
    true,
  ),
  fc.jsonValue({ maxDepth: 1 }),
);

const subObject = (fields: string[]) =>
  fc.oneof(
    tricky,
    fc.record(Object.fromEntries(fields.map((f) => [f, tricky])), { requiredKeys: [] }),
  );

/** A well-formed event with some fields (top-level, message, RBM sub-objects) replaced. */
const mutatedEventArb = fc
  .tuple(
    eventArb,
    fc.dictionary(fc.constantFrom(...TOP_FIELDS), tricky, { maxKeys: 2, noNullPrototype: true }),
    fc.dictionary(
      fc.constantFrom(...MESSAGE_FIELDS),
      fc.oneof(
        tricky,
        subObject(["text", "postbackData", "pairedMessageId", "latitude", "longitude"]),
      ),
      { maxKeys: 3, noNullPrototype: true },
    ),
  )
  .map(([event, top, message]) => {
    const mutated: Json = { ...event, ...top };
    if (typeof mutated.message === "object" && mutated.message !== null && !("message" in top)) {
      mutated.message = { ...(event.message as Json), ...message };
    }
    return mutated;
  })
  // valibot leaves out these keys on purpose; normalize keeps them (tested above).
  .filter((event) => !JSON.stringify(event).match(/"(__proto__|constructor|prototype)":/));

/** What valibot makes of an event. */
function viaSchema(input: unknown) {
  const result = v.safeParse(CallbackEventSchema, input);
  return result.success
    ? { success: true as const, event: result.output as Json }
    : { success: false as const };
}

describe("normalize agrees with CallbackEventSchema", () => {
  it("accepts and rejects the same events, with the same output", () => {
    fc.assert(
      fc.property(mutatedEventArb, (event) => {
        const ours = normalize(event);
        const theirs = viaSchema(event);
        expect(ours.success).toBe(theirs.success);
        if (ours.success && theirs.success) expect(ours.event).toEqual(theirs.event);
      }),
      { numRuns: 2000 },
    );
  });

  it("reports at least one issue, each with a path and a message, when it rejects", () => {
    fc.assert(
      fc.property(mutatedEventArb, (event) => {
        const result = normalize(event);
        if (result.success) return;
        expect(result.issues.length).toBeGreaterThan(0);
        for (const issue of result.issues) {
          expect(typeof issue.path).toBe("string");
          expect(issue.message.startsWith(issue.path || "the event")).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
