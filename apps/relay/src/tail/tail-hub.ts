import { DurableObject } from "cloudflare:workers";
import { tailStub } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { describeError } from "../describe-error.ts";
import type { DeliveryOutcome, EventSummary } from "../shard/types.ts";

/** What the tail sends: an event as it is accepted, or a delivery attempt as it ends. */
export type TailMessage = { event: EventSummary } | { delivery: DeliveryOutcome };

/**
 * The live tail: one Durable Object holding every `GET /api/tail` WebSocket, hibernatable so
 * idle listeners cost nothing. The Worker publishes each accepted batch after answering; each
 * shard publishes the outcomes of a delivery run at its end.
 */
export class TailHub extends DurableObject<RelayEnv> {
  constructor(ctx: DurableObjectState, env: RelayEnv) {
    super(ctx, env);
    // Keep-alives are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(_request: Request): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** Sends each message to every listener, one WebSocket message each; returns how many listen. */
  async publish(tail: TailMessage[]): Promise<number> {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return 0;
    const messages = tail.map((message) => JSON.stringify(message));
    for (const socket of sockets) {
      for (const message of messages) {
        try {
          socket.send(message);
        } catch {
          // A socket closing under us is not the publisher's problem.
        }
      }
    }
    return sockets.length;
  }

  override async webSocketMessage(): Promise<void> {
    // The tail is one-way; anything a client sends besides "ping" is ignored.
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }
}

/**
 * When the hub last said nobody listens, this isolate skips publishing for a moment: on a busy
 * relay with no tail open, one RPC per accept to the one hub costs more than the whole rest of
 * the accept's bookkeeping. A tail opened through another isolate therefore starts within
 * NO_LISTENER_RECHECK_MS; one opened through this isolate starts at once.
 */
export const NO_LISTENER_RECHECK_MS = 1_000;
let nobodyListensUntil = 0;

/** Called when a tail connects through this isolate: publish again right away. */
export function tailListenerJoined(): void {
  nobodyListensUntil = 0;
}

/** Best effort: everything is stored already; a tail that misses a message loses nothing. */
export async function publishToTail(env: RelayEnv, messages: TailMessage[]): Promise<void> {
  if (messages.length === 0 || Date.now() < nobodyListensUntil) return;
  try {
    const listeners = await tailStub(env).publish(messages);
    if (listeners === 0) nobodyListensUntil = Date.now() + NO_LISTENER_RECHECK_MS;
  } catch (err) {
    console.warn("tail publish failed", describeError(err));
  }
}
