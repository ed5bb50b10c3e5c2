import type { RelayEnv } from "../config.ts";
import { backoffCeilingMs } from "../delivery/policy.ts";
import {
  ARCHIVE_BATCH,
  ARCHIVE_MAX_ATTEMPTS,
  ARCHIVE_RETRY_BASE_MS,
  copyToArchive,
} from "./archive.ts";

/**
 * A shard's queue of inbound media to copy into R2 (`MEDIA_ARCHIVE=r2`): one row per event and
 * media URL in the shard's `media` table. Copies are made by the alarm, a bounded batch per
 * run, never on the accept path; a copy shared by several events is made once.
 */
export class ArchiveQueue {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: RelayEnv,
  ) {}

  /** Queues an event's media for copying (synchronous: part of the ingest transaction). */
  enqueue(eventId: string, media: readonly { url: string; key: string }[], now: number): number {
    for (const item of media) {
      this.sql.exec(
        `INSERT INTO media (event_id, url, archive_key, status, next_attempt_at)
         VALUES (?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING`,
        eventId,
        item.url,
        item.key,
        now,
      );
    }
    return media.length;
  }

  /**
   * Copies what is due; a failure is retried with backoff until ARCHIVE_MAX_ATTEMPTS, or at
   * once given up when retrying cannot help. Resolves to the next moment a copy is due.
   */
  async run(now: number): Promise<number | null> {
    if (!this.env.MEDIA) return null;
    const due = this.sql
      .exec<{ event_id: string; url: string; archive_key: string; attempts: number }>(
        `SELECT event_id, url, archive_key, attempts FROM media
         WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
        now,
        ARCHIVE_BATCH,
      )
      .toArray();
    const copied = new Set<string>();
    for (const row of due) {
      const done = copied.has(row.archive_key) || this.isArchived(row.archive_key);
      const outcome = done
        ? { ok: true as const }
        : await copyToArchive(this.env, row.url, row.archive_key);
      const attempts = row.attempts + 1;
      if (outcome.ok) {
        copied.add(row.archive_key);
        this.sql.exec(
          "UPDATE media SET status = 'archived', attempts = ?, next_attempt_at = NULL, last_error = NULL WHERE event_id = ? AND url = ?",
          attempts,
          row.event_id,
          row.url,
        );
      } else {
        const giveUp = !outcome.retry || attempts >= ARCHIVE_MAX_ATTEMPTS;
        this.sql.exec(
          "UPDATE media SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE event_id = ? AND url = ?",
          giveUp ? "failed" : "pending",
          attempts,
          giveUp ? null : Date.now() + backoffCeilingMs(attempts, ARCHIVE_RETRY_BASE_MS, 2),
          outcome.error,
          row.event_id,
          row.url,
        );
      }
    }
    return this.nextWake();
  }

  /** When the next copy is due; null when none is pending or there is no bucket. */
  nextWake(): number | null {
    if (!this.env.MEDIA) return null;
    return this.sql
      .exec<{ at: number | null }>(
        "SELECT MIN(next_attempt_at) AS at FROM media WHERE status = 'pending'",
      )
      .one().at;
  }

  hasPending(): boolean {
    return (
      this.sql.exec("SELECT 1 FROM media WHERE status = 'pending' LIMIT 1").toArray().length > 0
    );
  }

  /**
   * Drops the media rows of purged events (synchronous: part of the purge transaction) and
   * returns the R2 keys no remaining event references, to delete after the commit.
   */
  forget(eventIdsJson: string): string[] {
    const keys = this.sql
      .exec<{ archive_key: string }>(
        "SELECT DISTINCT archive_key FROM media WHERE event_id IN (SELECT value FROM json_each(?))",
        eventIdsJson,
      )
      .toArray()
      .map((r) => r.archive_key);
    this.sql.exec(
      "DELETE FROM media WHERE event_id IN (SELECT value FROM json_each(?))",
      eventIdsJson,
    );
    return keys.filter(
      (key) =>
        this.sql.exec("SELECT 1 FROM media WHERE archive_key = ? LIMIT 1", key).toArray().length ===
        0,
    );
  }

  private isArchived(key: string): boolean {
    return (
      this.sql
        .exec("SELECT 1 FROM media WHERE archive_key = ? AND status = 'archived' LIMIT 1", key)
        .toArray().length > 0
    );
  }
}
