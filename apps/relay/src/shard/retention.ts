import type { ArchiveQueue } from "../media/archive-queue.ts";
import type { EventStore } from "./event-store.ts";

/** How many events one run purges, so a large purge never starves deliveries. */
const PURGE_BATCH = 500;

/**
 * Retention: an event is deleted with its deliveries, attempts and media rows once it has been
 * settled (no delivery pending) for the retention period; an event with a pending delivery is
 * never purged. Archived media no remaining event references goes with it.
 */
export class Retention {
  constructor(
    private readonly sql: SqlStorage,
    private readonly store: EventStore,
    private readonly archive: ArchiveQueue,
    private readonly transaction: (work: () => void) => void,
    private readonly bucket: R2Bucket | undefined,
    private readonly retentionMs: number,
  ) {}

  /** Purges one batch of expired events; resolves to when the next one expires (or null). */
  async purge(now: number): Promise<number | null> {
    const ids = this.sql
      .exec<{ id: string }>(
        `SELECT id FROM events WHERE settled_at IS NOT NULL AND settled_at <= ? AND status != 'pending'
         LIMIT ?`,
        now - this.retentionMs,
        PURGE_BATCH,
      )
      .toArray()
      .map((r) => r.id);
    if (ids.length > 0) {
      const list = JSON.stringify(ids);
      let orphaned: string[] = [];
      this.transaction(() => {
        orphaned = this.archive.forget(list);
        for (const table of ["attempts", "deliveries"]) {
          this.sql.exec(
            `DELETE FROM ${table} WHERE event_id IN (SELECT value FROM json_each(?))`,
            list,
          );
        }
        this.sql.exec("DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))", list);
        this.store.bump("purged", ids.length);
      });
      // The media copies go with the events. If this delete fails the alarm is retried, but
      // the rows are gone: an orphaned object costs storage, never correctness.
      if (orphaned.length > 0 && this.bucket) await this.bucket.delete(orphaned);
    }
    return this.nextWake();
  }

  /** When the oldest settled event expires; null when the shard holds none. */
  nextWake(): number | null {
    const oldest = this.sql
      .exec<{ at: number | null }>("SELECT MIN(settled_at) AS at FROM events")
      .one().at;
    return oldest === null ? null : oldest + this.retentionMs;
  }

  hasEvents(): boolean {
    return this.sql.exec("SELECT 1 FROM events LIMIT 1").toArray().length > 0;
  }
}
