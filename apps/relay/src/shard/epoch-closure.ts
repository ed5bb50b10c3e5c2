import { buildKeyFilter, type KeyFilter, MAX_FILTER_KEYS } from "../epochs/key-filter.ts";
import type { IngestRecord } from "./types.ts";

const CLOSED_AT = "epoch-closed-at";
/** A shard with too many keys for a filter counts them again after this long (purges shrink it). */
const RECOUNT_AFTER_MS = 3_600_000;

/**
 * When this shard's epoch stopped taking new messages, as far as the shard has been told
 * (src/epochs/model.ts). Once closed, it stores only events of messages it already holds and
 * declines the rest, which the Worker offers to the next epoch. Remembered: a Worker that has
 * not yet read the newer epoch still cannot start a message here, so a message's events never
 * split between epochs, whichever instance routes them.
 */
export class EpochClosure {
  private closedAt: number | null;
  /** Built once closed; still true after purges, since a closed shard takes no new key. */
  private filter: KeyFilter | null = null;
  /** When the keys were last found too many for a filter: counted again an hour later. */
  private tooManyAt: number | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly kv: SyncKvStorage,
    /** The most keys a filter is built for (a parameter for tests). */
    private readonly maxFilterKeys = MAX_FILTER_KEYS,
  ) {
    this.closedAt = kv.get<number>(CLOSED_AT) ?? null;
  }

  /** Takes an end the caller knows of; the earliest one told is kept. */
  learn(openUntil: number | null | undefined): void {
    if (openUntil === null || openUntil === undefined) return;
    if (this.closedAt !== null && this.closedAt <= openUntil) return;
    this.closedAt = openUntil;
    this.kv.put(CLOSED_AT, openUntil);
  }

  isClosed(now: number): boolean {
    return this.closedAt !== null && now >= this.closedAt;
  }

  /**
   * The records this shard stores now, and the ids of those it declines: while open, all are
   * taken; once closed, those of a message (or, without a message id, an event) it holds.
   * One indexed lookup per distinct message.
   */
  split(
    records: readonly IngestRecord[],
    now: number,
  ): { taken: IngestRecord[]; declined: string[] } {
    if (!this.isClosed(now)) return { taken: [...records], declined: [] };
    const known = new Map<string, boolean>();
    const taken: IngestRecord[] = [];
    const declined: string[] = [];
    for (const record of records) {
      const key = record.messageId ?? `id:${record.id}`;
      let holds = known.get(key);
      if (holds === undefined) {
        holds = this.holds(record);
        known.set(key, holds);
      }
      if (holds) taken.push(record);
      else declined.push(record.id);
    }
    return { taken, declined };
  }

  /**
   * A filter of every key this shard holds (epochs/key-filter.ts), once it is closed; null
   * while open or when it holds more keys than a filter is built for. Two index scans
   * (`events_by_message`), once per object life (or an hour after finding too many keys).
   */
  keyFilter(now: number): KeyFilter | null {
    if (!this.isClosed(now)) return null;
    if (this.filter) return this.filter;
    if (this.tooManyAt !== null && now - this.tooManyAt < RECOUNT_AFTER_MS) return null;
    const keys: string[] = [];
    const scan = (cursor: Iterable<{ k: string }>) => {
      for (const { k } of cursor) {
        keys.push(k);
        if (keys.length > this.maxFilterKeys) return false;
      }
      return true;
    };
    const complete =
      scan(
        this.sql.exec<{ k: string }>(
          "SELECT DISTINCT message_id AS k FROM events WHERE message_id IS NOT NULL",
        ),
      ) &&
      scan(
        this.sql.exec<{ k: string }>(
          "SELECT 'id:' || id AS k FROM events WHERE message_id IS NULL",
        ),
      );
    if (!complete) {
      // Every Worker instance asks every 15 s: the scan must not run each time.
      this.tooManyAt = now;
      return null;
    }
    this.filter = buildKeyFilter(keys);
    return this.filter;
  }

  private holds(record: IngestRecord): boolean {
    const row =
      record.messageId === null
        ? this.sql.exec("SELECT 1 FROM events WHERE id = ? LIMIT 1", record.id)
        : this.sql.exec("SELECT 1 FROM events WHERE message_id = ? LIMIT 1", record.messageId);
    return row.toArray().length > 0;
  }
}
