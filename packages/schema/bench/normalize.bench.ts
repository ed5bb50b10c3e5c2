/**
 * Throughput of validate + normalize against JSON.parse alone, over the example payloads
 * (@bw-relay/fixtures, Bandwidth's documented callbacks). Run with `pnpm run bench`; Node 24 strips
 * the types. Both paths run in the same process, after a warm-up, in alternating rounds; the
 * figures are the medians over the rounds.
 *
 * ratio = (events/s with JSON.parse + normalize) / (events/s with JSON.parse only). At 0.5,
 * validating and normalizing an event costs as much as parsing its JSON; the goal is >= 0.5.
 *
 * Settings (environment): BENCH_ROUNDS (default 9), BENCH_ROUND_MS (default 500).
 */
import { availableParallelism, cpus } from "node:os";
import { exampleBodies } from "@bw-relay/fixtures";
import * as v from "valibot";
import { CallbackEventSchema, normalize } from "../src/index.ts";

const bodies = exampleBodies().map((example) => example.body);
const eventsPerPass = bodies.reduce((n, body) => n + (JSON.parse(body) as unknown[]).length, 0);

// Results feed this sink, so the engine cannot drop the work as dead code.
let sink = 0;

function parseOnly(): void {
  for (const body of bodies) {
    const events = JSON.parse(body) as unknown[];
    for (const event of events) if (event) sink += 1;
  }
}

function parseAndNormalize(): void {
  for (const body of bodies) {
    const events = JSON.parse(body) as unknown[];
    for (const event of events) {
      const result = normalize(event);
      if (!result.success) throw new Error(`an example failed validation: ${body}`);
      sink += 1;
    }
  }
}

// For comparison only: the valibot schema alone, which normalize runs only to explain a
// rejection (see src/normalize.ts).
function parseAndSchema(): void {
  for (const body of bodies) {
    const events = JSON.parse(body) as unknown[];
    for (const event of events) if (v.safeParse(CallbackEventSchema, event).success) sink += 1;
  }
}

/** Events per second of `pass`, repeated for at least `ms` milliseconds. */
function measure(pass: () => void, ms: number): number {
  let passes = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 100; i++) pass();
    passes += 100;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (passes * eventsPerPass) / (elapsed / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 500);

// Warm-up: let the JIT optimise both paths before anything is measured.
measure(parseOnly, 1000);
measure(parseAndNormalize, 1000);

const parseRates: number[] = [];
const normalizeRates: number[] = [];
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which path goes first, so neither always runs on a warmer or cooler machine.
  let parse: number;
  let full: number;
  if (round % 2 === 0) {
    parse = measure(parseOnly, ROUND_MS);
    full = measure(parseAndNormalize, ROUND_MS);
  } else {
    full = measure(parseAndNormalize, ROUND_MS);
    parse = measure(parseOnly, ROUND_MS);
  }
  parseRates.push(parse);
  normalizeRates.push(full);
  ratios.push(full / parse);
}

const rate = (n: number) => `${Math.round(n).toLocaleString("en-US")} events/s`;
const ratio = median(ratios);
console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} CPUs`,
);
console.log(
  `${bodies.length} example payloads (${eventsPerPass} events per pass), ${ROUNDS} rounds of ${ROUND_MS} ms per path`,
);
console.log(`JSON.parse only:         ${rate(median(parseRates))}`);
console.log(`JSON.parse + normalize:  ${rate(median(normalizeRates))}`);
console.log(
  `ratio (median of rounds): ${ratio.toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}; goal >= 0.5)`,
);
const schemaRate = measure(parseAndSchema, ROUND_MS * 2);
console.log(
  `for comparison, JSON.parse + v.safeParse(CallbackEventSchema): ${rate(schemaRate)} (ratio ${(schemaRate / median(parseRates)).toFixed(2)})`,
);
if (sink < 0) console.log(sink);
