/** Human times: `--since 2h`, `--until 2026-11-30T12:00Z`; short renderings of times and durations. */
import { InvalidArgumentError } from "commander";
import { usageError } from "./errors.ts";

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `15m`, `2h`, `1d`, `1w` (also combined: `1h30m`) as milliseconds; null if not one. */
export function parseDuration(text: string): number | null {
  const parts = text.trim().match(/^(\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/);
  if (!parts) return null;
  let total = 0;
  for (const [, n, unit] of text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(n) * (UNITS[unit as string] ?? 0);
  }
  return total;
}

/**
 * A point in time: a duration back from now (`2h` = two hours ago), `now`, an ISO-8601 date or
 * date-time, or unix milliseconds. Returns epoch milliseconds.
 */
export function parseTime(text: string, now = Date.now()): number {
  const value = text.trim();
  if (value === "now") return now;
  const duration = parseDuration(value);
  if (duration !== null) return now - duration;
  if (/^\d{10,}$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw usageError(
      `"${text}" is not a time: use a duration back from now (30m, 2h, 1d), an ISO-8601 date-time or unix milliseconds`,
    );
  }
  return parsed;
}

export function durationOption(name: string) {
  return (text: string): number => {
    const ms = parseDuration(text);
    if (ms === null) {
      throw new InvalidArgumentError(`${name} must be a duration such as 500ms, 30s, 5m or 1h.`);
    }
    return ms;
  };
}

/** 350ms, 1.2s, 3m 5s, 2h 10m, 3d 4h. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)}ms`;
  if (abs < 60_000) return `${(abs / 1000).toFixed(abs < 10_000 ? 1 : 0)}s`;
  if (abs < 3_600_000) return `${Math.floor(abs / 60_000)}m ${Math.floor((abs % 60_000) / 1000)}s`;
  if (abs < 86_400_000) {
    return `${Math.floor(abs / 3_600_000)}h ${Math.floor((abs % 3_600_000) / 60_000)}m`;
  }
  return `${Math.floor(abs / 86_400_000)}d ${Math.floor((abs % 86_400_000) / 3_600_000)}h`;
}

/** "in 5.0s" or "3m 2s ago". */
export function relative(iso: string | number, now = Date.now()): string {
  const t = typeof iso === "number" ? iso : Date.parse(iso);
  const delta = t - now;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

const two = (n: number) => String(n).padStart(2, "0");

/** Local time: HH:MM:SS today, else YYYY-MM-DD HH:MM:SS. */
export function formatTime(iso: string | number, now = Date.now()): string {
  const d = new Date(iso);
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return clock;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock}`;
}
