import * as v from "valibot";

/**
 * valibot schemas for Bandwidth Messaging v2 callbacks. Only `type`, `time` and `message.id`
 * are required anywhere, because real callbacks omit nearly everything else at one time or
 * another (MFA callbacks carry only `message.id`); every other field has its documented type
 * when present. Unknown fields pass through (looseObject), so new Bandwidth fields reach
 * receivers. Coercions: `message.to` string -> [string]; numeric strings -> numbers for
 * `errorCode` and `segmentCount`.
 */

/** Every callback type the reference documents, historical spellings included. */
export const KNOWN_EVENT_TYPES = [
  "message-received",
  "message-sending",
  "message-sent",
  "message-delivered",
  "message-failed",
  "message-read",
  "suggestion-response",
  "requested-location-response",
  "request-location-response",
  "message-queued",
] as const;

export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** RFC 3339 / ISO-8601 date-time, kept exactly as sent (0, 3 or 6 fractional digits occur). */
export const TimestampSchema = v.pipe(
  v.string(),
  v.regex(ISO_DATE_TIME, "must be an ISO-8601 date-time such as 2026-01-01T12:00:00.000Z"),
);

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

/** An integer, or a string of digits (the old `@bandwidth/messaging` typed errorCode as string). */
export const IntegerLikeSchema = v.pipe(
  v.union(
    [v.number(), v.pipe(v.string(), v.regex(/^\s*-?\d+\s*$/))],
    "must be an integer or a string of digits",
  ),
  v.transform((value) => Number(value)),
  v.integer("must be an integer"),
);

/** A non-negative number, or a numeric string. */
export const NumberLikeSchema = v.pipe(
  v.union(
    [v.number(), v.pipe(v.string(), v.regex(NUMERIC))],
    "must be a number or a numeric string",
  ),
  v.transform((value) => Number(value)),
  v.minValue(0, "must not be negative"),
);

/** `message.to`: an array of numbers; a bare string (the create-message form) becomes [string]. */
export const RecipientsSchema = v.pipe(
  v.union(
    [v.string(), v.array(v.string())],
    "must be an array of phone numbers (or one phone number)",
  ),
  v.transform((value): string[] => (typeof value === "string" ? [value] : value)),
);

/** The `message` object shared by every callback type. */
export const MessageSchema = v.looseObject({
  id: v.string("message.id is required and must be a string"),
  owner: v.optional(v.string()),
  applicationId: v.optional(v.string()),
  time: v.optional(TimestampSchema),
  segmentCount: v.optional(NumberLikeSchema),
  direction: v.optional(v.picklist(["in", "out"], 'must be "in" or "out"')),
  to: v.optional(RecipientsSchema),
  from: v.optional(v.string()),
  text: v.optional(v.string()),
  tag: v.optional(v.string()),
  media: v.optional(v.nullable(v.array(v.string("media URLs must be strings")))),
  priority: v.optional(v.picklist(["default", "high"], 'must be "default" or "high"')),
  channel: v.optional(v.string()),
  content: v.optional(v.looseObject({})),
  suggestionResponse: v.optional(
    v.looseObject({
      text: v.optional(v.string()),
      postbackData: v.optional(v.string()),
      pairedMessageId: v.optional(v.nullable(v.string())),
    }),
  ),
  locationResponse: v.optional(
    v.looseObject({
      latitude: v.optional(v.union([v.string(), v.number()])),
      longitude: v.optional(v.union([v.string(), v.number()])),
    }),
  ),
});

const eventEntries = {
  time: TimestampSchema,
  description: v.optional(v.string()),
  to: v.optional(v.string("must be one phone number (a string); message.to holds the list")),
  errorCode: v.optional(v.nullable(IntegerLikeSchema)),
  carrierName: v.optional(v.nullable(v.string())),
  eventTime: v.optional(TimestampSchema),
  message: MessageSchema,
};

function eventSchema<const T extends KnownEventType>(type: T) {
  return v.looseObject({ type: v.literal(type), ...eventEntries });
}

export const MessageReceivedSchema = eventSchema("message-received");
export const MessageSendingSchema = eventSchema("message-sending");
export const MessageSentSchema = eventSchema("message-sent");
export const MessageDeliveredSchema = eventSchema("message-delivered");
export const MessageFailedSchema = eventSchema("message-failed");
export const MessageReadSchema = eventSchema("message-read");
export const SuggestionResponseSchema = eventSchema("suggestion-response");
export const RequestedLocationResponseSchema = eventSchema("requested-location-response");
/** The spelling in Bandwidth's specs and SDKs from 2025-08 to 2026-06. */
export const RequestLocationResponseSchema = eventSchema("request-location-response");
/** Documented Jul-Aug 2020 for MMS delivery receipts, then renamed message-sending. */
export const MessageQueuedSchema = eventSchema("message-queued");

/** Every known callback type, discriminated on `type`. */
export const KnownCallbackEventSchema = v.variant("type", [
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
]);

/** A type Bandwidth has not documented yet: accepted when it has type, time and message.id. */
export const UnknownCallbackEventSchema = v.looseObject({
  type: v.pipe(
    v.string("type is required and must be a string"),
    v.minLength(1, "type must not be empty"),
  ),
  ...eventEntries,
});

/** Any callback event: a known type, or a new one with the three required fields. */
export const CallbackEventSchema = v.union([KnownCallbackEventSchema, UnknownCallbackEventSchema]);

export type CallbackEventInput = v.InferInput<typeof CallbackEventSchema>;
export type KnownCallbackEvent = v.InferOutput<typeof KnownCallbackEventSchema>;
export type UnknownCallbackEvent = v.InferOutput<typeof UnknownCallbackEventSchema>;
/** A normalized event: Bandwidth's shape, with the coercions applied. */
export type CallbackEventOutput = v.InferOutput<typeof CallbackEventSchema>;
export type NormalizedEvent = CallbackEventOutput;
export type CallbackMessage = v.InferOutput<typeof MessageSchema>;
export type MessageReceivedEvent = v.InferOutput<typeof MessageReceivedSchema>;
export type MessageSendingEvent = v.InferOutput<typeof MessageSendingSchema>;
export type MessageSentEvent = v.InferOutput<typeof MessageSentSchema>;
export type MessageDeliveredEvent = v.InferOutput<typeof MessageDeliveredSchema>;
export type MessageFailedEvent = v.InferOutput<typeof MessageFailedSchema>;
export type MessageReadEvent = v.InferOutput<typeof MessageReadSchema>;
export type SuggestionResponseEvent = v.InferOutput<typeof SuggestionResponseSchema>;
export type RequestedLocationResponseEvent = v.InferOutput<typeof RequestedLocationResponseSchema>;
