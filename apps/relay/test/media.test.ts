import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { RelayEnv } from "../src/config.ts";
import { archiveKeyFor } from "../src/media/archive-key.ts";
import { signMediaToken } from "../src/media/token.ts";
import { FetchStub } from "./fetch-stub.ts";
import {
  ADMIN,
  advance,
  appRequest,
  BASIC,
  received,
  relayEnv,
  runAlarms,
  useRelayTestState,
} from "./helpers.ts";

const V2 =
  "https://messaging.bandwidth.com/api/v2/users/9900902/media/14762070468292kw2fuqty55yp2b2/0/bw.png";
const V2_SMIL =
  "https://messaging.bandwidth.com/api/v2/users/9900902/media/14762070468292kw2fuqty55yp2b2/1/smil.xml";
const V1 =
  "https://api.catapult.inetwork.com/v1/users/u-123/media/14762070468292kw2fuqty55yp2b2/0/bw.png";
const S3 = "https://s3.amazonaws.com/bw-v2-api/demo.jpg";
const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3, 4, 5, 6, 7, 8]);
const API_AUTH = `Basic ${btoa("bw-api-user:bw-api-secret-password")}`;

const proxyEnv = (extra: Partial<RelayEnv> = {}): RelayEnv => ({
  ...relayEnv,
  MEDIA_MODE: "proxy",
  PUBLIC_URL: "https://relay.test",
  ...extra,
});

async function call(
  path: string,
  init: RequestInit,
  env: RelayEnv,
  origin = "https://relay.test",
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await appRequest(`${origin}${path}`, init, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

function mms(id: string, media: string[]) {
  const event = received(id);
  return { ...event, message: { ...event.message, media } };
}

async function acceptAndGetNormalized(
  env: RelayEnv,
  event: unknown,
  origin?: string,
): Promise<{ id: string; media: string[] }> {
  const res = await call(
    "/callbacks",
    { method: "POST", headers: BASIC, body: JSON.stringify([event]) },
    env,
    origin,
  );
  expect(res.status).toBe(200);
  const [id] = (await res.json<{ ids: string[] }>()).ids;
  const detail = await call(`/api/events/${id}`, { headers: ADMIN }, env);
  const { event: stored } = await detail.json<{
    event: { normalized: { message: { media: string[] } } };
  }>();
  return { id: id as string, media: stored.normalized.message.media };
}

useRelayTestState();
const fetchStub = FetchStub.useInEachTest();

describe("MEDIA_MODE=passthrough", () => {
  it("leaves media URLs as they are", async () => {
    const { media } = await acceptAndGetNormalized(relayEnv, mms("m-pass", [V2, S3]));
    expect(media).toEqual([V2, S3]);
  });
});

describe("MEDIA_MODE=proxy", () => {
  it("rewrites Bandwidth media URLs (v1 and v2) to signed relay links and leaves others alone", async () => {
    const { media } = await acceptAndGetNormalized(proxyEnv(), mms("m-proxy", [V2, V1, S3]));
    expect(media[0]).toMatch(/^https:\/\/relay\.test\/media\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(media[1]).toMatch(/^https:\/\/relay\.test\/media\//);
    expect(media[2]).toBe(S3);
    expect(JSON.stringify(media)).not.toContain("bw-api");
  });

  it("builds links on PUBLIC_URL, never on the Host the sender chose", async () => {
    const env = proxyEnv({ PUBLIC_URL: "https://relay.example.com/ignored/path" });
    const { media } = await acceptAndGetNormalized(
      env,
      mms("m-host", [V2]),
      "https://evil.example",
    );
    expect(media[0]).toMatch(/^https:\/\/relay\.example\.com\/media\/[^/]+$/);
  });

  it("without PUBLIC_URL, uses the request's origin only on this machine (development)", async () => {
    const env = proxyEnv({ PUBLIC_URL: "" });
    const local = await acceptAndGetNormalized(env, mms("m-local", [V2]), "http://127.0.0.1:8787");
    expect(local.media[0]).toMatch(/^http:\/\/127\.0\.0\.1:8787\/media\//);
    const deployed = await acceptAndGetNormalized(
      env,
      mms("m-remote", [V2]),
      "https://evil.example",
    );
    expect(deployed.media).toEqual([V2]);
  });

  it("refuses a PUBLIC_URL that is not https (unless it is this machine)", async () => {
    const plain = proxyEnv({ PUBLIC_URL: "http://relay.example.com" });
    expect((await acceptAndGetNormalized(plain, mms("m-http", [V2]))).media).toEqual([V2]);
    const local = proxyEnv({ PUBLIC_URL: "http://localhost:8787" });
    expect((await acceptAndGetNormalized(local, mms("m-lh", [V2]))).media[0]).toMatch(
      /^http:\/\/localhost:8787\/media\//,
    );
  });

  it("mints links only for the accounts in MEDIA_ACCOUNT_IDS, and serves no other", async () => {
    const other = V2.replace("9900902", "9900903");
    const wide = await acceptAndGetNormalized(proxyEnv(), mms("m-acct-wide", [other]));
    const env = proxyEnv({ MEDIA_ACCOUNT_IDS: "9900902, u-123" });
    const { media } = await acceptAndGetNormalized(env, mms("m-acct", [V2, other, V1]));
    expect(media[0]).toMatch(/^https:\/\/relay\.test\/media\//);
    expect(media[1]).toBe(other);
    expect(media[2]).toMatch(/^https:\/\/relay\.test\/media\//);
    // A link minted while every account was served stops working once the list is narrowed.
    const res = await call(new URL(wide.media[0] as string).pathname, {}, env);
    expect(res.status).toBe(403);
  });

  it("passes URLs through when no signing key is set", async () => {
    const { media } = await acceptAndGetNormalized(
      proxyEnv({ MEDIA_SIGNING_KEY: undefined }),
      mms("m-nokey", [V2]),
    );
    expect(media).toEqual([V2]);
  });

  it("streams the original with its type and length, using the API credentials", async () => {
    const { media } = await acceptAndGetNormalized(proxyEnv(), mms("m-stream", [V2]));
    fetchStub.on(
      V2,
      () =>
        new Response(PNG, {
          headers: { "content-type": "image/png", "content-length": String(PNG.length) },
        }),
    );
    const res = await call(new URL(media[0] as string).pathname, {}, proxyEnv());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-length")).toBe(String(PNG.length));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    expect(fetchStub.to(V2)[0]?.headers.get("authorization")).toBe(API_AUTH);
  });

  it("forwards ranges and answers HEAD without a body", async () => {
    const { media } = await acceptAndGetNormalized(proxyEnv(), mms("m-range", [V2]));
    const path = new URL(media[0] as string).pathname;
    fetchStub.on(V2, (request) => {
      if (request.headers.get("range") === "bytes=0-3") {
        return new Response(PNG.slice(0, 4), {
          status: 206,
          headers: {
            "content-type": "image/png",
            "content-range": `bytes 0-3/${PNG.length}`,
            "content-length": "4",
          },
        });
      }
      return new Response(PNG, {
        headers: { "content-type": "image/png", "content-length": String(PNG.length) },
      });
    });
    const ranged = await call(path, { headers: { range: "bytes=0-3" } }, proxyEnv());
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 0-3/${PNG.length}`);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(PNG.slice(0, 4));
    const head = await call(path, { method: "HEAD" }, proxyEnv());
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(PNG.length));
    expect(await head.text()).toBe("");
  });

  it("answers 403 for bad or tampered tokens and 410 for expired ones", async () => {
    const { media } = await acceptAndGetNormalized(proxyEnv(), mms("m-token", [V2]));
    const token = (media[0] as string).split("/media/")[1] as string;
    const [body, sig] = token.split(".") as [string, string];
    for (const bad of [
      "garbage",
      `${body}.${sig.slice(0, -2)}AA`,
      `${body}x.${sig}`,
      `${body}.${sig}.x`,
    ]) {
      const res = await call(`/media/${bad}`, {}, proxyEnv());
      expect(res.status, bad).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_media_token" } });
    }
    const forged = await signMediaToken({ url: V2, expiresAt: 4_000_000_000 }, ["not-the-key"]);
    expect((await call(`/media/${forged}`, {}, proxyEnv())).status).toBe(403);
    const offHost = await signMediaToken(
      { url: "https://evil.example/x.png", expiresAt: 4_000_000_000 },
      ["test-media-key-1"],
    );
    expect((await call(`/media/${offHost}`, {}, proxyEnv())).status).toBe(403);
    advance(60 * 24 * 3_600_000);
    const expired = await call(`/media/${token}`, {}, proxyEnv());
    expect(expired.status).toBe(410);
    expect(await expired.json()).toMatchObject({ error: { code: "media_expired" } });
  });

  it("verifies tokens signed with an older key after rotation", async () => {
    const { media } = await acceptAndGetNormalized(proxyEnv(), mms("m-rotate", [V2]));
    fetchStub.on(V2, () => new Response(PNG, { headers: { "content-type": "image/png" } }));
    const rotated = proxyEnv({ MEDIA_SIGNING_KEY: "test-media-key-2\ntest-media-key-1" });
    expect((await call(new URL(media[0] as string).pathname, {}, rotated)).status).toBe(200);
    const dropped = proxyEnv({ MEDIA_SIGNING_KEY: "test-media-key-2" });
    expect((await call(new URL(media[0] as string).pathname, {}, dropped)).status).toBe(403);
  });

  it("maps upstream errors to clear statuses without leaking credentials", async () => {
    const logs: string[] = [];
    for (const level of ["log", "warn", "error", "info", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logs.push(args.map(String).join(" "));
      });
    }
    const { media } = await acceptAndGetNormalized(proxyEnv(), mms("m-upstream", [V2]));
    const path = new URL(media[0] as string).pathname;
    for (const [upstream, status, code] of [
      [404, 404, "media_not_found"],
      [401, 502, "upstream_auth_failed"],
      [500, 502, "upstream_error"],
      ["network-error", 502, "upstream_unreachable"],
    ] as const) {
      fetchStub.on(V2, upstream);
      const res = await call(path, {}, proxyEnv());
      expect(res.status, String(upstream)).toBe(status);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code } });
      expect(text).not.toContain("bw-api");
    }
    const noCreds = await call(path, {}, proxyEnv({ BANDWIDTH_API_PASSWORD: undefined }));
    expect(noCreds.status).toBe(503);
    expect(logs.join("\n")).not.toContain("bw-api-secret-password");
    expect(logs.join("\n")).not.toContain(btoa("bw-api-user:bw-api-secret-password"));
  });
});

describe("MEDIA_ARCHIVE=r2", () => {
  const archiveEnv = () => proxyEnv({ MEDIA_ARCHIVE: "r2" });

  it("copies inbound media to R2 in the background and serves it from there", async () => {
    fetchStub.on(
      V2,
      () =>
        new Response(PNG, {
          headers: { "content-type": "image/png", "content-length": String(PNG.length) },
        }),
    );
    fetchStub.on(
      V2_SMIL,
      () => new Response("<smil/>", { headers: { "content-type": "application/smil" } }),
    );
    const { media } = await acceptAndGetNormalized(
      archiveEnv(),
      mms("14762070468292kw2fuqty55yp2b2", [V2, V2_SMIL]),
    );
    expect(fetchStub.requests).toEqual([]); // the accept never waits for media
    await runAlarms();
    expect(fetchStub.to(V2)[0]?.headers.get("authorization")).toBe(API_AUTH);
    const stored = await relayEnv.MEDIA?.get(archiveKeyFor(V2));
    expect(stored?.httpMetadata?.contentType).toBe("image/png");
    expect(new Uint8Array(await (stored as R2ObjectBody).arrayBuffer())).toEqual(PNG);

    // Bandwidth's copy is gone after 48 h; the relay's is not.
    fetchStub.on(V2, 404);
    const before = fetchStub.requests.length;
    const res = await call(new URL(media[0] as string).pathname, {}, archiveEnv());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    const ranged = await call(
      new URL(media[0] as string).pathname,
      { headers: { range: "bytes=2-5" } },
      archiveEnv(),
    );
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 2-5/${PNG.length}`);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(PNG.slice(2, 6));
    expect(fetchStub.requests.length).toBe(before);
  });

  it("retries a failed copy and removes the copy with the event at purge", async () => {
    fetchStub.on(
      V2,
      503,
      () =>
        new Response(PNG, {
          headers: { "content-type": "image/png", "content-length": String(PNG.length) },
        }),
    );
    await acceptAndGetNormalized(archiveEnv(), mms("14762070468292kw2fuqty55yp2b2", [V2]));
    await runAlarms();
    const key = archiveKeyFor(V2);
    expect(await relayEnv.MEDIA?.head(key)).toBeNull();
    advance(60_000);
    await runAlarms();
    expect(await relayEnv.MEDIA?.head(key)).not.toBeNull();
    advance(49 * 3_600_000);
    await runAlarms();
    expect(await relayEnv.MEDIA?.head(key)).toBeNull();
  });

  it("does not archive outbound events' media", async () => {
    const event = {
      ...mms("m-out", [V2]),
      message: { ...mms("m-out", [V2]).message, direction: "out" },
    };
    await acceptAndGetNormalized(archiveEnv(), event);
    await runAlarms();
    expect(fetchStub.requests).toEqual([]);
  });
});
