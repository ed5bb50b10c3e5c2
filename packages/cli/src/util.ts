/** Small async helpers every long-running command shares. */

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Ids already handled, forgotten oldest-first beyond `max` so a long session stays small. */
export class SeenSet {
  private readonly ids = new Set<string>();
  private readonly max: number;

  constructor(max = 10_000) {
    this.max = max;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds `id`; false when it was there already. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}
