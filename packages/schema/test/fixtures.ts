import { readdirSync, readFileSync } from "node:fs";

const dir = new URL("./fixtures/", import.meta.url);

/** Names of the example payloads (copies of shared/reference/examples), without `.json`. */
export const EXAMPLE_NAMES = readdirSync(dir)
  .filter((name) => name.endsWith(".json"))
  .map((name) => name.slice(0, -".json".length))
  .sort();

/** The events of one example body (each body is a JSON array, as Bandwidth sends it). */
export function loadExample(name: string): unknown[] {
  const body: unknown = JSON.parse(readFileSync(new URL(`${name}.json`, dir), "utf8"));
  if (!Array.isArray(body)) throw new Error(`${name}.json is not an array`);
  return body;
}

/** The only event of a one-event example. */
export function loadEvent(name: string): Record<string, unknown> {
  const [event, ...rest] = loadExample(name);
  if (rest.length > 0 || typeof event !== "object" || event === null) {
    throw new Error(`${name}.json does not hold exactly one event`);
  }
  return event as Record<string, unknown>;
}
