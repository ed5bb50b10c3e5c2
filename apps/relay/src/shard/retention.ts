import type { ArchiveQueue } from "../media/archive-queue.ts";
import type { EventStore } from "./event-store.ts";

/** How many events one run purges, so a large purge never starves deliveries. */
const PURGE_BATCH = 500;

/** What one purge did. */
export interface Purge {
  purged: number;
  /** R2 keys of media copies no remaining event references: delete them after the commit. */
  orphanedMedia: string[];
  /** When the next event expires; null when the shard holds none. */
  nextWakeAt: number | null;
}

/**
 * Retention: an event is deleted with its deliveries, attempts and media rows once it has been
 * settled (no delivery pending) for the retention period; an event with a pending delivery is
 * never purged. Synchronous: the caller runs `purgeDue` in one transaction.
 */
export class Retention {
  constructor(
    private readonly sql: SqlStorage,
    private readonly store: EventStore,
    private readonly archive: ArchiveQueue,
    private readonly retentionMs: number,
  ) {}

  /** Deletes one batch of expired events. */
  purgeDue(now: number): Purge {
    const ids = this.sql
      .exec<{ id: string }>(
        `SELECT id FROM events WHERE settled_at IS NOT NULL AND settled_at <= ? AND status != 'pending'
         LIMIT ?`,
        now - this.retentionMs,
        PURGE_BATCH,
      )
      .toArray()
      .map((r) => r.id);
    let orphanedMedia: string[] = [];
    if (ids.length > 0) {
      const list = JSON.stringify(ids);
      orphanedMedia = this.archive.forget(list);
      for (const table of ["attempts", "deliveries"]) {
        this.sql.exec(
          `DELETE FROM ${table} WHERE event_id IN (SELECT value FROM json_each(?))`,
          list,
        );
      }
      this.sql.exec("DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))", list);
      this.store.bump("purged", ids.length);
    }
    return { purged: ids.length, orphanedMedia, nextWakeAt: this.nextWake() };
  }

  /**
   * When the oldest settled event expires; null when the shard holds none. The WHERE changes
   * nothing in the answer (MIN skips NULLs) but lets SQLite use the partial index
   * `events_settled`: without it the query scans every event, at the end of every alarm.
   */
  nextWake(): number | null {
    const oldest = this.sql
      .exec<{ at: number | null }>(
        "SELECT MIN(settled_at) AS at FROM events WHERE settled_at IS NOT NULL",
      )
      .one().at;
    return oldest === null ? null : oldest + this.retentionMs;
  }

  hasEvents(): boolean {
    return this.sql.exec("SELECT 1 FROM events LIMIT 1").toArray().length > 0;
  }
}
