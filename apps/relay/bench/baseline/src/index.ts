/**
 * Baseline for the accept benchmark: POST -> parse JSON -> group the events by
 * FNV-1a(message.id) % SHARD_COUNT -> one RPC per shard, which inserts the events in its
 * SQLite table -> 200. No auth, validation, normalization, dedupe or delivery bookkeeping:
 * what is left is the cost every accept path pays under `wrangler dev`.
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  SHARD: DurableObjectNamespace<Shard>;
  SHARD_COUNT: string;
}

export class Shard extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS events (
         id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, message_id TEXT, body TEXT NOT NULL)`,
    );
  }

  store(events: { messageId: string; body: string }[]): number {
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      for (const e of events) {
        this.ctx.storage.sql.exec(
          "INSERT INTO events (received_at, message_id, body) VALUES (?, ?, ?)",
          now,
          e.messageId,
          e.body,
        );
      }
    });
    return events.length;
  }
}

function shardIndexFor(key: string, shardCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shardCount;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/healthz") return Response.json({ ok: true });
    if (request.method !== "POST" || pathname !== "/callbacks") {
      return new Response("not found", { status: 404 });
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return new Response("invalid json", { status: 400 });
    }
    const events = (Array.isArray(body) ? body : [body]) as { message?: { id?: string } }[];
    const shardCount = Number(env.SHARD_COUNT);
    const groups = new Map<number, { messageId: string; body: string }[]>();
    for (const event of events) {
      const messageId = String(event.message?.id ?? "");
      const index = shardIndexFor(messageId, shardCount);
      const group = groups.get(index) ?? [];
      group.push({ messageId, body: JSON.stringify(event) });
      groups.set(index, group);
    }
    await Promise.all(
      [...groups].map(([index, group]) =>
        env.SHARD.get(env.SHARD.idFromName(`shard-${index}`)).store(group),
      ),
    );
    return Response.json({ accepted: events.length });
  },
} satisfies ExportedHandler<Env>;
