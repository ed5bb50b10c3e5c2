import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { CallbackEventSchema, type EventIssue, normalize } from "../src/index.ts";

// Invalid events are quarantined with their issues, which a person reads in the admin API:
// each issue names the field by its path and says what it must be and what came instead.

const valid = () => ({
  type: "message-failed",
  time: "2020-06-25T18:42:36.979Z",
  to: "+19842397270",
  errorCode: 4432,
  message: { id: "1593110555875xo7watq5px6rbe5d", direction: "out", to: ["+19842397270"] },
});

function without(object: Record<string, unknown>, key: string) {
  const { [key]: _, ...rest } = object;
  return rest;
}

function issuesOf(input: unknown): EventIssue[] {
  const result = normalize(input);
  if (result.success) throw new Error("expected the event to be rejected");
  return result.issues;
}

const withMessage = (patch: Record<string, unknown>) => ({
  ...valid(),
  message: { ...valid().message, ...patch },
});

const cases: [string, unknown, EventIssue[]][] = [
  [
    "a number instead of an event",
    42,
    [{ path: "", message: "the event must be a JSON object, got 42" }],
  ],
  [
    "null instead of an event",
    null,
    [{ path: "", message: "the event must be a JSON object, got null" }],
  ],
  [
    "a nested batch (array) instead of an event",
    [valid()],
    [{ path: "", message: "the event must be a JSON object, got an array" }],
  ],
  [
    "missing type",
    without(valid(), "type"),
    [
      {
        path: "type",
        message: 'type is required: a string naming the event, such as "message-delivered"',
      },
    ],
  ],
  [
    "numeric type",
    { ...valid(), type: 7 },
    [{ path: "type", message: "type must be a string, got 7" }],
  ],
  [
    "empty type",
    { ...valid(), type: "" },
    [{ path: "type", message: 'type must not be empty, got ""' }],
  ],
  [
    "missing time",
    without(valid(), "time"),
    [{ path: "time", message: "time is required: the event time, an ISO-8601 date-time string" }],
  ],
  [
    "time that is not a date-time",
    { ...valid(), time: "yesterday" },
    [
      {
        path: "time",
        message:
          'time must be an ISO-8601 date-time string such as 2026-01-01T12:00:00.000Z, got "yesterday"',
      },
    ],
  ],
  [
    "time as epoch milliseconds",
    { ...valid(), time: 1593110556979 },
    [
      {
        path: "time",
        message:
          "time must be an ISO-8601 date-time string such as 2026-01-01T12:00:00.000Z, got 1593110556979",
      },
    ],
  ],
  [
    "missing message",
    without(valid(), "message"),
    [
      {
        path: "message",
        message: "message is required: an object holding at least the message id",
      },
    ],
  ],
  [
    "message as a string",
    { ...valid(), message: "hello" },
    [
      {
        path: "message",
        message: 'message must be an object holding at least the message id, got "hello"',
      },
    ],
  ],
  [
    "missing message.id",
    { ...valid(), message: without(valid().message, "id") },
    [
      {
        path: "message.id",
        message: "message.id is required: the Bandwidth message id (a string)",
      },
    ],
  ],
  [
    "numeric message.id",
    withMessage({ id: 1593110555875 }),
    [{ path: "message.id", message: "message.id must be a string, got 1593110555875" }],
  ],
  [
    "empty message.id",
    withMessage({ id: "" }),
    [{ path: "message.id", message: 'message.id must not be empty, got ""' }],
  ],
  [
    "upper-case direction (the GET /messages spelling)",
    withMessage({ direction: "OUTBOUND" }),
    [
      {
        path: "message.direction",
        message: 'message.direction must be "in" or "out", got "OUTBOUND"',
      },
    ],
  ],
  [
    "numbers in message.to",
    withMessage({ to: ["+19842397270", 19842397271] }),
    [
      {
        path: "message.to.1",
        message: "message.to.1 must be a phone number (a string), got 19842397271",
      },
    ],
  ],
  [
    "message.to as a number",
    withMessage({ to: 19842397270 }),
    [
      {
        path: "message.to",
        message:
          "message.to must be an array of phone numbers (strings), or one phone number, got 19842397270",
      },
    ],
  ],
  [
    "top-level to as an array",
    { ...valid(), to: ["+19842397270"] },
    [
      {
        path: "to",
        message: "to must be one phone number (a string); message.to holds the list, got an array",
      },
    ],
  ],
  [
    "errorCode that is not a number",
    { ...valid(), errorCode: "rejected-forbidden-country" },
    [
      {
        path: "errorCode",
        message:
          'errorCode must be an integer or a string of digits, got "rejected-forbidden-country"',
      },
    ],
  ],
  [
    "fractional errorCode",
    { ...valid(), errorCode: 4432.5 },
    [{ path: "errorCode", message: "errorCode must be an integer, got 4432.5" }],
  ],
  [
    "boolean errorCode",
    { ...valid(), errorCode: true },
    [
      {
        path: "errorCode",
        message: "errorCode must be an integer or a string of digits, got true",
      },
    ],
  ],
  [
    "negative segmentCount",
    withMessage({ segmentCount: -1 }),
    [
      {
        path: "message.segmentCount",
        message: "message.segmentCount must not be negative, got -1",
      },
    ],
  ],
  [
    "segmentCount that is not numeric",
    withMessage({ segmentCount: "one" }),
    [
      {
        path: "message.segmentCount",
        message:
          'message.segmentCount must be a non-negative number or a numeric string, got "one"',
      },
    ],
  ],
  [
    "media as one string",
    withMessage({ media: "https://example.com/a.png" }),
    [
      {
        path: "message.media",
        message:
          'message.media must be an array of URLs (strings), got "https://example.com/a.png"',
      },
    ],
  ],
  [
    "media holding an object",
    withMessage({ media: [{ url: "https://example.com/a.png" }] }),
    [
      {
        path: "message.media.0",
        message: "message.media.0 must be a URL (a string), got an object",
      },
    ],
  ],
  [
    "unknown priority",
    withMessage({ priority: "urgent" }),
    [
      {
        path: "message.priority",
        message: 'message.priority must be "default" or "high", got "urgent"',
      },
    ],
  ],
  [
    "numeric text",
    withMessage({ text: 42 }),
    [{ path: "message.text", message: "message.text must be a string, got 42" }],
  ],
  [
    "message.time that is not a date-time",
    withMessage({ time: "25/06/2020" }),
    [
      {
        path: "message.time",
        message:
          'message.time must be an ISO-8601 date-time string such as 2026-01-01T12:00:00.000Z, got "25/06/2020"',
      },
    ],
  ],
  [
    "boolean latitude",
    withMessage({ locationResponse: { latitude: true } }),
    [
      {
        path: "message.locationResponse.latitude",
        message: "message.locationResponse.latitude must be a number or a string, got true",
      },
    ],
  ],
  [
    "suggestionResponse as an array",
    withMessage({ suggestionResponse: ["Yes"] }),
    [
      {
        path: "message.suggestionResponse",
        message: "message.suggestionResponse must be an object, got an array",
      },
    ],
  ],
  ...[
    "2026-13-45T99:99:99Z",
    "2026-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:60:00Z",
    "2026-01-01T00:00:61Z",
    "2026-01-01T00:00:00+24:00",
    "2026-00-10T00:00:00Z",
  ].map((time): [string, unknown, EventIssue[]] => [
    `a time that names no real moment (${time})`,
    { ...valid(), time },
    [
      {
        path: "time",
        message: `time must be an ISO-8601 date-time string such as 2026-01-01T12:00:00.000Z, got "${time}"`,
      },
    ],
  ]),
  [
    "an errorCode too large to be exact",
    { ...valid(), errorCode: "99999999999999999999999" },
    [
      {
        path: "errorCode",
        message:
          // The value as it would have been taken: the precision the string would have lost.
          "errorCode must be an integer between -9007199254740991 and 9007199254740991, got 1e+23",
      },
    ],
  ],
  [
    "a numeric errorCode past 2^53",
    { ...valid(), errorCode: 2 ** 60 },
    [
      {
        path: "errorCode",
        message: `errorCode must be an integer between -9007199254740991 and 9007199254740991, got ${2 ** 60}`,
      },
    ],
  ],
  [
    "a segmentCount past 2^53",
    withMessage({ segmentCount: "99999999999999999999999" }),
    [
      {
        path: "message.segmentCount",
        message: "message.segmentCount must be at most 9007199254740991, got 1e+23",
      },
    ],
  ],
  [
    "a message id with a lone surrogate",
    withMessage({ id: "abc\ud800" }),
    [
      {
        path: "message.id",
        message: 'message.id must be valid Unicode text (a lone surrogate), got "abc\\ud800"',
      },
    ],
  ],
  [
    "an unknown type without message.id",
    { type: "message-reacted", time: "2027-01-01T00:00:00Z", message: {} },
    [
      {
        path: "message.id",
        message: "message.id is required: the Bandwidth message id (a string)",
      },
    ],
  ],
  [
    // The 2025 multichannel beta named the id message.messageId: it is not forwarded blind.
    "the 2025 multichannel beta callback (message.messageId)",
    {
      type: "DELIVERED",
      time: "2025-06-01T00:00:00Z",
      message: { messageId: "abc", status: "DELIVERED" },
    },
    [
      {
        path: "message.id",
        message: "message.id is required: the Bandwidth message id (a string)",
      },
    ],
  ],
];

describe("issues of invalid events", () => {
  it.each(cases)("%s", (_, input, expected) => {
    expect(issuesOf(input)).toEqual(expected);
  });

  it("every message starts with the field's path", () => {
    for (const [, input] of cases) {
      for (const issue of issuesOf(input)) {
        expect(issue.message.startsWith(issue.path === "" ? "the event" : `${issue.path} `)).toBe(
          true,
        );
      }
    }
  });

  it("reports every problem of an event at once", () => {
    const issues = issuesOf({
      type: 7,
      description: ["x"],
      message: { direction: "sideways", to: [1] },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      "type",
      "time",
      "description",
      "message.id",
      "message.direction",
      "message.to.0",
    ]);
  });

  it("keeps a long received value short", () => {
    const [issue] = issuesOf({ ...valid(), time: "x".repeat(500) });
    expect(issue?.message).toBe(
      `time must be an ISO-8601 date-time string such as 2026-01-01T12:00:00.000Z, got "${"x".repeat(40)}…"`,
    );
  });

  it("rejects with the schema what normalize rejects", () => {
    for (const [, input] of cases) {
      expect(v.safeParse(CallbackEventSchema, input).success).toBe(false);
    }
  });
});
