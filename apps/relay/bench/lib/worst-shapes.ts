/**
 * Hostile but authenticated `POST /callbacks` bodies for bench/worst-case.ts: each one as large
 * as the body limit allows (or as deep as named), built as strings, so nothing here recurses.
 * Every body is ASCII (surrogates are JSON escapes), so its length is its size in bytes.
 */

export interface Shape {
  name: string;
  /** What the body holds, one line. */
  what: string;
  body: string;
}

const TIME = "2026-01-01T00:00:00Z";

/** head + item(0) + "," + item(1)… + tail, with as many items as fit in `limit` bytes. */
function fill(limit: number, head: string, tail: string, item: (i: number) => string) {
  const parts: string[] = [head];
  let size = head.length + tail.length;
  let count = 0;
  for (;;) {
    const next = (count === 0 ? "" : ",") + item(count);
    if (size + next.length > limit) break;
    parts.push(next);
    size += next.length;
    count += 1;
  }
  parts.push(tail);
  return { body: parts.join(""), count };
}

/** `[{"type","time","message":{"id",…, <open> items… <close>}}]`, filled up to `limit`. */
function inMessage(
  limit: number,
  id: string,
  open: string,
  close: string,
  item: (i: number) => string,
) {
  const head = `[{"type":"message-received","time":"${TIME}","message":{"id":"${id}","direction":"in",${open}`;
  return fill(limit, head, `${close}}}]`, item);
}

/** A valid event with `"x": <value>` beside its message. */
function validWith(id: string, value: string): string {
  return `[{"type":"message-received","time":"${TIME}","message":{"id":"${id}"},"x":${value}}]`;
}

const arrays = (depth: number, inner = "") => "[".repeat(depth) + inner + "]".repeat(depth);
const objects = (depth: number) => `${'{"a":'.repeat(depth)}0${"}".repeat(depth)}`;
const ODD = ["null", "1", "{}", "[]", "true", '{"url":1}'];

type Built = [string, (n: number) => string, { body: string; count: number }];

/** Single events that are valid however large, of `size` bytes; names end with `suffix`. */
function validBig(size: number, suffix: string, id: (name: string) => string): Built[] {
  const one = (
    name: string,
    what: (n: number) => string,
    open: string,
    close: string,
    item: (i: number) => string,
  ): Built => [
    `${name}${suffix}`,
    what,
    inMessage(size, id(`${name}${suffix}`), open, close, item),
  ];
  return [
    one(
      "to-strings",
      (n) => `one event, message.to = ${n} strings`,
      '"to":[',
      "]",
      (i) => `"+1${i}"`,
    ),
    one(
      "unknown-1e308",
      (n) => `valid event, unknown field = ${n} x (-)1e308`,
      '"x":[',
      "]",
      (i) => (i % 2 ? "-1e308" : "1e308"),
    ),
    one(
      "message-many-keys",
      (n) => `valid event, message has ${n} more distinct keys`,
      "",
      "",
      (i) => `"k${i}":${i}`,
    ),
    one(
      "unknown-many-keys",
      (n) => `valid event, unknown object of ${n} distinct keys`,
      '"x":{',
      "}",
      (i) => `"k${i}":${i}`,
    ),
    one(
      "long-text",
      (n) => `valid event, message.text of ${n} x 1 KB chunks`,
      '"text":"',
      '"',
      () => "x".repeat(1023),
    ),
    one(
      "lone-surrogates",
      (n) => `valid event, message.text = ${n} lone surrogates`,
      '"text":"',
      '"',
      (i) => (i % 2 ? "\\udfff" : "\\ud800"),
    ),
  ];
}

/** Every shape, for a relay whose MAX_BODY_BYTES is `limit`; `run` keeps message ids unique. */
export function worstShapes(limit: number, run: string): Shape[] {
  const id = (name: string) => `wc-${run}-${name}`;
  const built: Built[] = [
    [
      "to-numbers",
      (n) => `one event, message.to = ${n} numbers`,
      inMessage(limit, id("to-numbers"), '"to":[', "]", (i) => String(1_000_000 + i)),
    ],
    [
      "media-non-strings",
      (n) => `one event, message.media = ${n} non-strings`,
      inMessage(limit, id("media"), '"media":[', "]", (i) => ODD[i % ODD.length] ?? "null"),
    ],
    [
      "to-1e308",
      (n) => `one event, message.to = ${n} x 1e308`,
      inMessage(limit, id("to-1e308"), '"to":[', "]", () => "1e308"),
    ],
    ...validBig(limit, "", id),
    // The same at 3/4 of the limit: under a relay's own cap on a stored event, if it has one,
    // so that validation, normalization and storage run on them rather than a size check.
    ...validBig(Math.floor(limit * 0.75), "-3/4", id),
    [
      "surrogate-ids",
      (n) => `${n} events, lone surrogates in type and message.id`,
      fill(
        limit,
        "[",
        "]",
        (i) => `{"type":"m\\ud800${i}","time":"${TIME}","message":{"id":"s\\udc00${i}"}}`,
      ),
    ],
    [
      "batch-valid",
      (n) => `${n} small valid events (distinct ids)`,
      fill(
        limit,
        "[",
        "]",
        (i) => `{"type":"message-delivered","time":"${TIME}","message":{"id":"${id("b")}${i}"}}`,
      ),
    ],
    [
      "batch-invalid",
      (n) => `${n} small invalid events (no type/time)`,
      fill(limit, "[", "]", (i) => `{"message":{"id":"${id("q")}${i}","to":1}}`),
    ],
    [
      "batch-numbers",
      (n) => `${n} events that are bare numbers`,
      fill(limit, "[", "]", (i) => String(i % 10)),
    ],
    [
      "invalid-deep-3000",
      () => "no type/time/message.id, field 3,000 arrays deep",
      { body: `[{"x":${arrays(3_000)}}]`, count: 0 },
    ],
    [
      "invalid-deep-100000",
      () => "no type/time/message.id, field 100,000 arrays deep",
      { body: `[{"x":${arrays(100_000)}}]`, count: 0 },
    ],
    [
      "valid-deep-5000",
      () => "valid event, unknown field 5,000 arrays deep",
      { body: validWith(id("deep"), arrays(5_000)), count: 0 },
    ],
    [
      "valid-deep-obj-5000",
      () => "valid event, unknown field 5,000 objects deep",
      { body: validWith(id("deep-obj"), objects(5_000)), count: 0 },
    ],
    [
      "deep-message-to",
      () => "valid event, message.to a string 5,000 arrays deep",
      {
        body: `[{"type":"message-received","time":"${TIME}","message":{"id":"${id("dto")}","to":${arrays(5_000, '"+1"')}}}]`,
        count: 0,
      },
    ],
    ["nested-10000", () => "body = 10,000 nested arrays", { body: arrays(10_000), count: 0 }],
    [
      "nested-max",
      (n) => `body = ${n} nested arrays (the whole limit)`,
      { body: arrays(Math.floor(limit / 2)), count: Math.floor(limit / 2) },
    ],
  ];
  return built.map(([name, what, { body, count }]) => {
    if (body.length > limit) throw new Error(`shape ${name}: ${body.length} bytes > ${limit}`);
    return { name, what: what(count), body };
  });
}
