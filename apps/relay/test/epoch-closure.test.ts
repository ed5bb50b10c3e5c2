import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardStub } from "../src/bindings.ts";
import { mayHold } from "../src/epochs/key-filter.ts";
import { EpochClosure } from "../src/shard/epoch-closure.ts";
import { relayEnv, T0, useRelayTestState } from "./helpers.ts";

useRelayTestState();

const HOUR = 3_600_000;

/** A shard's storage with `messages` stored (one event each), and its statements counted. */
async function inShard<T>(
  messages: string[],
  work: (sql: SqlStorage, kv: SyncKvStorage, statements: () => number) => T,
): Promise<T> {
  return runInDurableObject(shardStub(relayEnv, "shard-0"), (_i, state) => {
    for (const [i, m] of messages.entries()) {
      state.storage.sql.exec(
        "INSERT INTO events (id, received_at, message_id, status, raw) VALUES (?, ?, ?, 'stored', '')",
        `evt_${i}`,
        T0,
        m,
      );
    }
    let count = 0;
    const counted = {
      exec: (query: string, ...bindings: unknown[]) => {
        count += 1;
        return state.storage.sql.exec(query, ...bindings);
      },
    } as unknown as SqlStorage;
    return work(counted, state.storage.kv, () => count);
  });
}

describe("a closed shard's key filter", () => {
  it("is given only once the shard knows it is closed, and holds its messages", async () => {
    await inShard(["m-1", "m-2", "m-3"], (sql, kv) => {
      const closure = new EpochClosure(sql, kv);
      expect(closure.keyFilter(T0)).toBeNull();
      closure.learn(T0);
      const filter = closure.keyFilter(T0);
      expect(filter).not.toBeNull();
      for (const m of ["m-1", "m-2", "m-3"]) expect(mayHold(filter as never, m)).toBe(true);
      // Remembered by the next object life, as the closure is.
      expect(new EpochClosure(sql, kv).keyFilter(T0)).not.toBeNull();
    });
  });

  it("is not built for too many keys, and they are not counted again for an hour", async () => {
    await inShard(["m-1", "m-2", "m-3", "m-4", "m-5"], (sql, kv, statements) => {
      const closure = new EpochClosure(sql, kv, 3);
      closure.learn(T0);
      expect(closure.keyFilter(T0)).toBeNull();
      const scanned = statements();
      expect(closure.keyFilter(T0 + HOUR - 1)).toBeNull();
      expect(statements()).toBe(scanned);
      // Purged down to what a filter is built for: an hour on, it is.
      sql.exec("DELETE FROM events WHERE message_id IN ('m-4', 'm-5')");
      const filter = closure.keyFilter(T0 + HOUR);
      expect(filter && mayHold(filter, "m-3")).toBe(true);
    });
  });
});
