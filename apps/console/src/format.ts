/** Small formatting helpers shared by the views (no date library: Intl does it). */

const timeFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

/** "12 ms", "3.4 s", "5 min", "2.1 h": durations and ages at a glance. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)} %`;
}

/** In how long (or how long ago) `iso` is, for "next retry in 4 s". */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const delta = new Date(iso).getTime() - now;
  return delta >= 0 ? `in ${formatMs(delta)}` : `${formatMs(-delta)} ago`;
}

/** The value of an `<input type="datetime-local">` as the ISO string the API takes. */
export function localInputToIso(value: string): string {
  return value ? new Date(value).toISOString() : "";
}

/** The reverse: an ISO time as a local `datetime-local` value. */
export function isoToLocalInput(iso: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
