import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { generateSecret } from "@bw-relay/schema";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { configStub } from "../src/bindings.ts";
import { emptyBreaker } from "../src/targets/breaker.ts";
import { type CapturedRequest, FetchStub } from "./fetch-stub.ts";
import {
  advance,
  api,
  NO_FILTERS,
  postCallbacks,
  received,
  relayEnv,
  runAlarms,
  shardOf,
  T0,
  useRelayTestState,
} from "./helpers.ts";

const HOOK = "https://receiver.test/hook";
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

useRelayTestState();
const fetchStub = FetchStub.useInEachTest();

interface PublicTarget {
  id: string;
  previousSecretExpiresAt: string | null;
  previousSecrets: { expiresAt: string }[];
}

async function createTarget() {
  fetchStub.on(HOOK, 200);
  return api<{ target: PublicTarget; secret: string }>("/api/targets", {
    method: "POST",
    body: { name: "receiver", url: HOOK },
    expect: 201,
  });
}

async function rotate(id: string): Promise<string> {
  return (
    await api<{ secret: string }>(`/api/targets/${id}/rotate-secret`, {
      method: "POST",
      expect: 201,
    })
  ).secret;
}

async function view(id: string): Promise<PublicTarget> {
  return (await api<{ target: PublicTarget }>(`/api/targets/${id}`)).target;
}

/** Accepts one event and runs the shards, returning the one request the receiver got. */
async function deliverOne(messageId: string): Promise<CapturedRequest> {
  const before = fetchStub.to(HOOK).length;
  expect((await postCallbacks([received(messageId)])).status).toBe(200);
  await runAlarms();
  const sent = fetchStub.to(HOOK);
  expect(sent).toHaveLength(before + 1);
  return sent[before] as CapturedRequest;
}

/** How many `v1,` entries the request carries, and which of `secrets` each verify it. */
function signatures(request: CapturedRequest, secrets: string[]) {
  const header = request.headers.get("webhook-signature") ?? "";
  const verifies = secrets.map((secret) => {
    try {
      new Webhook(secret.replace(/^whsec_/, "")).verify(request.body, {
        "webhook-id": request.headers.get("webhook-id") ?? "",
        "webhook-timestamp": request.headers.get("webhook-timestamp") ?? "",
        "webhook-signature": header,
      });
      return true;
    } catch {
      return false;
    }
  });
  return { entries: header.split(" ").filter((s) => s.startsWith("v1,")).length, verifies };
}

const configAlarm = () =>
  runInDurableObject(configStub(relayEnv), (_instance, state) => state.storage.getAlarm());

describe("secret rotation overlap", () => {
  it("keeps every rotated-out secret signing until its own 24 hours end", async () => {
    const { target, secret: s0 } = await createTarget();
    advance(HOUR);
    const s1 = await rotate(target.id); // s0 signs until T0+25h
    advance(HOUR);
    const s2 = await rotate(target.id); // s1 signs until T0+26h
    const all = [s2, s1, s0];

    expect(signatures(await deliverOne("m-three"), all)).toEqual({
      entries: 3,
      verifies: [true, true, true],
    });
    expect(await view(target.id)).toMatchObject({
      previousSecretExpiresAt: iso(T0 + 26 * HOUR),
      previousSecrets: [{ expiresAt: iso(T0 + 26 * HOUR) }, { expiresAt: iso(T0 + 25 * HOUR) }],
    });
    // The Config object wakes when the first overlap ends, not the last.
    expect(await configAlarm()).toBe(T0 + 25 * HOUR);

    advance(23 * HOUR + 1000); // T0+25h, 1 s past s0's end
    expect(await runDurableObjectAlarm(configStub(relayEnv))).toBe(true);
    expect(await configAlarm()).toBe(T0 + 26 * HOUR);
    // The snapshot pushed by the alarm already leaves s0 out: no shard waits for a re-read.
    const pushed = await runInDurableObject(shardOf("m-two"), (_i, state) =>
      state.storage.kv.get<{ targets: { secrets: string[] }[] }>("targets"),
    );
    expect(pushed?.targets[0]?.secrets).toEqual([s2, s1]);
    expect(signatures(await deliverOne("m-two"), all)).toEqual({
      entries: 2,
      verifies: [true, true, false],
    });
    expect((await view(target.id)).previousSecrets).toEqual([{ expiresAt: iso(T0 + 26 * HOUR) }]);

    advance(HOUR); // past s1's end
    expect(await runDurableObjectAlarm(configStub(relayEnv))).toBe(true);
    expect(await configAlarm()).toBeNull();
    expect(signatures(await deliverOne("m-one"), all)).toEqual({
      entries: 1,
      verifies: [true, false, false],
    });
    expect(await view(target.id)).toMatchObject({
      previousSecretExpiresAt: null,
      previousSecrets: [],
    });
  });

  it("never shows a secret value, only when each overlap ends", async () => {
    const { target, secret: s0 } = await createTarget();
    const s1 = await rotate(target.id);
    const s2 = await rotate(target.id);
    const text = JSON.stringify([await api("/api/targets"), await view(target.id)]);
    for (const secret of [s0, s1, s2]) expect(text).not.toContain(secret.slice(6));
  });

  it("refuses an 11th secret in overlap with 409 instead of cutting one short", async () => {
    const { target, secret: s0 } = await createTarget();
    const secrets = [s0];
    for (let i = 0; i < 10; i++) {
      advance(60_000);
      secrets.unshift(await rotate(target.id));
    }
    const refused = await api<{ error: { code: string; message: string } }>(
      `/api/targets/${target.id}/rotate-secret`,
      { method: "POST", expect: 409 },
    );
    expect(refused.error.code).toBe("too_many_secrets");
    expect(refused.error.message).toContain(iso(T0 + 60_000 + 24 * HOUR));
    expect((await view(target.id)).previousSecrets).toHaveLength(10);
    const sent = signatures(await deliverOne("m-eleven"), secrets);
    expect(sent.entries).toBe(11);
    expect(sent.verifies.every(Boolean)).toBe(true);

    // Once the oldest overlap is over, rotating works again.
    advance(24 * HOUR - 9 * 60_000);
    await rotate(target.id);
    expect((await view(target.id)).previousSecrets).toHaveLength(10);
  });

  it("a PATCH that sets the secret ends every overlap at once", async () => {
    const { target, secret: s0 } = await createTarget();
    const s1 = await rotate(target.id);
    const chosen = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const { target: patched } = await api<{ target: PublicTarget }>(`/api/targets/${target.id}`, {
      method: "PATCH",
      body: { secret: chosen },
    });
    expect(patched).toMatchObject({ previousSecretExpiresAt: null, previousSecrets: [] });
    expect(await configAlarm()).toBeNull();
    expect(signatures(await deliverOne("m-patched"), [chosen, s1, s0])).toEqual({
      entries: 1,
      verifies: [true, false, false],
    });
  });

  it("keeps honouring a previous secret stored in the old one-secret shape", async () => {
    const current = generateSecret();
    const old = generateSecret();
    const legacyEnd = T0 + 12 * HOUR;
    await runInDurableObject(configStub(relayEnv), async (_instance, state) => {
      state.storage.kv.put("target:tgt_legacy", {
        id: "tgt_legacy",
        name: "legacy",
        url: HOOK,
        ...NO_FILTERS,
        enabled: true,
        state: "active",
        stateReason: null,
        maxAttempts: 10,
        timeoutMs: 10_000,
        createdAt: iso(T0 - HOUR),
        updatedAt: iso(T0 - HOUR),
        secret: current,
        previousSecret: old,
        previousSecretExpiresAt: legacyEnd,
        breaker: emptyBreaker(),
      });
      await state.storage.setAlarm(legacyEnd);
    });
    fetchStub.on(HOOK, 200);
    expect(await view("tgt_legacy")).toMatchObject({
      previousSecretExpiresAt: iso(legacyEnd),
      previousSecrets: [{ expiresAt: iso(legacyEnd) }],
    });
    expect(signatures(await deliverOne("m-legacy-1"), [current, old])).toEqual({
      entries: 2,
      verifies: [true, true],
    });

    const next = await rotate("tgt_legacy");
    expect(signatures(await deliverOne("m-legacy-2"), [next, current, old])).toEqual({
      entries: 3,
      verifies: [true, true, true],
    });
    expect(await configAlarm()).toBe(legacyEnd);

    advance(12 * HOUR + 1000);
    expect(await runDurableObjectAlarm(configStub(relayEnv))).toBe(true);
    expect(signatures(await deliverOne("m-legacy-3"), [next, current, old])).toEqual({
      entries: 2,
      verifies: [true, true, false],
    });
    expect(await configAlarm()).toBe(T0 + 24 * HOUR);
  });
});
