/**
 * Which shard holds a message: FNV-1a of `message.id`, so every event of one message lands in
 * one single-threaded shard (what makes per-message ordering possible). A change of the count
 * opens a new shard epoch rather than re-hashing anything (src/epochs/model.ts).
 */
export function shardIndexFor(key: string, shardCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shardCount;
}
