/**
 * Deterministic event ids: `evt_` + 32 hex characters of SHA-256 over the event's identity
 * `[type, time, message.id, to, errorCode]`, so Bandwidth's resend of a callback gets the same
 * id (a duplicate) while the N callbacks of a group message (same message.id, different `to`)
 * stay distinct.
 */

import { sha256Hex } from "./encoding.ts";
import { jsonText } from "./json-text.ts";
import { INTEGER_STRING, isJsonObject as isObject } from "./patterns.ts";

/** The value when it is a string, else null. */
const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

function errorCodeOf(value: unknown): number | string | null {
  if (typeof value === "number") return value;
  if (typeof value === "string") return INTEGER_STRING.test(value) ? Number(value) : value;
  return null;
}

/** JSON with object keys sorted, so equal values always serialize the same way; any depth. */
export function canonicalJson(value: unknown): string {
  return jsonText(value, { sortKeys: true });
}

/**
 * The string `eventId` hashes. An event that lacks one of `type`, `time`, `message.id` as a
 * string (only quarantined events) is identified by its whole canonical JSON instead, so two
 * different broken events never share an id while a resend of one still does.
 */
export function eventIdentity(event: unknown): string {
  const object = isObject(event) ? event : null;
  const message = object && isObject(object.message) ? object.message : null;
  const type = text(object?.type);
  const time = text(object?.time);
  const messageId = text(message?.id);
  if (type === null || time === null || messageId === null) return `raw:${canonicalJson(event)}`;
  return JSON.stringify([type, time, messageId, text(object?.to), errorCodeOf(object?.errorCode)]);
}

/**
 * The event's deterministic id, `evt_` + 32 hex characters; the raw and the normalized form of
 * an event give the same id.
 *
 * @example
 * await eventId(event); // "evt_…" — the same for Bandwidth's resend of the same callback
 */
export async function eventId(event: unknown): Promise<string> {
  return eventIdSync(event);
}

/** `eventId`, synchronously (the hash is computed in JavaScript). */
export function eventIdSync(event: unknown): string {
  return idOf(eventIdentity(event));
}

/**
 * The id of an event as received, whatever its identity fields say: what a quarantined event
 * is stored under. A resend of the same broken event is still a duplicate, but a broken event
 * never takes the id its corrected resend will have (`eventId`), so it cannot swallow it.
 */
export function rawEventId(event: unknown): string {
  return idOf(`raw:${canonicalJson(event)}`);
}

function idOf(identity: string): string {
  return `evt_${sha256Hex(identity).slice(0, 32)}`;
}
