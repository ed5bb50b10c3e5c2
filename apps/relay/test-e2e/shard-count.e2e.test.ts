import { afterAll, describe, expect, it } from "vitest";
import { startWranglerDev, type WranglerDev } from "./wrangler-dev.ts";

// SHARD_COUNT changed in .dev.vars and `wrangler dev` started again on the same state: the
// restarted version is newer, so its count opens a shard epoch, and nothing stored moves.

const ADMIN = { authorization: "Bearer e2e-admin-token" };
const BASIC = { authorization: `Basic ${btoa("bandwidth:e2e-callback-password")}` };
const vars = (shardCount: number) => ({
  CALLBACK_USERNAME: "bandwidth",
  CALLBACK_PASSWORD: "e2e-callback-password",
  ADMIN_TOKEN: "e2e-admin-token",
  SHARD_COUNT: String(shardCount),
});

function event(type: string, messageId: string, time: string) {
  return {
    type,
    time,
    description: type,
    to: "+19842397270",
    message: {
      id: messageId,
      owner: "+19196494865",
      applicationId: "cfd4fb83-7531-4acc-b471-42d0bb76a65c",
      time: "2026-11-30T00:00:00.000Z",
      segmentCount: 1,
      direction: "out",
      to: ["+19842397270"],
      from: "+19196494865",
      text: "",
    },
  };
}

let relay: WranglerDev | undefined;
afterAll(async () => {
  await relay?.stop();
});

async function post(body: unknown): Promise<{ accepted: number; duplicates: number }> {
  const res = await fetch(`${relay?.url}/callbacks`, {
    method: "POST",
    headers: { "content-type": "application/json", ...BASIC },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ accepted: number; duplicates: number }>;
}

async function admin<T>(path: string): Promise<T> {
  const res = await fetch(`${relay?.url}${path}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.json() as Promise<T>;
}

describe("SHARD_COUNT changed between runs of wrangler dev", () => {
  it("opens an epoch, keeps every message's events together and every event listed", async () => {
    const old = Array.from({ length: 10 }, (_, i) => `m-e2e-old-${i}`);
    const fresh = Array.from({ length: 10 }, (_, i) => `m-e2e-new-${i}`);
    relay = await startWranglerDev(vars(2));
    const sending = old.map((id) => event("message-sending", id, "2026-11-30T00:00:01.000Z"));
    expect(await post(sending)).toMatchObject({ accepted: 10 });
    await relay.stop({ keepState: true });

    relay = await startWranglerDev(vars(5), { dir: relay.dir });
    const epochs = await admin<{
      shardCount: number;
      epochs: { shardCount: number; state: string }[];
    }>("/api/shards");
    expect(epochs.shardCount).toBe(5);
    expect(epochs.epochs.map((e) => [e.shardCount, e.state])).toEqual([
      [2, "closed"],
      [5, "current"],
    ]);
    const later = [
      ...old.map((id) => event("message-delivered", id, "2026-11-30T00:00:02.000Z")),
      ...fresh.map((id) => event("message-sending", id, "2026-11-30T00:00:03.000Z")),
    ];
    expect(await post(later)).toMatchObject({ accepted: 20, duplicates: 0 });
    // A resend from before the change is still recognised.
    expect(await post(sending.slice(0, 3))).toMatchObject({ accepted: 0, duplicates: 3 });
    const one = await admin<{ events: { type: string }[] }>(`/api/events?messageId=${old[4]}`);
    expect(one.events.map((e) => e.type).sort()).toEqual(["message-delivered", "message-sending"]);
    const all = await admin<{ events: unknown[]; failedShards: string[] }>("/api/events?limit=500");
    expect(all).toMatchObject({ failedShards: [] });
    expect(all.events).toHaveLength(30);
  }, 240_000);
});
