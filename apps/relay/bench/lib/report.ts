/** Small helpers for figures and plain-text tables. */

/** The p-th percentile (0..100) of already sorted values, nearest rank; null when empty. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

export type Percentiles = {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
};

/** p50, p90, p99 and max of unsorted values, rounded to 0.1; nulls when empty. */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (v: number | null) => round(v, 1);
  return {
    p50: r(percentile(sorted, 50)),
    p90: r(percentile(sorted, 90)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted.at(-1) ?? null),
  };
}

export function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

/** Least-squares slope of y over x (per unit of x); 0 with fewer than two points. */
export function slope(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const mx = mean(points.map((p) => p[0]));
  const my = mean(points.map((p) => p[1]));
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export function round(value: number | null, digits = 1): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Prints a titled table; numbers right-aligned, null as "-". */
export function printTable(title: string, head: string[], rows: (string | number | null)[][]) {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === null ? "-" : String(c))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[], header: boolean) =>
    r
      .map((c, i) => {
        const numeric = !header && /^-?[\d.]+(%|x| ms)?$/.test(c);
        return numeric ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0);
      })
      .join("  ");
  console.log(`\n${title}`);
  console.log(line(head, true));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells.slice(1)) console.log(line(r, false));
}
