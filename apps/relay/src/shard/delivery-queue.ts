/** A delivery due to be sent, with the event body it sends. */
export interface DueDelivery extends Record<string, SqlStorageValue> {
  event_id: string;
  target_id: string;
  /** Attempts in this round (counts against maxAttempts). */
  attempt_count: number;
  /** Attempts over the delivery's whole life. */
  total_attempts: number;
  normalized: string;
  trace_parent: string | null;
}

/**
 * The read side of a shard's pending deliveries, for the delivery run and the alarm: what is
 * due, and when something will be. Read-only; every query is served by a partial index on
 * pending deliveries (migrations 1 and 3).
 */
export class DeliveryQueue {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * A target's deliveries due by `dueBy`, oldest first. Only the oldest pending delivery of
   * each message is eligible: a later event of a message waits until the earlier one is
   * delivered, failed or dead.
   */
  dueFor(targetId: string, dueBy: number, limit: number): DueDelivery[] {
    return this.sql
      .exec<DueDelivery>(
        `SELECT d.event_id, d.target_id, d.attempt_count, d.total_attempts, e.normalized, e.trace_parent
         FROM deliveries d JOIN events e ON e.id = d.event_id
         WHERE d.target_id = ?1 AND d.status = 'pending' AND d.next_attempt_at <= ?2
           AND NOT EXISTS (
             SELECT 1 FROM deliveries p
             WHERE p.target_id = ?1 AND p.status = 'pending'
               AND p.message_id = d.message_id AND p.seq < d.seq)
         ORDER BY d.next_attempt_at, d.seq
         LIMIT ?3`,
        targetId,
        dueBy,
        limit,
      )
      .toArray();
  }

  /** The earliest moment a pending delivery to one of these targets is due, or null. */
  nextDueAt(targetIds: readonly string[]): number | null {
    if (targetIds.length === 0) return null;
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(next_attempt_at) AS at FROM deliveries
         WHERE status = 'pending' AND target_id IN (SELECT value FROM json_each(?))`,
        JSON.stringify(targetIds),
      )
      .one().at;
  }

  hasPending(targetId?: string): boolean {
    const rows =
      targetId === undefined
        ? this.sql.exec("SELECT 1 FROM deliveries WHERE status = 'pending' LIMIT 1")
        : this.sql.exec(
            "SELECT 1 FROM deliveries WHERE target_id = ? AND status = 'pending' LIMIT 1",
            targetId,
          );
    return rows.toArray().length > 0;
  }

  /**
   * Pending deliveries whose target is none of `targetIds` (it was deleted), a batch at most.
   * The targets with pending deliveries are found by a skip scan of the pending index (one
   * lookup per target), so the cost does not grow with the backlog.
   */
  orphans(targetIds: readonly string[], limit: number): { eventId: string; targetId: string }[] {
    const known = new Set(targetIds);
    const gone = this.pendingTargets().filter((id) => !known.has(id));
    const found: { eventId: string; targetId: string }[] = [];
    for (const targetId of gone) {
      if (found.length >= limit) break;
      const rows = this.sql
        .exec<{ event_id: string }>(
          "SELECT event_id FROM deliveries WHERE target_id = ? AND status = 'pending' LIMIT ?",
          targetId,
          limit - found.length,
        )
        .toArray();
      for (const row of rows) found.push({ eventId: row.event_id, targetId });
    }
    return found;
  }

  /** Every target with a pending delivery: MIN, then the next one after it, and so on. */
  private pendingTargets(): string[] {
    return this.sql
      .exec<{ id: string }>(
        `WITH RECURSIVE t(id) AS (
           SELECT MIN(target_id) FROM deliveries WHERE status = 'pending'
           UNION ALL
           SELECT (SELECT MIN(target_id) FROM deliveries WHERE status = 'pending' AND target_id > t.id)
           FROM t WHERE t.id IS NOT NULL
         )
         SELECT id FROM t WHERE id IS NOT NULL`,
      )
      .toArray()
      .map((r) => r.id);
  }

  /** Failed or dead deliveries (of one target, if given) in their original order. */
  finished(
    status: "failed" | "dead",
    targetId?: string,
  ): { eventId: string; targetId: string; messageId: string | null }[] {
    const rows =
      targetId === undefined
        ? this.sql.exec<{ event_id: string; target_id: string; message_id: string | null }>(
            "SELECT event_id, target_id, message_id FROM deliveries WHERE status = ? ORDER BY seq",
            status,
          )
        : this.sql.exec<{ event_id: string; target_id: string; message_id: string | null }>(
            "SELECT event_id, target_id, message_id FROM deliveries WHERE status = ? AND target_id = ? ORDER BY seq",
            status,
            targetId,
          );
    return rows
      .toArray()
      .map((r) => ({ eventId: r.event_id, targetId: r.target_id, messageId: r.message_id }));
  }
}
