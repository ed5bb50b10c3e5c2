/**
 * Baseline for the accept benchmark: POST -> parse JSON -> group the events by
 * FNV-1a(message.id) % SHARD_COUNT -> one RPC per shard, which inserts the events in its
 * SQLite table -> 200. No auth, validation, normalization, dedupe or delivery bookkeeping:
 * what is left is the cost every accept path pays under `wrangler dev`.
 *
 * With FORWARD_URL set it is also the least a relay that forwards each event must do: an alarm
 * posts the stored events in id order, 50 a run and 6 at a time (the relay's batch and
 * concurrency), each as its own request, and moves a cursor past a batch once all of it was
 * answered 2xx (at least once; no signing, attempts, retries policy or per-event status).
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  SHARD: DurableObjectNamespace<Shard>;
  SHARD_COUNT: string;
  FORWARD_URL?: string;
}

const FORWARD_BATCH = 50;
const FORWARD_CONCURRENCY = 6;

export class Shard extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS events (
         id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, message_id TEXT, body TEXT NOT NULL)`,
    );
  }

  async store(events: { messageId: string; body: string }[]): Promise<number> {
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
    if (this.env.FORWARD_URL && !this.alarmSet) {
      this.alarmSet = true;
      await this.ctx.storage.setAlarm(Date.now());
    }
    return events.length;
  }

  private alarmSet = false;
  /** Rows up to this id were forwarded (kept in memory and in KV). */
  private forwarded: number | null = null;

  override async alarm(): Promise<void> {
    const url = this.env.FORWARD_URL as string;
    const storage = this.ctx.storage;
    this.forwarded ??= storage.kv.get<number>("forwarded") ?? 0;
    const rows = storage.sql
      .exec<{ id: number; body: string }>(
        "SELECT id, body FROM events WHERE id > ? ORDER BY id LIMIT ?",
        this.forwarded,
        FORWARD_BATCH,
      )
      .toArray();
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++] as { id: number; body: string };
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: row.body,
        }).catch(() => null);
        await res?.body?.cancel();
        if (!res?.ok) failed = true;
      }
    };
    await Promise.all(Array.from({ length: FORWARD_CONCURRENCY }, worker));
    const last = rows.at(-1);
    if (!failed && last) {
      this.forwarded = last.id;
      storage.kv.put("forwarded", last.id);
    }
    // More stored meanwhile, or a failure to retry: run again; else the next store sets it.
    const more =
      failed ||
      storage.sql.exec("SELECT 1 FROM events WHERE id > ? LIMIT 1", this.forwarded).toArray()
        .length > 0;
    if (more) await storage.setAlarm(Date.now() + (failed ? 1000 : 0));
    else this.alarmSet = false;
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
