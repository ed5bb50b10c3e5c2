import type { DeliveryTarget, TargetsSnapshot } from "../targets/model.ts";

/** Pushed snapshots keep shards current; this is how old a copy may get before a re-read. */
export const SNAPSHOT_TTL_MS = 30_000;

/** Where the cache keeps its copy across restarts (the shard's own KV storage). */
export interface SnapshotStorage {
  get(key: "targets"): TargetsSnapshot | undefined;
  put(key: "targets", value: TargetsSnapshot): void;
}

/**
 * A shard's copy of the targets. The Config object pushes every new version (`apply`); the
 * copy is also kept in storage, so a cold shard routes without a round trip, and re-read with
 * `load` once older than SNAPSHOT_TTL_MS in case a push was missed. Older versions never
 * replace newer ones.
 */
export class TargetCache {
  private snapshot: TargetsSnapshot | null;
  private readAt = 0;
  private loading: Promise<TargetsSnapshot> | null = null;

  constructor(
    private readonly load: () => Promise<TargetsSnapshot>,
    private readonly storage: SnapshotStorage,
    /** Keeps a background re-read alive past the request that started it. */
    private readonly inBackground: (work: Promise<unknown>) => void,
  ) {
    this.snapshot = storage.get("targets") ?? null;
  }

  /** The copy as it is, if any: no I/O. */
  get current(): TargetsSnapshot | null {
    return this.snapshot;
  }

  /**
   * For the accept path, which must not wait on the Config object: the copy at once (a stale
   * one is re-read in the background); only a shard that never had one waits for a read.
   */
  async forAccept(): Promise<TargetsSnapshot> {
    if (!this.snapshot) return this.reload();
    if (this.isStale()) this.inBackground(this.reload().catch(() => {}));
    return this.snapshot;
  }

  /**
   * For delivery and replay, which may wait: a stale copy is re-read first, and kept when the
   * read fails (sending to what we know beats not sending).
   */
  async forDelivery(): Promise<TargetsSnapshot> {
    if (this.snapshot && !this.isStale()) return this.snapshot;
    try {
      return await this.reload();
    } catch (err) {
      if (this.snapshot) return this.snapshot;
      throw err;
    }
  }

  /**
   * Takes a pushed snapshot unless it is older than the copy; returns the copy it replaced
   * (null on first sight), or undefined when the push was ignored.
   */
  apply(snapshot: TargetsSnapshot): TargetsSnapshot | null | undefined {
    if (this.snapshot && this.snapshot.version > snapshot.version) return undefined;
    const before = this.snapshot;
    this.keep(snapshot);
    return before;
  }

  /**
   * A target answered 410: stop sending to it here at once, until the Config object's next
   * snapshot (which disables it) arrives. Only this copy in memory changes.
   */
  markGone(targetId: string): void {
    if (!this.snapshot) return;
    this.snapshot = {
      ...this.snapshot,
      targets: this.snapshot.targets.map(
        (t): DeliveryTarget =>
          t.id === targetId ? { ...t, enabled: false, state: "disabled" } : t,
      ),
    };
  }

  private isStale(): boolean {
    return Date.now() - this.readAt > SNAPSHOT_TTL_MS;
  }

  private keep(snapshot: TargetsSnapshot): void {
    this.snapshot = snapshot;
    this.readAt = Date.now();
    this.storage.put("targets", snapshot);
  }

  /** One read at a time; concurrent callers share it. */
  private reload(): Promise<TargetsSnapshot> {
    this.loading ??= this.load()
      .then((fresh) => {
        if (!this.snapshot || fresh.version >= this.snapshot.version) this.keep(fresh);
        else this.readAt = Date.now();
        return this.snapshot ?? fresh;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}

/**
 * What a new snapshot changes for the deliveries held here: the targets sendable now that were
 * not (resumed, re-enabled, circuit closed; on first sight, every sendable one) and whether any
 * was deleted.
 */
export function targetChanges(
  before: TargetsSnapshot | null,
  after: TargetsSnapshot,
): { resumed: string[]; removed: boolean } {
  const sendableBefore = new Set(before?.targets.filter(isSendable).map((t) => t.id));
  const ids = new Set(after.targets.map((t) => t.id));
  return {
    resumed: after.targets
      .filter((t) => isSendable(t) && !sendableBefore.has(t.id))
      .map((t) => t.id),
    removed: before?.targets.some((t) => !ids.has(t.id)) ?? false,
  };
}

/** A target a shard sends to: enabled and neither paused, disabled nor circuit-open. */
export function isSendable(target: DeliveryTarget): boolean {
  return target.enabled && target.state === "active";
}

/** An open circuit whose next probe is due: one delivery goes out, whatever its backoff. */
export function isProbeDue(target: DeliveryTarget, now: number): boolean {
  return target.enabled && target.state === "circuit_open" && (target.probeAt ?? 0) <= now;
}
