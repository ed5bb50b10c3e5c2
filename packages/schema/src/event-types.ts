/**
 * The callback types Bandwidth documents, in a module of their own: a browser bundle that
 * only needs the names (the console's filters) does not pull in the valibot schemas.
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

/** One of {@link KNOWN_EVENT_TYPES}. */
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];
