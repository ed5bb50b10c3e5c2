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
  /**
   * The answer of the last `nextWake`, kept: undefined until asked. Until that moment nothing
   * can expire, since an event settles at the time it settles, never earlier than the oldest
   * one; a purge or an unsettled event only makes the true answer later (an early wake that
   * looks again). So the alarm, which runs after every delivery, skips the purge's two queries
   * until then. Forgotten after a purge that deleted something (see purgeDue).
   */
  private expiresAt: number | null | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly store: EventStore,
    private readonly archive: ArchiveQueue,
    private readonly retentionMs: number,
  ) {}

  /** Deletes one batch of expired events. */
  purgeDue(now: number): Purge {
    if (typeof this.expiresAt === "number" && now < this.expiresAt) {
      return { purged: 0, orphanedMedia: [], nextWakeAt: this.expiresAt };
    }
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
    const nextWakeAt = this.nextWake();
    // Not kept after deleting: if this transaction did not commit, the answer would be wrong.
    if (ids.length > 0) this.expiresAt = undefined;
    return { purged: ids.length, orphanedMedia, nextWakeAt };
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
    this.expiresAt = oldest === null ? null : oldest + this.retentionMs;
    return this.expiresAt;
  }

  hasEvents(): boolean {
    return this.sql.exec("SELECT 1 FROM events LIMIT 1").toArray().length > 0;
  }
}
