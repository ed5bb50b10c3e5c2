/**
 * A Bloom filter of the keys a closed epoch's shard holds (message ids, or `id:<event id>` for
 * events without one), so the Worker can send a new message straight to the newest epoch
 * instead of first asking every closed shard whether it knows it (docs/scaling.md). A key it
 * holds is always reported (no false negatives); about one in a hundred it does not hold is
 * reported too, and then the shard is asked as before. Built by the shard once it knows it is
 * closed: from then on it takes no new key, so the filter stays true while its events are
 * purged.
 */
export interface KeyFilter {
  /** m = bits.length × 8 bits. */
  bits: Uint8Array;
  /** k: how many bits each key sets. */
  hashes: number;
}

/** 10 bits a key and 7 hashes: about 0.8 % false positives. */
const BITS_PER_KEY = 10;
const HASHES = 7;
/** Larger filters are not built (the shard is asked instead): at most 1 MiB each. */
export const MAX_FILTER_KEYS = Math.floor((8 * 1_048_576) / BITS_PER_KEY);

/** The key a record is known by in a closed shard (as EpochClosure.split looks it up). */
export function recordKey(record: { id: string; messageId: string | null }): string {
  return record.messageId ?? `id:${record.id}`;
}

export function buildKeyFilter(keys: readonly string[]): KeyFilter {
  const bytes = Math.max(8, Math.ceil((keys.length * BITS_PER_KEY) / 8));
  const filter: KeyFilter = { bits: new Uint8Array(bytes), hashes: HASHES };
  for (const key of keys) {
    forEachBit(filter, key, (bit) => {
      filter.bits[bit >>> 3] = (filter.bits[bit >>> 3] as number) | (1 << (bit & 7));
      return true;
    });
  }
  return filter;
}

/** False only when the shard certainly does not hold `key`. */
export function mayHold(filter: KeyFilter, key: string): boolean {
  return forEachBit(
    filter,
    key,
    (bit) => ((filter.bits[bit >>> 3] as number) & (1 << (bit & 7))) !== 0,
  );
}

/**
 * Visits the key's k bits (double hashing, g_i = h1 + i·h2 mod m) while `visit` says true;
 * true when every bit was visited. Linear in the key's length.
 */
function forEachBit(filter: KeyFilter, key: string, visit: (bit: number) => boolean): boolean {
  const m = filter.bits.length * 8;
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  h1 = mix(h1);
  h2 = mix(h2) | 1; // odd: never a step of 0
  for (let i = 0; i < filter.hashes; i++) {
    const bit = ((h1 + Math.imul(i, h2)) >>> 0) % m;
    if (!visit(bit)) return false;
  }
  return true;
}

/** MurmurHash3's finalizer: spreads FNV's weak low bits over the word. */
function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
