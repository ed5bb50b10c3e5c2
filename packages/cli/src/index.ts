/**
 * @bw-relay/cli as a library: run the CLI in-process, or generate realistic Bandwidth
 * callbacks (also at `@bw-relay/cli/generate`).
 */
export * from "./generate/index.ts";
export type { Io, Out } from "./io.ts";
export { run } from "./run.ts";
