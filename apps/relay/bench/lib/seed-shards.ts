/**
 * Seeds a stopped relay's shards with stored events, written straight into their SQLite files
 * with `node:sqlite` (the cost curve, bench/cost-curve.ts): posting a million callbacks would
 * take the better part of an hour on this machine. The relay must have run on the state first,
 * so that every shard's file exists, is migrated and holds a few events of its own; and it
 * must be stopped (wrangler and workerd gone) while this runs.
 *
 * What a seeded row looks like is what the relay itself writes for the benchmark's callbacks
 * (`callbackEvent` of lib/load.ts, stored as `raw` "" and `normalized` JSON, since normalizing
 * changes nothing in them), in the state a relay holds at steady state:
 *
 * - `received_at` evenly spread over the retention window ending now, oldest first, so the
 *   oldest ones expire one after the other while the benchmark runs, at the rate the relay
 *   must have taken them in (a million over 48 h: 5.8/s), and the purge keeps running as it
 *   does in a relay that has been up for longer than its retention;
 * - settled: without a target, `stored` (settled when stored); with one, a delivery and its
 *   attempts per event, mostly delivered at the first attempt (1 % after a 503 and a retry,
 *   0.4 % failed on a 400), settled when its delivery ended; 0.1 % quarantined either way;
 * - the counters, the next delivery sequence number (KV `seq`) and the alarm as the relay
 *   would have left them: the alarm set for when the oldest settled event expires (or kept if
 *   it is earlier), both in the shard's own metadata and in the local alarm scheduler's.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { deserialize, serialize } from "node:v8";
import { shardIndexFor } from "../../src/shard/sharding.ts";
import { callbackEvent } from "./load.ts";
import { mulberry32 } from "./random.ts";

/** A shard's SQLite file in a `--persist-to` directory. */
export interface ShardFile {
  /** The Durable Object id: the file's name without `.sqlite`. */
  actorId: string;
  path: string;
  /** Its index by FNV-1a(message.id) % SHARD_COUNT, learnt from the events it holds. */
  index: number;
  /** The object's name (`__miniflare_do_name`), which the alarm scheduler also keeps. */
  name: string;
}

export interface SeedOptions {
  /** The relay's `--persist-to` directory. */
  stateDir: string;
  shardCount: number;
  /** Events to add, over all shards. */
  count: number;
  /** The relay's RETENTION_HOURS, in ms: the window the events are spread over. */
  retentionMs: number;
  /** The target the events were delivered to; null: a relay without targets. */
  targetId: string | null;
  /** Keeps message ids unique across seedings. */
  prefix: string;
}

export interface SeedResult {
  added: number;
  byStatus: Record<string, number>;
  perShard: number[];
  ms: number;
  /** Total size of the shards' files (with their WAL) after the seeding, bytes. */
  bytes: number;
}

// The relay's own placement; `shardFiles` checks it against where the relay put events.
export { shardIndexFor };

function doDir(stateDir: string): string {
  const root = join(stateDir, "v3", "do");
  const name = existsSync(root) ? readdirSync(root).find((d) => d.endsWith("-EventShard")) : null;
  if (!name) throw new Error(`no EventShard storage under ${root}: has the relay run on it?`);
  return join(root, name);
}

/**
 * The shards' files, each with its index, learnt from the message ids it holds: every file
 * must hold events of exactly one index, and every index must have a file. Fails otherwise
 * (a shard that has stored nothing yet, or a relay that no longer places events this way).
 */
export function shardFiles(stateDir: string, shardCount: number): ShardFile[] {
  const dir = doDir(stateDir);
  const files: ShardFile[] = [];
  for (const name of readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f))) {
    const path = join(dir, name);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const indexes = new Set(
        db
          .prepare("SELECT message_id FROM events WHERE message_id IS NOT NULL LIMIT 100")
          .all()
          .map((r) => shardIndexFor(String(r.message_id), shardCount)),
      );
      if (indexes.size !== 1) {
        throw new Error(
          `${name} holds events of shard indexes [${[...indexes]}]: expected exactly one ` +
            "(does the relay still place events by FNV-1a(message.id) % SHARD_COUNT?)",
        );
      }
      const objectName = db.prepare("SELECT name FROM __miniflare_do_name").get()?.name;
      files.push({
        actorId: name.slice(0, -".sqlite".length),
        path,
        index: [...indexes][0] ?? 0,
        name: String(objectName ?? ""),
      });
    } finally {
      db.close();
    }
  }
  const found = new Set(files.map((f) => f.index));
  if (files.length !== shardCount || found.size !== shardCount) {
    throw new Error(
      `expected ${shardCount} shard files with an event each, found ${files.length} ` +
        `covering indexes [${[...found].sort((a, b) => a - b)}]`,
    );
  }
  return files.sort((a, b) => a.index - b.index);
}

/**
 * Waits until no process holds a file of the shards open: a stopped `wrangler dev` lets go of
 * its port a moment before its workerd has closed the databases. Linux (/proc) only; elsewhere
 * it returns at once, and SQLite's busy timeout is all that waits.
 */
export async function waitShardFilesClosed(stateDir: string, timeoutMs = 30_000): Promise<void> {
  if (!existsSync("/proc/self/fd")) return;
  const dir = doDir(stateDir);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const holders: string[] = [];
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue; // gone, or not ours to read
      }
      for (const fd of fds) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(dir)) {
            holders.push(pid);
            break;
          }
        } catch {
          // closed meanwhile
        }
      }
    }
    if (holders.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`processes ${holders.join(", ")} still hold the shards' files open`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Events stored over all shards. */
export function countStoredEvents(files: readonly ShardFile[]): number {
  let total = 0;
  for (const f of files) {
    const db = new DatabaseSync(f.path, { readOnly: true });
    total += Number(db.prepare("SELECT COUNT(*) AS n FROM events").get()?.n ?? 0);
    db.close();
  }
  return total;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

interface Statements {
  event: ReturnType<DatabaseSync["prepare"]>;
  delivery: ReturnType<DatabaseSync["prepare"]>;
  attempt: ReturnType<DatabaseSync["prepare"]>;
}

interface OpenShard {
  file: ShardFile;
  db: DatabaseSync;
  st: Statements;
  seq: number;
  added: number;
  counters: Map<string, number>;
  /** The alarm as set after the seeding (ns since the epoch), null when none. */
  alarmAt: bigint | null;
}

/** Adds `count` settled events across the shards (see the module comment for their shape). */
export function seedShards(opts: SeedOptions): SeedResult {
  const started = performance.now();
  const files = shardFiles(opts.stateDir, opts.shardCount);
  const shards: OpenShard[] = files.map((file) => {
    const db = new DatabaseSync(file.path, { timeout: 10_000 });
    db.exec("PRAGMA synchronous = OFF");
    db.exec("BEGIN");
    const seqBlob = db.prepare("SELECT value FROM _cf_KV WHERE key = 'seq'").get()?.value;
    return {
      file,
      db,
      seq: seqBlob instanceof Uint8Array ? (deserialize(seqBlob) as number) : 1,
      added: 0,
      counters: new Map(),
      alarmAt: null,
      st: {
        event: db.prepare(
          `INSERT INTO events (id, received_at, type, message_id, direction, owner, application_id,
             status, settled_at, raw, normalized, issues, trace_parent)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ),
        delivery: db.prepare(
          `INSERT INTO deliveries (event_id, target_id, seq, message_id, status, attempt_count,
             total_attempts, next_attempt_at, last_status_code, last_error, delivered_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
        ),
        attempt: db.prepare(
          `INSERT INTO attempts (event_id, target_id, attempt, at, status_code, duration_ms, error,
             response_excerpt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ),
      },
    };
  });
  const bump = (shard: OpenShard, name: string) =>
    shard.counters.set(name, (shard.counters.get(name) ?? 0) + 1);
  const byStatus: Record<string, number> = {};
  // Seeded with the size, so two seedings of one size write the same mix.
  const random = mulberry32(opts.count);
  const now = Date.now();
  const step = opts.retentionMs / Math.max(1, opts.count);
  try {
    for (let i = 0; i < opts.count; i++) {
      const receivedAt = Math.floor(now - opts.retentionMs + (i + 0.5) * step);
      const event = callbackEvent(i + 1, opts.prefix, receivedAt);
      const messageId = event.message.id;
      const shard = shards[shardIndexFor(messageId, opts.shardCount)] as OpenShard;
      const id = `evt_${hex(16)}`;
      const traceParent = `00-${hex(16)}-${hex(8)}-01`;
      const roll = random();
      // The event's row: what differs between the kinds is its status, settling and payload.
      const insertEvent = (
        status: string,
        settledAt: number,
        raw: string,
        normalized: string | null,
        issues: string | null,
      ) =>
        shard.st.event.run(
          id,
          receivedAt,
          event.type,
          messageId,
          event.message.direction,
          event.message.owner,
          event.message.applicationId,
          status,
          settledAt,
          raw,
          normalized,
          issues,
          traceParent,
        );
      let status: string;
      let settledAt = receivedAt;
      if (roll < 0.001) {
        // Quarantined: stored as received, with its issues, never delivered.
        status = "quarantined";
        const raw = { ...event, message: { ...event.message, time: "yesterday" } };
        insertEvent(
          status,
          settledAt,
          JSON.stringify(raw),
          null,
          JSON.stringify({
            issues: [{ path: "message.time", message: "Invalid ISO 8601 date-time" }],
            count: 1,
          }),
        );
        bump(shard, "quarantined");
      } else if (opts.targetId === null) {
        status = "stored";
        insertEvent(status, settledAt, "", JSON.stringify(event), null);
        bump(shard, "accepted");
      } else {
        // One delivery to the target: its attempts, then the event settled when it ended.
        const attempts: { at: number; code: number; ms: number; excerpt: string | null }[] = [];
        let at = receivedAt + 1 + Math.floor(random() * 15);
        const kind = roll < 0.005 ? "failed" : roll < 0.015 ? "retried" : "delivered";
        if (kind === "retried") {
          const ms = 5 + Math.floor(random() * 40);
          attempts.push({ at, code: 503, ms, excerpt: "Service Unavailable" });
          at += ms + 1_000 + Math.floor(random() * 4_000); // the first backoff (RETRY_BASE_MS 5 s)
        }
        const ms = 2 + Math.floor(random() * 28);
        attempts.push(
          kind === "failed"
            ? { at, code: 400, ms, excerpt: '{"error":"unsupported event"}' }
            : { at, code: 204, ms, excerpt: null },
        );
        const last = attempts.at(-1) ?? { at, code: 204, ms, excerpt: null };
        const endedAt = last.at + last.ms;
        settledAt = endedAt;
        status = kind === "failed" ? "failed" : "delivered";
        insertEvent(status, settledAt, "", JSON.stringify(event), null);
        shard.st.delivery.run(
          id,
          opts.targetId,
          shard.seq++,
          messageId,
          status,
          attempts.length,
          attempts.length,
          last.code,
          kind === "failed" ? "HTTP 400" : null,
          kind === "failed" ? null : endedAt,
          endedAt,
        );
        for (const [n, a] of attempts.entries()) {
          shard.st.attempt.run(
            id,
            opts.targetId,
            n + 1,
            a.at,
            a.code,
            a.ms,
            a.code >= 300 ? `HTTP ${a.code}` : null,
            a.excerpt,
          );
        }
        bump(shard, "accepted");
        if (kind === "retried") bump(shard, "deliveries_retried");
        bump(shard, kind === "failed" ? "deliveries_failed" : "deliveries_delivered");
      }
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      shard.added += 1;
    }
    for (const shard of shards) finishShard(shard, opts);
  } catch (err) {
    for (const shard of shards) {
      if (shard.db.isOpen && shard.db.isTransaction) shard.db.exec("ROLLBACK");
    }
    throw err;
  } finally {
    for (const shard of shards) if (shard.db.isOpen) shard.db.close();
  }
  setSchedulerAlarms(doDir(opts.stateDir), shards);
  let bytes = 0;
  for (const f of files) {
    for (const suffix of ["", "-wal"]) {
      if (existsSync(f.path + suffix)) bytes += statSync(f.path + suffix).size;
    }
  }
  return {
    added: opts.count,
    byStatus,
    perShard: shards.map((s) => s.added),
    ms: performance.now() - started,
    bytes,
  };
}

/** Counters, KV `seq` and the shard's own alarm; commits. */
function finishShard(shard: OpenShard, opts: SeedOptions): void {
  const { db } = shard;
  const bump = db.prepare(
    "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
  );
  for (const [name, n] of shard.counters) bump.run(name, n);
  if (opts.targetId !== null) {
    db.prepare(
      "INSERT INTO _cf_KV (key, value) VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(serialize(shard.seq));
  }
  // As the relay's alarm leaves it: due when the oldest settled event expires (Retention's
  // nextWake), or earlier if something else already needs it earlier (a "no-later" rule).
  const oldest = db
    .prepare("SELECT MIN(settled_at) AS at FROM events WHERE settled_at IS NOT NULL")
    .get()?.at;
  const readBig = db.prepare("SELECT value FROM _cf_METADATA WHERE key = 1");
  readBig.setReadBigInts(true);
  const current = readBig.get()?.value;
  let alarm =
    oldest === null || oldest === undefined ? null : ns(Number(oldest) + opts.retentionMs);
  if (typeof current === "bigint" && (alarm === null || current < alarm)) alarm = current;
  if (alarm !== null) {
    db.prepare(
      "INSERT INTO _cf_METADATA (key, value) VALUES (1, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(alarm);
  }
  db.exec("COMMIT");
  shard.alarmAt = alarm;
}

/** workerd's local alarm scheduler keeps its own copy of each object's alarm: keep it equal. */
function setSchedulerAlarms(dir: string, shards: readonly OpenShard[]): void {
  const db = new DatabaseSync(join(dir, "metadata.sqlite"), { timeout: 10_000 });
  try {
    const upsert = db.prepare(
      `INSERT INTO _cf_ALARM (actor_id, scheduled_time, actor_name) VALUES (?, ?, ?)
       ON CONFLICT (actor_id) DO UPDATE SET scheduled_time = excluded.scheduled_time`,
    );
    for (const { file, alarmAt } of shards) {
      if (alarmAt !== null) upsert.run(file.actorId, alarmAt, file.name);
    }
  } finally {
    db.close();
  }
}
