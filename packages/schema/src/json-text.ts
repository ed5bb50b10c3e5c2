/**
 * JSON helpers that never recurse, so no sender controls the stack depth: the runtime's own
 * JSON.stringify and structuredClone give up ("Maximum call stack size exceeded") on values a
 * few thousand levels deep, which JSON.parse reads without complaint.
 */

import { isJsonObject } from "./patterns.ts";

interface Frame {
  /** Object keys to write (null for an array). */
  keys: string[] | null;
  values: unknown[];
  next: number;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
const omitted = (value: unknown) =>
  value === undefined || typeof value === "function" || typeof value === "symbol";

/**
 * The JSON text of a value, as JSON.stringify writes it for JSON data (plain objects, arrays,
 * strings, finite numbers, booleans, null), at any depth; with `sortKeys`, object keys in
 * code-unit order (a canonical form). `undefined` alone gives "null".
 */
export function jsonText(root: unknown, options: { sortKeys?: boolean } = {}): string {
  const parts: string[] = [];
  const stack: Frame[] = [];
  const write = (value: unknown): void => {
    if (Array.isArray(value)) {
      parts.push("[");
      stack.push({ keys: null, values: value, next: 0 });
    } else if (isJsonObject(value)) {
      const keys = Object.keys(value).filter((k) => !omitted(value[k]));
      if (options.sortKeys) keys.sort();
      parts.push("{");
      stack.push({ keys, values: keys.map((k) => value[k]), next: 0 });
    } else {
      parts.push(omitted(value) ? "null" : (JSON.stringify(value) ?? "null"));
    }
  };
  write(root);
  for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
    if (frame.next === frame.values.length) {
      parts.push(frame.keys ? "}" : "]");
      stack.pop();
      continue;
    }
    const i = frame.next++;
    if (i > 0) parts.push(",");
    if (frame.keys) parts.push(JSON.stringify(frame.keys[i]), ":");
    write(frame.values[i]);
  }
  return parts.join("");
}

/** True when arrays and objects nest more than `limit` levels deep (a scalar is level 0). */
export function nestsDeeperThan(root: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[root, 0]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, depth] = item;
    const children = Array.isArray(value)
      ? value
      : isJsonObject(value)
        ? Object.values(value)
        : null;
    if (!children) continue;
    if (depth + 1 > limit) return true;
    for (const child of children) {
      if (typeof child === "object" && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
