/**
 * Realistic Bandwidth messaging callbacks with fresh ids and times, for every type the schema
 * knows. Each generated event passes @bw-relay/schema's `normalize` (tested per type). This is
 * the library `bw-relay trigger` and `pnpm dev` use (`@bw-relay/cli/generate`).
 */
import {
  countSegments,
  describeErrorCode,
  KNOWN_EVENT_TYPES,
  type KnownEventType,
} from "@bw-relay/schema";
import {
  COMMON_ERROR_CODES,
  cryptoRandom,
  inboundMedia,
  iso,
  messageId,
  outboundMedia,
  phoneNumbers,
  pick,
  type Random,
} from "./values.ts";

/** One callback event, as Bandwidth posts it (inside a JSON array). */
export interface BandwidthCallback {
  type: string;
  time: string;
  description: string;
  to: string;
  errorCode?: number;
  eventTime?: string;
  message: Record<string, unknown> & { id: string };
}

export interface GenerateOptions {
  /** The base time (epoch ms); default now. */
  now?: number;
  /** Default: crypto-random. Pass a seeded one for reproducible output. */
  random?: Random;
  /** Media attachments (MMS); 0 for SMS. */
  mediaCount?: number;
  /** Participants of a group message besides the sender (default 1: not a group). */
  groupSize?: number;
  text?: string;
  /** message-failed's code (default: a common one); its description is Bandwidth's name for it. */
  errorCode?: number;
  /** Your Bandwidth number (message.owner). */
  owner?: string;
  /** The other party (inbound: the sender; outbound: the first recipient). */
  peer?: string;
  applicationId?: string;
  accountId?: string;
  messageId?: string;
  tag?: string;
}

/** Short names for `bw-relay trigger`, besides every full type name. */
export const TRIGGER_ALIASES: Record<
  string,
  { type: KnownEventType; mediaCount?: number; groupSize?: number }
> = {
  sms: { type: "message-received" },
  mms: { type: "message-received", mediaCount: 1 },
  group: { type: "message-received", groupSize: 3 },
  received: { type: "message-received" },
  // Bandwidth sends message-sending for MMS and group messages only: an MMS by default.
  sending: { type: "message-sending", mediaCount: 1 },
  sent: { type: "message-sent" },
  delivered: { type: "message-delivered" },
  failed: { type: "message-failed" },
  read: { type: "message-read" },
  suggestion: { type: "suggestion-response" },
  location: { type: "requested-location-response" },
  queued: { type: "message-queued" },
};

const INBOUND = new Set<string>([
  "message-received",
  "suggestion-response",
  "requested-location-response",
  "request-location-response",
]);

const DESCRIPTIONS: Record<KnownEventType, string> = {
  "message-received": "Incoming message received",
  "message-sending": "Message is sending to carrier",
  "message-sent": "Message sent to carrier",
  "message-delivered": "Message delivered to carrier.",
  "message-failed": "",
  "message-read": "Message read by recipient",
  "suggestion-response": "Suggestion response received",
  "requested-location-response": "Location response received",
  "request-location-response": "Location response received",
  "message-queued": "Message is queued",
};

export const DEFAULT_OWNER = "+19195550100";
export const DEFAULT_ACCOUNT_ID = "9900000";
export const DEFAULT_APPLICATION_ID = "4fa3d2b0-7c1e-4e8a-9f21-3b6d5c0e8a17";

/** Resolves an alias or full type name; null when neither. */
export function resolveType(
  name: string,
): { type: KnownEventType; mediaCount?: number; groupSize?: number } | null {
  if ((KNOWN_EVENT_TYPES as readonly string[]).includes(name))
    return { type: name as KnownEventType };
  return TRIGGER_ALIASES[name] ?? null;
}

/** The shared parts of one message: ids, parties, media, text, fixed across its callbacks. */
export interface MessagePlan {
  id: string;
  owner: string;
  peers: string[];
  applicationId: string;
  accountId: string;
  createdAt: number;
  text: string;
  mediaCount: number;
  tag?: string;
  random: Random;
}

export function planMessage(options: GenerateOptions = {}, inbound = true): MessagePlan {
  const random = options.random ?? cryptoRandom;
  const now = options.now ?? Date.now();
  const owner = options.owner ?? DEFAULT_OWNER;
  const size = Math.max(1, options.groupSize ?? 1);
  const others = phoneNumbers(random, size, [owner, ...(options.peer ? [options.peer] : [])]);
  const peers = options.peer ? [options.peer, ...others.slice(0, size - 1)] : others;
  return {
    id: options.messageId ?? messageId(now, random),
    owner,
    peers,
    applicationId: options.applicationId ?? DEFAULT_APPLICATION_ID,
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    createdAt: now,
    text:
      options.text ??
      (inbound ? "Hi! Is my order ready for pickup?" : "Your order #4821 is ready for pickup."),
    mediaCount: Math.max(0, options.mediaCount ?? 0),
    tag: options.tag,
    random,
  };
}

/**
 * One callback of `type` about the message `plan`, at `time`. Outbound callbacks go to one
 * recipient (`to`); an inbound group message lists every participant in message.to.
 */
export function buildCallback(
  type: KnownEventType,
  plan: MessagePlan,
  time: number,
  options: { recipient?: string; errorCode?: number } = {},
): BandwidthCallback {
  const inbound = INBOUND.has(type);
  const group = plan.peers.length > 1;
  const base: Record<string, unknown> = {
    id: plan.id,
    owner: plan.owner,
    applicationId: plan.applicationId,
    time: iso(plan.createdAt),
    segmentCount: plan.mediaCount > 0 || group ? 1 : countSegments(plan.text).segments,
    direction: inbound ? "in" : "out",
  };
  let message: BandwidthCallback["message"];
  let to: string;
  if (inbound) {
    // Inbound: the first peer wrote to us (and, in a group, to the other peers).
    to = plan.owner;
    message = {
      ...base,
      id: plan.id,
      to: [plan.owner, ...plan.peers.slice(1)],
      from: plan.peers[0],
      text: plan.text,
    };
    if (plan.mediaCount > 0) message.media = inboundMedia(plan.accountId, plan.id, plan.mediaCount);
  } else {
    to = options.recipient ?? (plan.peers[0] as string);
    message = { ...base, id: plan.id, to: [...plan.peers], from: plan.owner, text: plan.text };
    if (plan.mediaCount > 0) message.media = outboundMedia(plan.accountId, plan.mediaCount);
  }
  if (plan.tag !== undefined) message.tag = plan.tag;
  if (type === "suggestion-response") {
    message.text = "Yes, confirm";
    message.suggestionResponse = {
      text: "Yes, confirm",
      postbackData: "confirm:yes",
      pairedMessageId: `${plan.createdAt - 60_000}${plan.id.slice(13)}`,
    };
  }
  if (type === "requested-location-response" || type === "request-location-response") {
    delete message.text;
    message.locationResponse = { latitude: 35.7796, longitude: -78.6382 };
  }
  const event: BandwidthCallback = {
    type,
    time: iso(time),
    description: DESCRIPTIONS[type],
    to,
    message,
  };
  if (type === "message-failed") {
    const code = options.errorCode ?? pick(plan.random, COMMON_ERROR_CODES);
    event.errorCode = code;
    event.description = describeErrorCode(code).name;
  }
  if (type === "message-read") event.eventTime = iso(time);
  return event;
}

/**
 * The callbacks of one `type`: one per recipient for outbound group messages, else one.
 * `message-sending` only exists for MMS and group messages, so without `mediaCount` or a group
 * it is about an MMS with one media item.
 */
export function generateCallbacks(
  type: KnownEventType,
  given: GenerateOptions = {},
): BandwidthCallback[] {
  const inbound = INBOUND.has(type);
  const sendingSms =
    type === "message-sending" && given.mediaCount === undefined && (given.groupSize ?? 1) <= 1;
  const options = sendingSms ? { ...given, mediaCount: 1 } : given;
  const now = options.now ?? Date.now();
  // An outbound message was created before its status callbacks (one per recipient).
  const plan = planMessage(inbound ? options : { ...options, now: now - 2_000 }, inbound);
  if (inbound) return [buildCallback(type, plan, now, options)];
  const last = plan.peers.length - 1;
  return plan.peers.map((recipient, i) =>
    buildCallback(type, plan, now - (last - i) * 37, { recipient, errorCode: options.errorCode }),
  );
}

/**
 * A whole outbound message life: sending → sent → delivered (or → failed), per recipient,
 * times a few hundred milliseconds apart and ending about now. `message-sending` only exists
 * for MMS and group messages, so an SMS (`mediaCount: 0`, one recipient) goes sent → delivered.
 */
export function generateLifecycle(
  outcome: "delivered" | "failed",
  options: GenerateOptions = {},
): BandwidthCallback[] {
  // The message was created a few seconds ago, so its last callback is not in the future.
  const now = (options.now ?? Date.now()) - 3_000 - 41 * Math.max(1, options.groupSize ?? 1);
  const plan = planMessage({ ...options, now, mediaCount: options.mediaCount ?? 1 }, false);
  const steps: KnownEventType[] = [];
  if (plan.mediaCount > 0 || plan.peers.length > 1) steps.push("message-sending");
  steps.push("message-sent", outcome === "failed" ? "message-failed" : "message-delivered");
  const offsets = {
    "message-sending": 250,
    "message-sent": 800,
    "message-delivered": 2_900,
    "message-failed": 1_700,
  } as Record<string, number>;
  const events: BandwidthCallback[] = [];
  for (const step of steps) {
    plan.peers.forEach((recipient, i) => {
      events.push(
        buildCallback(step, plan, plan.createdAt + (offsets[step] ?? 0) + i * 41, {
          recipient,
          errorCode: options.errorCode,
        }),
      );
    });
  }
  return events;
}
