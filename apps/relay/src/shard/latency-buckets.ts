/**
 * Attempt durations in fixed buckets, so shards can add theirs up and the Worker can tell a
 * percentile without moving every attempt: the upper bounds in milliseconds, the last one
 * open-ended. A percentile is reported as the bound of the bucket it falls in.
 */
export const LATENCY_BUCKETS_MS = [
  10,
  25,
  50,
  100,
  250,
  500,
  1_000,
  2_500,
  5_000,
  10_000,
  30_000,
  Number.POSITIVE_INFINITY,
] as const;

/** The SQL expression of a duration's bucket index (0-based), for GROUP BY. */
export const LATENCY_BUCKET_SQL = `CASE ${LATENCY_BUCKETS_MS.slice(0, -1)
  .map((bound, i) => `WHEN duration_ms <= ${bound} THEN ${i}`)
  .join(" ")} ELSE ${LATENCY_BUCKETS_MS.length - 1} END`;

/** Adds bucket counts of several shards. */
export function addBuckets(into: number[], from: readonly number[]): number[] {
  for (const [i, n] of from.entries()) into[i] = (into[i] ?? 0) + n;
  return into;
}

/** The upper bound of the bucket holding the `q` quantile (0..1); null without attempts. */
export function quantileBound(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const [i, n] of buckets.entries()) {
    seen += n;
    if (seen >= rank) {
      const bound = LATENCY_BUCKETS_MS[i] ?? Number.POSITIVE_INFINITY;
      // The open-ended bucket: all that can be said is "over the last bound".
      return Number.isFinite(bound) ? bound : (LATENCY_BUCKETS_MS.at(-2) ?? 0);
    }
  }
  return null;
}
