import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWranglerDev, type WranglerDev } from "./wrangler-dev.ts";

// Every documented setting, optional secrets included, reaches the Worker from .dev.vars under
// a real `wrangler dev` (a `secrets` block in wrangler.jsonc once made wrangler drop the
// optional ones there, while the vitest pool, which sets bindings directly, saw them all).

const ADMIN = { authorization: "Bearer e2e-admin-token" };
const basic = (pair: string) => ({ authorization: `Basic ${btoa(pair)}` });
const V2 = "https://messaging.bandwidth.com/api/v2/users/9900902/media/m-e2e/0/a.png";
const OTHER = "https://messaging.bandwidth.com/api/v2/users/9900903/media/m-e2e/1/b.png";

let relay: WranglerDev;

beforeAll(async () => {
  relay = await startWranglerDev({
    CALLBACK_USERNAME: "bandwidth",
    CALLBACK_PASSWORD: "e2e-callback-password",
    ADMIN_TOKEN: "e2e-admin-token",
    ALLOW_HTTP_TARGETS: "true",
    SHARD_COUNT: "2",
    RETENTION_HOURS: "12",
    MAX_BODY_BYTES: "200000",
    RETRY_BASE_MS: "250",
    CALLBACK_CREDENTIALS: "outbound:pa,ss:word\nthird:x",
    MEDIA_MODE: "proxy",
    MEDIA_ARCHIVE: "r2",
    MEDIA_SIGNING_KEY: "e2e-media-key-2\ne2e-media-key-1",
    BANDWIDTH_API_USERNAME: "e2e-api-user",
    BANDWIDTH_API_PASSWORD: "e2e-api-password",
    PUBLIC_URL: "https://relay.example.com",
    MEDIA_ACCOUNT_IDS: "9900902",
    SHARD_LOCATION_HINT: "enam",
  });
}, 120_000);

afterAll(async () => {
  await relay?.stop();
});

async function post(headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(`${relay.url}/callbacks`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("settings from .dev.vars under wrangler dev", () => {
  it("every one reaches the Worker (GET /api/settings)", async () => {
    const res = await fetch(`${relay.url}/api/settings`, { headers: ADMIN });
    expect(res.status).toBe(200);
    expect((await res.json()) as unknown).toEqual({
      settings: {
        SHARD_COUNT: 2,
        RETENTION_HOURS: 12,
        MAX_BODY_BYTES: 200000,
        MEDIA_MODE: "proxy",
        MEDIA_ARCHIVE: "r2",
        ALLOW_HTTP_TARGETS: true,
        RETRY_BASE_MS: 250,
        PUBLIC_URL: "https://relay.example.com",
        MEDIA_ACCOUNT_IDS: ["9900902"],
        SHARD_LOCATION_HINT: "enam",
        SHARD_JURISDICTION: null,
        CALLBACK_USERNAME: "set",
        CALLBACK_PASSWORD: "set",
        CALLBACK_CREDENTIALS: { pairs: 3 },
        ADMIN_TOKEN: "set",
        MEDIA_SIGNING_KEY: { keys: 2 },
        BANDWIDTH_API_USERNAME: "set",
        BANDWIDTH_API_PASSWORD: "set",
        MEDIA_BUCKET: "bound",
      },
    });
  });

  it("CALLBACK_CREDENTIALS pairs are accepted whole, and only whole", async () => {
    const event = (id: string) => ({
      type: "message-received",
      time: "2026-11-30T00:00:00Z",
      message: { id, direction: "in", to: ["+15550001111"], media: [V2, OTHER] },
    });
    expect((await post(basic("outbound:pa,ss:word"), [event("m-e2e-1")])).status).toBe(200);
    expect((await post(basic("third:x"), [event("m-e2e-2")])).status).toBe(200);
    expect((await post(basic("outbound:pa"), [event("m-e2e-3")])).status).toBe(401);
  });

  it("MEDIA_MODE, MEDIA_SIGNING_KEY, PUBLIC_URL and MEDIA_ACCOUNT_IDS shape the media links", async () => {
    const res = await post(basic("bandwidth:e2e-callback-password"), [
      {
        type: "message-received",
        time: "2026-11-30T00:00:01Z",
        message: { id: "m-e2e-media", direction: "in", to: ["+15550001111"], media: [V2, OTHER] },
      },
    ]);
    expect(res.status).toBe(200);
    const { ids } = (await res.json()) as { ids: string[] };
    const detail = await fetch(`${relay.url}/api/events/${ids[0]}`, { headers: ADMIN });
    const { event } = (await detail.json()) as {
      event: { normalized: { message: { media: string[] } } };
    };
    const [link, untouched] = event.normalized.message.media;
    // Built on PUBLIC_URL, not on the 127.0.0.1 origin the request came to.
    expect(link).toMatch(/^https:\/\/relay\.example\.com\/media\/[\w-]+\.[\w-]+$/);
    expect(untouched).toBe(OTHER);
    // The token verifies with the keys from .dev.vars: an altered one does not.
    const path = new URL(link as string).pathname;
    const forged = await fetch(`${relay.url}${path.slice(0, -2)}xx`, { method: "HEAD" });
    expect(forged.status).toBe(403);
  });
});
