import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateSecret, sign, signatureHeader, verify } from "../src/index.ts";

// Fixed secrets, so a failure can be reproduced; generateSecret has its own tests.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=";
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const PAYLOAD =
  '[{"type":"message-delivered","time":"2026-01-01T00:00:00Z","message":{"id":"m1"}}]';

async function headersFor(secrets: string[], timestamp = NOW, id = "evt_1") {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signatureHeader({ id, timestamp, payload: PAYLOAD, secrets }),
  };
}

describe("sign", () => {
  it("signs id.timestamp.payload: v1, + base64 HMAC-SHA256 (the Standard Webhooks example)", async () => {
    // Test vector of the Standard Webhooks specification and its reference libraries.
    expect(
      await sign({
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp: 1614265330,
        payload: '{"test": 2432232314}',
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      }),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("takes the secret with or without the whsec_ prefix", async () => {
    const input = { id: "evt_1", timestamp: NOW, payload: PAYLOAD };
    expect(await sign({ ...input, secret: SECRET.slice("whsec_".length) })).toBe(
      await sign({ ...input, secret: SECRET }),
    );
  });

  it("puts one v1 entry per secret in the header, in order", async () => {
    const header = await signatureHeader({
      id: "evt_1",
      timestamp: NOW,
      payload: PAYLOAD,
      secrets: [SECRET, OTHER],
    });
    const entries = header.split(" ");
    expect(entries).toEqual([
      await sign({ id: "evt_1", timestamp: NOW, payload: PAYLOAD, secret: SECRET }),
      await sign({ id: "evt_1", timestamp: NOW, payload: PAYLOAD, secret: OTHER }),
    ]);
    expect(entries[0]).not.toBe(entries[1]);
  });
});

describe("verify", () => {
  it("accepts what sign signed", async () => {
    expect(
      await verify({
        payload: PAYLOAD,
        headers: await headersFor([SECRET]),
        secrets: [SECRET],
        now: NOW,
      }),
    ).toEqual({ ok: true });
  });

  it("accepts a delivery signed with the second of two secrets (rotation)", async () => {
    expect(
      await verify({
        payload: PAYLOAD,
        headers: await headersFor([OTHER]),
        secrets: [SECRET, OTHER],
        now: NOW,
      }),
    ).toEqual({ ok: true });
  });

  it("accepts a header with two v1 entries when one matches", async () => {
    const headers = await headersFor([OTHER, SECRET]);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(await verify({ payload: PAYLOAD, headers, secrets: [SECRET], now: NOW })).toEqual({
      ok: true,
    });
  });

  it("skips entries of other versions and garbage", async () => {
    const headers = await headersFor([SECRET]);
    headers["webhook-signature"] = `v2,abc v1 v1,%%% ${headers["webhook-signature"]}`;
    expect(await verify({ payload: PAYLOAD, headers, secrets: [SECRET], now: NOW })).toEqual({
      ok: true,
    });
  });

  it("rejects a delivery signed with another secret", async () => {
    expect(
      await verify({
        payload: PAYLOAD,
        headers: await headersFor([OTHER]),
        secrets: [SECRET],
        now: NOW,
      }),
    ).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it("rejects a tampered payload", async () => {
    const headers = await headersFor([SECRET]);
    const tampered = PAYLOAD.replace("m1", "m2");
    expect(await verify({ payload: tampered, headers, secrets: [SECRET], now: NOW })).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it("rejects a changed webhook-id (the signature covers it)", async () => {
    const headers = { ...(await headersFor([SECRET])), "webhook-id": "evt_2" };
    expect(await verify({ payload: PAYLOAD, headers, secrets: [SECRET], now: NOW })).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it.each([
    ["too old", NOW - 301],
    ["too new", NOW + 301],
  ])("rejects a timestamp %s for the default 300 s tolerance", async (_, timestamp) => {
    expect(
      await verify({
        payload: PAYLOAD,
        headers: await headersFor([SECRET], timestamp),
        secrets: [SECRET],
        now: NOW,
      }),
    ).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
  });

  it("accepts a timestamp at the edge of the tolerance, and honours a custom one", async () => {
    const old = await headersFor([SECRET], NOW - 300);
    expect(await verify({ payload: PAYLOAD, headers: old, secrets: [SECRET], now: NOW })).toEqual({
      ok: true,
    });
    expect(
      await verify({
        payload: PAYLOAD,
        headers: old,
        secrets: [SECRET],
        now: NOW,
        toleranceSeconds: 60,
      }),
    ).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
  });

  it.each(["webhook-id", "webhook-timestamp", "webhook-signature"])(
    "rejects a delivery without %s",
    async (name) => {
      const headers: Record<string, string> = await headersFor([SECRET]);
      delete headers[name];
      expect(await verify({ payload: PAYLOAD, headers, secrets: [SECRET], now: NOW })).toEqual({
        ok: false,
        reason: "missing_headers",
      });
    },
  );

  it("rejects a timestamp that is not Unix seconds", async () => {
    const headers = {
      ...(await headersFor([SECRET])),
      "webhook-timestamp": "2026-01-01T00:00:00Z",
    };
    expect(await verify({ payload: PAYLOAD, headers, secrets: [SECRET], now: NOW })).toEqual({
      ok: false,
      reason: "missing_headers",
    });
  });

  it("reads a Headers object and plain objects whatever the case of the names", async () => {
    const headers = await headersFor([SECRET]);
    expect(
      await verify({
        payload: PAYLOAD,
        headers: new Headers(headers),
        secrets: [SECRET],
        now: NOW,
      }),
    ).toEqual({
      ok: true,
    });
    const capitalised = {
      "Webhook-Id": headers["webhook-id"],
      "Webhook-Timestamp": headers["webhook-timestamp"],
      "Webhook-Signature": headers["webhook-signature"],
    };
    expect(
      await verify({ payload: PAYLOAD, headers: capitalised, secrets: [SECRET], now: NOW }),
    ).toEqual({
      ok: true,
    });
  });

  it("rejects everything when no secret is given", async () => {
    expect(
      await verify({
        payload: PAYLOAD,
        headers: await headersFor([SECRET]),
        secrets: [],
        now: NOW,
      }),
    ).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });
});

describe("interoperability with the standardwebhooks package", () => {
  beforeEach(() => {
    // The package reads the clock; pin it so the test does not depend on the wall clock.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("the package verifies what we sign", async () => {
    const headers = await headersFor([SECRET]);
    const wh = new Webhook(SECRET.slice("whsec_".length));
    expect(wh.verify(PAYLOAD, headers)).toEqual(JSON.parse(PAYLOAD));
  });

  it("the package verifies a header we signed with two secrets", async () => {
    const headers = await headersFor([OTHER, SECRET]);
    expect(new Webhook(SECRET.slice("whsec_".length)).verify(PAYLOAD, headers)).toEqual(
      JSON.parse(PAYLOAD),
    );
  });

  it("the package rejects what we signed when the payload changed", async () => {
    const headers = await headersFor([SECRET]);
    expect(() => new Webhook(SECRET.slice("whsec_".length)).verify(`${PAYLOAD} `, headers)).toThrow(
      "No matching signature found",
    );
  });

  it("we verify what the package signs", async () => {
    const wh = new Webhook(SECRET.slice("whsec_".length));
    const signature = wh.sign("evt_9", new Date(NOW * 1000), PAYLOAD);
    expect(signature).toBe(
      await sign({ id: "evt_9", timestamp: NOW, payload: PAYLOAD, secret: SECRET }),
    );
    const headers = {
      "webhook-id": "evt_9",
      "webhook-timestamp": String(NOW),
      "webhook-signature": signature,
    };
    expect(await verify({ payload: PAYLOAD, headers, secrets: [SECRET], now: NOW })).toEqual({
      ok: true,
    });
  });

  it("a generated secret works in the package", async () => {
    const secret = generateSecret();
    const headers = await headersFor([secret]);
    expect(new Webhook(secret.slice("whsec_".length)).verify(PAYLOAD, headers)).toEqual(
      JSON.parse(PAYLOAD),
    );
  });
});

describe("generateSecret", () => {
  it("is whsec_ + base64 of 24 random bytes", () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(atob(secret.slice("whsec_".length))).toHaveLength(24);
  });

  it("is different every time", () => {
    const secrets = new Set(Array.from({ length: 50 }, generateSecret));
    expect(secrets.size).toBe(50);
  });
});
