/**
 * Counts the rows every SQL statement of this isolate writes and reads (the cursors' own
 * figures, the units SQLite-backed Durable Objects are billed in) from `startTally` until
 * `stop()`. `sql` is any shard's `state.storage.sql`: the counting wraps its prototype's exec,
 * shared by every object of the isolate.
 */
export function startTally(sql: SqlStorage): { stop(): { written: number; read: number } } {
  const proto = Object.getPrototypeOf(sql);
  const exec = proto.exec as SqlStorage["exec"];
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  proto.exec = function (this: SqlStorage, query: string, ...bindings: unknown[]) {
    const cursor = exec.call(this, query, ...bindings);
    cursors.push(cursor);
    return cursor;
  };
  return {
    stop() {
      proto.exec = exec;
      return cursors.reduce(
        (t, c) => ({ written: t.written + c.rowsWritten, read: t.read + c.rowsRead }),
        { written: 0, read: 0 },
      );
    },
  };
}
