import { abortAllDurableObjects, reset, runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, expect, vi } from "vitest";
import { app } from "../src/app.ts";
import { shardStub } from "../src/bindings.ts";
import type { RelayEnv } from "../src/config.ts";
import { forgetEpochs, liveShards } from "../src/epochs/live-shards.ts";
import { shardName } from "../src/epochs/model.ts";
import { shardIndexFor } from "../src/shard/sharding.ts";
import { checkDocumented } from "./documented.ts";

export const relayEnv = env as unknown as RelayEnv;
export const SHARDS = Number(relayEnv.SHARD_COUNT);
export const ADMIN = { authorization: "Bearer test-admin-token" };
export const BASIC = { authorization: `Basic ${btoa("bandwidth:test-callback-password")}` };

/**
 * Time in tests is a frozen fake clock far in the future: alarms the relay sets relative to it
 * never fire on their own, so tests run them explicitly with `runAlarms()` after `advance()`.
 */
export const T0 = Date.parse("2030-01-01T00:00:00.000Z");

export function useRelayTestState(): void {
  beforeEach(async () => {
    // The clock first: objects that wake up during the reset must not see real time, or an
    // alarm they set "now" would really fire in the middle of the next test.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    await reset();
    await abortAllDurableObjects();
    // This isolate's copy of the shard epochs described the storage just reset.
    forgetEpochs();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

export function advance(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

/** A request to the Worker; every response is checked against the API description. */
export async function relayFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const request = new Request(`https://relay.test${path}`, init);
  const response = await exports.default.fetch(request);
  if (response.status !== 101)
    await checkDocumented(request.method, new URL(request.url).pathname, response.clone());
  return response;
}

/**
 * The app with an env or execution context of the test's own (a setting changed, a context to
 * wait on), its answer held to the API description like every relayFetch answer.
 */
export async function appRequest(
  input: string | Request,
  init?: RequestInit,
  env?: RelayEnv,
  ctx?: ExecutionContext,
): Promise<Response> {
  const request =
    typeof input === "string" ? new Request(new URL(input, "https://relay.test"), init) : input;
  const response = await app.fetch(request, env, ctx);
  if (response.status !== 101)
    await checkDocumented(request.method, new URL(request.url).pathname, response.clone());
  return response;
}

export function postCallbacks(
  body: unknown,
  headers: Record<string, string> = BASIC,
): Promise<Response> {
  return relayFetch("/callbacks", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function api<T = Record<string, unknown>>(
  path: string,
  init: { method?: string; body?: unknown; expect?: number } = {},
): Promise<T> {
  const res = await relayFetch(path, {
    method: init.method ?? "GET",
    headers: { ...ADMIN, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  expect(res.status, `${init.method ?? "GET"} ${path}: ${text}`).toBe(init.expect ?? 200);
  return (text ? JSON.parse(text) : {}) as T;
}

export function shardOf(messageId: string) {
  return shardStub(relayEnv, shardName(0, shardIndexFor(messageId, SHARDS)));
}

/** Runs every live shard's alarm once (the ones with nothing scheduled are skipped). */
export async function runAlarms(): Promise<number> {
  let ran = 0;
  for (const shard of await liveShards(relayEnv)) {
    if (await runDurableObjectAlarm(shard.stub)) ran += 1;
  }
  return ran;
}

/** A Bandwidth message-received event with the fields real callbacks carry. */
export function received(messageId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "message-received",
    time: "2030-01-01T00:00:00.000Z",
    description: "Incoming message received",
    to: "+12345678902",
    message: {
      id: messageId,
      time: "2030-01-01T00:00:00.000Z",
      to: ["+12345678902"],
      from: "+12345678901",
      text: "hello",
      applicationId: "93de2206-9669-4e07-948d-329f4b722ee2",
      owner: "+12345678902",
      direction: "in",
      segmentCount: 1,
    },
    ...overrides,
  };
}

/** An outbound status event of a message. */
export function status(
  type: string,
  messageId: string,
  time: string,
  extra: Record<string, unknown> = {},
) {
  return {
    type,
    time,
    description: type,
    to: "+19842397270",
    ...extra,
    message: {
      id: messageId,
      owner: "+19196494865",
      applicationId: "cfd4fb83-7531-4acc-b471-42d0bb76a65c",
      time: "2030-01-01T00:00:00.000Z",
      segmentCount: 1,
      direction: "out",
      to: ["+19842397270"],
      from: "+19196494865",
      text: "",
    },
  };
}

/** A target's filters and headers when none are set, as stored and as the API shows them. */
export const NO_FILTERS = {
  eventTypes: [],
  directions: [],
  owners: [],
  applicationIds: [],
  headers: {},
} as const;
