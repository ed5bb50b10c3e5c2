/** What normalization changed: the paths where the event as received and as forwarded differ. */

export interface Change {
  path: string;
  kind: "changed" | "added" | "removed";
  raw?: unknown;
  normalized?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Differences between two JSON values, depth-first, at most `limit` of them. */
export function diffJson(raw: unknown, normalized: unknown, limit = 100): Change[] {
  const changes: Change[] = [];
  // An explicit stack: a quarantined event may nest deeper than recursion should go.
  const stack: [string, unknown, unknown][] = [["", raw, normalized]];
  while (stack.length > 0 && changes.length < limit) {
    const [path, a, b] = stack.pop() as [string, unknown, unknown];
    const join = (k: string | number) => (path === "" ? String(k) : `${path}.${k}`);
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].reverse();
      for (const k of keys) {
        if (!(k in b)) changes.push({ path: join(k), kind: "removed", raw: a[k] });
        else if (!(k in a)) changes.push({ path: join(k), kind: "added", normalized: b[k] });
        else stack.push([join(k), a[k], b[k]]);
      }
    } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      for (let i = a.length - 1; i >= 0; i--) stack.push([join(i), a[i], b[i]]);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      changes.push({ path: path || "(event)", kind: "changed", raw: a, normalized: b });
    }
  }
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

const short = (v: unknown) => {
  const text = JSON.stringify(v) ?? "undefined";
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
};

export function describeChange(c: Change): string {
  if (c.kind === "removed") return `${c.path}: ${short(c.raw)} → (removed)`;
  if (c.kind === "added") return `${c.path}: (absent) → ${short(c.normalized)}`;
  return `${c.path}: ${short(c.raw)} → ${short(c.normalized)}`;
}

/** Two JSON documents side by side, each cut to half the terminal's width. */
export function sideBySide(
  left: unknown,
  right: unknown,
  columns: number,
  titles: [string, string],
): string[] {
  const width = Math.max(20, Math.floor((columns - 3) / 2));
  const cell = (s: string) => (s.length > width ? `${s.slice(0, width - 1)}…` : s.padEnd(width));
  const a = [titles[0], ...(JSON.stringify(left, null, 2) ?? "null").split("\n")];
  const b = [titles[1], ...(JSON.stringify(right, null, 2) ?? "null").split("\n")];
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    lines.push(`${cell(a[i] ?? "")} │ ${cell(b[i] ?? "").trimEnd()}`.trimEnd());
  }
  return lines;
}
