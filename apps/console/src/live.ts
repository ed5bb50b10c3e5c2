/**
 * The live tail (GET /api/tail, a WebSocket). Browsers cannot set headers on a WebSocket, so
 * the token travels as a subprotocol (`bw-relay.bearer.<base64url>`), never in a URL that
 * request logs would keep. Reconnects with backoff; the views catch up on what a gap missed
 * from GET /api/events.
 */
import { textToBase64url } from "@bw-relay/schema/encoding";
import { getToken } from "./api.ts";
import type { EventSummary, TailDelivery } from "./types.ts";

export type TailMessage = { event: EventSummary } | { delivery: TailDelivery };
type Listener = (message: TailMessage) => void;
type StateListener = (connected: boolean) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<StateListener>();
let socket: WebSocket | null = null;
let retryMs = 500;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let connected = false;

function setConnected(value: boolean) {
  connected = value;
  for (const listener of stateListeners) listener(value);
}

function connect() {
  const token = getToken();
  if (!token || socket) return;
  const url = new URL("/api/tail", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url, ["bw-relay", `bw-relay.bearer.${textToBase64url(token)}`]);
  socket = ws;
  // A socket closed on purpose (the last subscriber left) may still report after a new one
  // replaced it: it must neither clear nor reconnect the new one, or two tails would run.
  ws.onopen = () => {
    if (socket !== ws) return;
    retryMs = 500;
    setConnected(true);
  };
  ws.onmessage = (message) => {
    if (socket !== ws) return;
    if (typeof message.data !== "string" || message.data === "pong") return;
    try {
      const parsed = JSON.parse(message.data) as TailMessage;
      for (const listener of listeners) listener(parsed);
    } catch {
      // Not ours to understand; the tail only sends JSON besides "pong".
    }
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    setConnected(false);
    if (listeners.size === 0) return;
    retryTimer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15_000);
  };
}

/** Subscribes to the tail, opening it for the first subscriber and closing it after the last. */
export function subscribeTail(listener: Listener, onState?: StateListener): () => void {
  listeners.add(listener);
  if (onState) {
    stateListeners.add(onState);
    onState(connected);
  }
  connect();
  return () => {
    listeners.delete(listener);
    if (onState) stateListeners.delete(onState);
    if (listeners.size === 0) {
      clearTimeout(retryTimer);
      socket?.close();
      socket = null;
      // Its close event is ignored (above): say here that the tail is down until a new one opens.
      setConnected(false);
    }
  };
}
