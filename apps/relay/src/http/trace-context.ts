import { toHex } from "@bw-relay/schema/encoding";

/** W3C Trace Context: `version-traceid-parentid-flags`, lowercase hex (version 00). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The trace an inbound request belongs to: its trace id and flags. */
export interface TraceContext {
  traceId: string;
  flags: string;
}

/**
 * The trace a request continues: the one its `traceparent` names when that header is valid
 * (a future version's extra fields are allowed, version ff and all-zero ids are not), else a
 * new one, sampled.
 */
export function traceOf(header: string | null | undefined): TraceContext {
  const match = TRACEPARENT.exec(header?.trim().toLowerCase() ?? "");
  if (match) {
    const [, version, traceId, parentId, flags, rest] = match as unknown as string[];
    const valid =
      version !== "ff" &&
      !(version === "00" && rest) &&
      !/^0+$/.test(traceId ?? "") &&
      !/^0+$/.test(parentId ?? "");
    if (valid && traceId && flags) return { traceId, flags };
  }
  return { traceId: randomHex(16), flags: "01" };
}

/**
 * The `traceparent` of one event of the request: the request's trace, with a span of the
 * event's own as parent, so a target's logs join the relay's per event. Sent on every
 * delivery attempt of the event and shown in its detail.
 */
export function eventTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${randomHex(8)}-${trace.flags}`;
}

function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}
