/** Numeric knobs from the environment, shared by the benchmarks and the chaos run. */

/**
 * `process.env[name]` as a number, or `fallback` when unset or empty. Refuses a value that is
 * not a finite number, or below `min` (without `min`: not positive).
 */
export function envNumber(name: string, fallback: number, min?: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  const ok = Number.isFinite(value) && (min === undefined ? value > 0 : value >= min);
  if (!ok) {
    throw new Error(
      `${name} must be ${min === undefined ? "a positive number" : `a number >= ${min}`}`,
    );
  }
  return value;
}
