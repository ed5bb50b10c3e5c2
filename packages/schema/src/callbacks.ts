import * as v from "valibot";
import type { KnownEventType } from "./event-types.ts";
import {
  INTEGER_STRING,
  isIsoDateTime,
  isJsonObject,
  LONE_SURROGATE,
  NUMBER_STRING,
} from "./patterns.ts";

/**
 * valibot schemas for Bandwidth Messaging v2 callbacks. Only `type`, `time` and `message.id`
 * are required anywhere, because real callbacks omit nearly everything else at one time or
 * another (MFA callbacks carry only `message.id`); every other field has its documented type
 * when present. Unknown fields pass through (looseObject), so new Bandwidth fields reach
 * receivers. Coercions: `message.to` string -> [string]; numeric strings -> numbers for
 * `errorCode` and `segmentCount`; `null` in the spec-nullable `errorCode`, `carrierName` and
 * `message.media` -> absent.
 *
 * Every message below is the end of a sentence that starts with the field's path
 * ("message.to.1 must be a phone number (a string)"): `normalize` turns issues into that form.
 */

export { KNOWN_EVENT_TYPES, type KnownEventType } from "./event-types.ts";

const TIMESTAMP_MESSAGE = "must be an ISO-8601 date-time string such as 2026-01-01T12:00:00.000Z";

/**
 * A looseObject that refuses arrays (valibot's object schemas accept them and would turn
 * `[a, b]` into `{0: a, 1: b}`).
 */
function jsonObject<const TEntries extends v.ObjectEntries>(entries: TEntries, message: string) {
  const schema = v.looseObject(entries, message);
  return v.pipe(v.custom<v.InferInput<typeof schema>>(isJsonObject, message), schema);
}

/**
 * An optional field the 2025 spec made nullable: `null` is accepted and becomes absent, so a
 * normalized event has the field's own type or nothing.
 */
function nullAsAbsent<const TSchema extends v.GenericSchema>(schema: TSchema) {
  return v.optional(
    v.pipe(
      v.nullable(schema),
      v.transform((value) => value ?? undefined),
    ),
  );
}

const string = (message = "must be a string") => v.string(message);

/** RFC 3339 / ISO-8601 date-time, kept exactly as sent (0, 3 or 6 fractional digits occur). */
export const TimestampSchema = v.pipe(
  v.string(TIMESTAMP_MESSAGE),
  v.check(isIsoDateTime, TIMESTAMP_MESSAGE),
);

const INTEGER_MESSAGE = "must be an integer or a string of digits";
const NUMBER_MESSAGE = "must be a non-negative number or a numeric string";

/** An integer, or a string of digits (the old `@bandwidth/messaging` typed errorCode as string). */
export const IntegerLikeSchema = v.pipe(
  v.union(
    [v.number(), v.pipe(v.string(), v.regex(INTEGER_STRING, INTEGER_MESSAGE))],
    INTEGER_MESSAGE,
  ),
  v.transform((value) => Number(value)),
  v.integer("must be an integer"),
  // Past 2^53 a number is no longer exact: "99999999999999999999999" would become 1e+23.
  v.check(
    (n) => !Number.isInteger(n) || Number.isSafeInteger(n),
    "must be an integer between -9007199254740991 and 9007199254740991",
  ),
);

/** A non-negative finite number, or a numeric string (`segmentCount`). */
export const NumberLikeSchema = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(NUMBER_STRING, NUMBER_MESSAGE))], NUMBER_MESSAGE),
  v.transform((value) => Number(value)),
  v.finite(NUMBER_MESSAGE),
  v.minValue(0, "must not be negative"),
  v.maxValue(Number.MAX_SAFE_INTEGER, "must be at most 9007199254740991"),
);

/** `message.to`: an array of numbers; a bare string (the create-message form) becomes [string]. */
export const RecipientsSchema = v.pipe(
  v.union(
    [v.string(), v.array(v.string("must be a phone number (a string)"))],
    "must be an array of phone numbers (strings), or one phone number",
  ),
  v.transform((value): string[] => (typeof value === "string" ? [value] : value)),
);

/** The `message` object shared by every callback type. */
export const MessageSchema = jsonObject(
  {
    id: v.pipe(
      string(),
      v.minLength(1, "must not be empty"),
      v.check((id) => !LONE_SURROGATE.test(id), "must be valid Unicode text (a lone surrogate)"),
    ),
    owner: v.optional(string()),
    applicationId: v.optional(string()),
    time: v.optional(TimestampSchema),
    segmentCount: v.optional(NumberLikeSchema),
    direction: v.optional(v.picklist(["in", "out"], 'must be "in" or "out"')),
    to: v.optional(RecipientsSchema),
    from: v.optional(string()),
    text: v.optional(string()),
    tag: v.optional(string()),
    media: nullAsAbsent(
      v.array(string("must be a URL (a string)"), "must be an array of URLs (strings)"),
    ),
    priority: v.optional(v.picklist(["default", "high"], 'must be "default" or "high"')),
    channel: v.optional(string()),
    content: v.optional(jsonObject({}, "must be an object")),
    suggestionResponse: v.optional(
      jsonObject(
        {
          text: v.optional(string()),
          postbackData: v.optional(string()),
          pairedMessageId: v.optional(v.nullable(string("must be a string or null"))),
        },
        "must be an object",
      ),
    ),
    locationResponse: v.optional(
      jsonObject(
        {
          latitude: v.optional(v.union([v.string(), v.number()], "must be a number or a string")),
          longitude: v.optional(v.union([v.string(), v.number()], "must be a number or a string")),
        },
        "must be an object",
      ),
    ),
  },
  "must be an object holding at least the message id",
);

const eventEntries = {
  time: TimestampSchema,
  description: v.optional(string()),
  to: v.optional(string("must be one phone number (a string); message.to holds the list")),
  errorCode: nullAsAbsent(IntegerLikeSchema),
  carrierName: nullAsAbsent(string("must be a string or null")),
  eventTime: v.optional(TimestampSchema),
  message: MessageSchema,
};

const EVENT_MESSAGE = "must be a JSON object";

function eventSchema<const T extends KnownEventType>(type: T) {
  return v.looseObject(
    { type: v.literal(type, `must be "${type}"`), ...eventEntries },
    EVENT_MESSAGE,
  );
}

/** `message-received`: an inbound SMS, MMS or group message (group: `message.to` lists all). */
export const MessageReceivedSchema = eventSchema("message-received");
/** `message-sending`: an outbound MMS/group message is on its way (MMS-DLR accounts). */
export const MessageSendingSchema = eventSchema("message-sending");
/** `message-sent`: the message left Bandwidth's network (new in 2026). */
export const MessageSentSchema = eventSchema("message-sent");
/** `message-delivered`: carrier (or, for toll-free, handset) delivery receipt. */
export const MessageDeliveredSchema = eventSchema("message-delivered");
/** `message-failed`: terminal failure, with `errorCode` and `description`. */
export const MessageFailedSchema = eventSchema("message-failed");
/** `message-read`: an RBM message was read; adds `eventTime`. */
export const MessageReadSchema = eventSchema("message-read");
/** `suggestion-response`: an RBM suggestion was tapped; `message.suggestionResponse`. */
export const SuggestionResponseSchema = eventSchema("suggestion-response");
/** `requested-location-response`: an RBM user shared a location; `message.locationResponse`. */
export const RequestedLocationResponseSchema = eventSchema("requested-location-response");
/** `request-location-response`: the spelling in Bandwidth's specs and SDKs from 2025-08 to 2026-06. */
export const RequestLocationResponseSchema = eventSchema("request-location-response");
/** `message-queued`: documented Jul-Aug 2020 for MMS delivery receipts, then renamed message-sending. */
export const MessageQueuedSchema = eventSchema("message-queued");

/** Every known callback type, discriminated on `type`. */
export const KnownCallbackEventSchema = v.variant(
  "type",
  [
    MessageReceivedSchema,
    MessageSendingSchema,
    MessageSentSchema,
    MessageDeliveredSchema,
    MessageFailedSchema,
    MessageReadSchema,
    SuggestionResponseSchema,
    RequestedLocationResponseSchema,
    RequestLocationResponseSchema,
    MessageQueuedSchema,
  ],
  EVENT_MESSAGE,
);

/** A type Bandwidth has not documented yet: accepted when it has type, time and message.id. */
export const UnknownCallbackEventSchema = v.looseObject(
  {
    type: v.pipe(string(), v.minLength(1, "must not be empty")),
    ...eventEntries,
  },
  EVENT_MESSAGE,
);

/**
 * Any callback event: a known type, or a new one with the three required fields. The known
 * options come first, so a known `type` is always checked against its own schema.
 */
export const CallbackEventSchema = v.variant(
  "type",
  [...KnownCallbackEventSchema.options, UnknownCallbackEventSchema],
  EVENT_MESSAGE,
);

/** An event as Bandwidth may send it (what `CallbackEventSchema` accepts). */
export type CallbackEventInput = v.InferInput<typeof CallbackEventSchema>;
/** A known-type event as Bandwidth may send it. */
export type KnownCallbackEventInput = v.InferInput<typeof KnownCallbackEventSchema>;
/** The `message` object as Bandwidth may send it. */
export type CallbackMessageInput = v.InferInput<typeof MessageSchema>;
/** A normalized known-type event. */
export type KnownCallbackEvent = v.InferOutput<typeof KnownCallbackEventSchema>;
/** A normalized event of a type this package does not know (yet). */
export type UnknownCallbackEvent = v.InferOutput<typeof UnknownCallbackEventSchema>;
/** A normalized event: Bandwidth's shape, with the coercions applied. */
export type CallbackEventOutput = v.InferOutput<typeof CallbackEventSchema>;
/** What `normalize` returns: the same as {@link CallbackEventOutput}. */
export type NormalizedEvent = CallbackEventOutput;
/** The normalized `message` object. */
export type CallbackMessage = v.InferOutput<typeof MessageSchema>;
/** A normalized `message-received` event. */
export type MessageReceivedEvent = v.InferOutput<typeof MessageReceivedSchema>;
/** A normalized `message-sending` event. */
export type MessageSendingEvent = v.InferOutput<typeof MessageSendingSchema>;
/** A normalized `message-sent` event. */
export type MessageSentEvent = v.InferOutput<typeof MessageSentSchema>;
/** A normalized `message-delivered` event. */
export type MessageDeliveredEvent = v.InferOutput<typeof MessageDeliveredSchema>;
/** A normalized `message-failed` event. */
export type MessageFailedEvent = v.InferOutput<typeof MessageFailedSchema>;
/** A normalized `message-read` event. */
export type MessageReadEvent = v.InferOutput<typeof MessageReadSchema>;
/** A normalized `suggestion-response` event. */
export type SuggestionResponseEvent = v.InferOutput<typeof SuggestionResponseSchema>;
/** A normalized `requested-location-response` event. */
export type RequestedLocationResponseEvent = v.InferOutput<typeof RequestedLocationResponseSchema>;
/** A normalized `request-location-response` event (the 2025-08 to 2026-06 spelling). */
export type RequestLocationResponseEvent = v.InferOutput<typeof RequestLocationResponseSchema>;
/** A normalized `message-queued` event (historical). */
export type MessageQueuedEvent = v.InferOutput<typeof MessageQueuedSchema>;
