/**
 * JSON as lines that know their field's dot path ("message.to.1", the relay's issue format),
 * so the raw/normalized view can highlight what normalization changed and what validation
 * refused, line by line, without a diff library.
 */

export interface JsonLine {
  indent: number;
  text: string;
  /** The dot path of the value this line shows; "" for the root and closing brackets. */
  path: string;
}

export function toLines(value: unknown): JsonLine[] {
  const lines: JsonLine[] = [];
  const walk = (v: unknown, path: string, indent: number, prefix: string, comma: string) => {
    if (v !== null && typeof v === "object") {
      const isArray = Array.isArray(v);
      const entries: [string, unknown][] = isArray
        ? (v as unknown[]).map((x, i) => [String(i), x])
        : Object.entries(v as Record<string, unknown>);
      const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
      if (entries.length === 0) {
        lines.push({ indent, text: `${prefix}${open}${close}${comma}`, path });
        return;
      }
      lines.push({ indent, text: `${prefix}${open}`, path });
      entries.forEach(([key, child], i) => {
        const childPath = path ? `${path}.${key}` : key;
        const childPrefix = isArray ? "" : `${JSON.stringify(key)}: `;
        walk(child, childPath, indent + 1, childPrefix, i < entries.length - 1 ? "," : "");
      });
      lines.push({ indent, text: `${close}${comma}`, path });
      return;
    }
    lines.push({ indent, text: `${prefix}${JSON.stringify(v)}${comma}`, path });
  };
  walk(value, "", 0, "", "");
  return lines;
}

/** Leaf paths and their JSON, to compare two documents field by field. */
function leaves(value: unknown, path = "", out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value)
      ? value.map((x, i) => [String(i), x] as const)
      : Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(path, JSON.stringify(value));
    for (const [key, child] of entries) leaves(child, path ? `${path}.${key}` : key, out);
  } else out.set(path, JSON.stringify(value));
  return out;
}

/** Paths whose value differs between `a` and `b`, or exists on one side only. */
export function changedPaths(a: unknown, b: unknown): Set<string> {
  const left = leaves(a);
  const right = leaves(b);
  const changed = new Set<string>();
  for (const [path, value] of left) if (right.get(path) !== value) changed.add(path);
  for (const path of right.keys()) if (!left.has(path)) changed.add(path);
  return changed;
}

/** Whether `path` is, or is inside, one of `paths` (an issue on "message" marks its fields). */
export function touches(path: string, paths: Iterable<string>): boolean {
  for (const p of paths) {
    if (p === "" ? path === "" : path === p || path.startsWith(`${p}.`)) return true;
  }
  return false;
}

/**
 * Issues at paths the document does not have (a required field left out): each is shown on the
 * line of its nearest existing parent, as "missing: id". Maps that parent's path to the
 * missing names, relative to it.
 */
export function missingByParent(
  lines: JsonLine[],
  issues: Iterable<string>,
): Map<string, string[]> {
  const present = new Set(lines.map((line) => line.path));
  const out = new Map<string, string[]>();
  for (const path of issues) {
    if (path === "" || present.has(path)) continue;
    let parent = path;
    do parent = parent.includes(".") ? parent.slice(0, parent.lastIndexOf(".")) : "";
    while (parent !== "" && !present.has(parent));
    const name = parent === "" ? path : path.slice(parent.length + 1);
    out.set(parent, [...(out.get(parent) ?? []), name]);
  }
  return out;
}
