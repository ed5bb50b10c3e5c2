import { type RelayEnv, readSettings } from "../config.ts";
import { currentEpoch, liveEpochs, type ShardEpoch } from "./model.ts";

/** The SHARD_COUNT setting as one Worker version read it, with that version's upload time. */
export interface SettingReport {
  shardCount: number;
  /** The version's upload time (ms; the version metadata binding), 0 when unknown. */
  versionAt: number;
}

/** The SHARD_COUNT this Worker version reads, and when the version was uploaded. */
export function settingReport(env: RelayEnv): SettingReport {
  const stamp = Date.parse(env.CF_VERSION_METADATA?.timestamp ?? "");
  return {
    shardCount: readSettings(env).shardCount,
    versionAt: Number.isFinite(stamp) ? stamp : 0,
  };
}

/** Why a new epoch was not opened. */
export type OpenRefusal = "unchanged" | "too_many_live";

/**
 * Each live epoch adds a step to the accept path of a message it does not know; beyond this
 * many, a change waits for the oldest to retire.
 */
export const MAX_LIVE_EPOCHS = 4;

const HISTORY = "shard-epochs";
const SETTING = "shard-count-setting";

/**
 * The shard epochs, kept by the Config object (one writer, so every Worker reads one history).
 * Synchronous over its KV storage: nothing here awaits.
 */
export class EpochHistory {
  constructor(private readonly kv: SyncKvStorage) {}

  all(): ShardEpoch[] {
    return this.kv.get<ShardEpoch[]>(HISTORY) ?? [];
  }

  /**
   * The history, begun from the setting on first use. A later change of the setting opens an
   * epoch once, when a Worker version *newer* than the one that last set it reports it: during
   * a gradual deployment (or after a rollback) an older version still reads the old value,
   * and must not undo the change. A count set by the admin call stays until the setting
   * changes again.
   */
  sync(report: SettingReport, now: number): ShardEpoch[] {
    const history = this.all();
    if (history.length === 0) {
      const first: ShardEpoch = {
        epoch: 0,
        shardCount: report.shardCount,
        since: 0,
        retiredAt: null,
      };
      this.kv.put(HISTORY, [first]);
      this.kv.put(SETTING, report);
      return [first];
    }
    const last = this.kv.get<SettingReport>(SETTING);
    if (last && report.versionAt <= last.versionAt) return history;
    if (!last || report.shardCount !== last.shardCount) {
      if (this.open(report.shardCount, now) === "too_many_live") {
        // Not remembered as applied: the next report tries again.
        console.warn(
          `SHARD_COUNT=${report.shardCount} waits: ${MAX_LIVE_EPOCHS} shard epochs are live; it applies once the oldest retires`,
        );
        return history;
      }
    }
    this.kv.put(SETTING, report);
    return this.all();
  }

  /** Opens an epoch of `shardCount` shards for the messages first seen from `now` on. */
  open(shardCount: number, now: number): ShardEpoch | OpenRefusal {
    const history = this.all();
    const current = currentEpoch(history);
    if (current.shardCount === shardCount) return "unchanged";
    if (liveEpochs(history).length >= MAX_LIVE_EPOCHS) return "too_many_live";
    const opened: ShardEpoch = {
      epoch: current.epoch + 1,
      shardCount,
      // Strictly after the previous one, whatever the clock says.
      since: Math.max(now, current.since + 1),
      retiredAt: null,
    };
    this.kv.put(HISTORY, [...history, opened]);
    return opened;
  }

  /** Retires a closed epoch whose shards are empty; never the newest. */
  retire(epoch: number, now: number): boolean {
    const history = this.all();
    const found = history.find((e) => e.epoch === epoch);
    if (!found || found.retiredAt !== null || found === currentEpoch(history)) return false;
    this.kv.put(
      HISTORY,
      history.map((e) => (e.epoch === epoch ? { ...e, retiredAt: now } : e)),
    );
    return true;
  }
}
