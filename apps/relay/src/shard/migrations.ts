/**
 * The EventShard's SQLite schema, as numbered migrations applied in the constructor.
 * Documented table by table in the app README ("Storage schema"). Never edit a shipped
 * migration: append a new one.
 */
export const SHARD_MIGRATIONS: readonly string[] = [
  // 1: events, their deliveries and every attempt.
  `
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL,
    type TEXT,
    message_id TEXT,
    direction TEXT,
    owner TEXT,
    application_id TEXT,
    status TEXT NOT NULL,
    settled_at INTEGER,
    raw TEXT NOT NULL,
    normalized TEXT,
    issues TEXT
  );
  CREATE INDEX events_recent ON events (received_at DESC, id DESC);
  CREATE INDEX events_by_type ON events (type, received_at DESC, id DESC);
  CREATE INDEX events_by_status ON events (status, received_at DESC, id DESC);
  CREATE INDEX events_by_owner ON events (owner, received_at DESC, id DESC);
  CREATE INDEX events_by_message ON events (message_id, received_at DESC, id DESC);
  CREATE INDEX events_settled ON events (settled_at) WHERE settled_at IS NOT NULL;

  CREATE TABLE deliveries (
    event_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    message_id TEXT,
    status TEXT NOT NULL,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    total_attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_status_code INTEGER,
    last_error TEXT,
    delivered_at INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, target_id)
  );
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX deliveries_order ON deliveries (target_id, message_id, seq) WHERE status = 'pending';
  CREATE INDEX deliveries_by_target ON deliveries (target_id, status);

  CREATE TABLE attempts (
    event_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at INTEGER NOT NULL,
    status_code INTEGER,
    duration_ms INTEGER NOT NULL,
    error TEXT,
    response_excerpt TEXT,
    PRIMARY KEY (event_id, target_id, attempt)
  );

  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `,
  // 2: copies of inbound media in R2 (MEDIA_ARCHIVE=r2), one row per event and media URL.
  `
  CREATE TABLE media (
    event_id TEXT NOT NULL,
    url TEXT NOT NULL,
    archive_key TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_error TEXT,
    PRIMARY KEY (event_id, url)
  );
  CREATE INDEX media_due ON media (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX media_by_key ON media (archive_key);
  `,
  // 3: the due scan runs per target (one lane per target in a delivery run).
  `
  CREATE INDEX deliveries_due_by_target ON deliveries (target_id, next_attempt_at, seq)
    WHERE status = 'pending';
  `,
  // 4: leaner indexes, because every accept writes them. The per-filter listing indexes drop
  // the id (each index entry carries the rowid anyway; ties on received_at are sorted in the
  // few rows they cover); the status index only holds the rare statuses worth finding
  // (pending, stored and delivered events are the recent ones, found by scanning newest
  // first); the all-targets due index gave way to the per-target one of migration 3.
  `
  DROP INDEX events_by_type;
  DROP INDEX events_by_owner;
  DROP INDEX events_by_status;
  DROP INDEX deliveries_due;
  CREATE INDEX events_by_type ON events (type, received_at);
  CREATE INDEX events_by_owner ON events (owner, received_at);
  CREATE INDEX events_troubled ON events (status, received_at)
    WHERE status IN ('quarantined', 'failed', 'dead');
  `,
  // 5: the W3C traceparent of each event (continuing the inbound request's trace), sent on
  // every delivery so a target's logs join the relay's.
  `
  ALTER TABLE events ADD COLUMN trace_parent TEXT;
  `,
];

/** The statuses `events_troubled` indexes; a listing filter on one of them names the set. */
export const TROUBLED_STATUSES = ["quarantined", "failed", "dead"] as const;

/** Applies the migrations not yet applied; the version lives in `_schema`. */
export function migrate(sql: SqlStorage, migrations: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM _schema").toArray()[0];
  let version = row?.version ?? 0;
  if (!row) sql.exec("INSERT INTO _schema (version) VALUES (0)");
  while (version < migrations.length) {
    sql.exec(migrations[version] as string);
    version += 1;
    sql.exec("UPDATE _schema SET version = ?", version);
  }
}
