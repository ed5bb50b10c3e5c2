/**
 * How commands print: aligned tables and colour on a terminal, plain aligned text when piped
 * or with NO_COLOR, and JSON with --json. Results go to stdout; warnings, errors and progress
 * go to stderr, so `bw-relay … --json | jq` always reads clean JSON.
 */
import Table from "cli-table3";
import pc from "picocolors";
import type { Io } from "./io.ts";

export type Colors = ReturnType<typeof pc.createColors>;

/** --no-color and NO_COLOR turn colour off; FORCE_COLOR turns it on; else only on a terminal. */
export function wantsColor(io: Io, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  return Boolean(io.stdout.isTTY) && io.env.TERM !== "dumb";
}

// A borderless table (kubectl-style): columns two spaces apart, easy to read and to `grep`.
const PLAIN_CHARS = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};

export class Output {
  readonly io: Io;
  readonly json: boolean;
  readonly c: Colors;

  constructor(io: Io, json: boolean, color: boolean) {
    this.io = io;
    this.json = json;
    this.c = pc.createColors(color);
  }

  /** One line of human output (nothing in --json mode). */
  line(text = ""): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** Diagnostic lines: stderr, in every mode. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.io.stderr.write(`${this.c.yellow("warning:")} ${text}\n`);
  }

  error(text: string): void {
    this.io.stderr.write(`${this.c.red("error:")} ${text}\n`);
  }

  /** A command's whole result in --json mode, pretty-printed. */
  data(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One record of a stream (tail, listen, --follow) in --json mode: one line each. */
  record(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** An aligned table; `right` lists the columns to right-align (numbers). */
  table(head: string[], rows: (string | number | null | undefined)[][], right: number[] = []) {
    if (this.json) return;
    const table = new Table({
      head: head.map((h) => this.c.bold(h)),
      chars: PLAIN_CHARS,
      style: { "padding-left": 0, "padding-right": 0, head: [], border: [] },
      colAligns: head.map((_, i) => (right.includes(i) ? "right" : "left")),
    });
    for (const row of rows) table.push(row.map((cell) => (cell == null ? "-" : String(cell))));
    const text = table
      .toString()
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n");
    this.io.stdout.write(`${text}\n`);
  }

  /** Label/value pairs, the labels padded to one width. */
  pairs(entries: [string, string | number | null | undefined][]): void {
    if (this.json) return;
    const width = Math.max(...entries.map(([k]) => k.length));
    for (const [k, value] of entries) {
      this.line(`${this.c.dim(`${k.padEnd(width)}`)}  ${value == null ? "-" : value}`);
    }
  }

  /** Colours a status word by what it means. */
  status(word: string | null | undefined): string {
    const w = word ?? "-";
    if (/^(delivered|active|ok|set|accepted|2\d\d)$/.test(w)) return this.c.green(w);
    if (/^(pending|paused|warn|retrying|stored|skip)$/.test(w)) return this.c.yellow(w);
    if (/^(failed|dead|quarantined|circuit_open|disabled|fail|unset|[45]\d\d|error)$/.test(w)) {
      return this.c.red(w);
    }
    return w;
  }
}
