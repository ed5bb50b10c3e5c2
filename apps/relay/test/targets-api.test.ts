import { describe, expect, it } from "vitest";
import { api, appRequest, NO_FILTERS, relayEnv, relayFetch, useRelayTestState } from "./helpers.ts";

interface TargetView {
  id: string;
  name: string;
  url: string;
  headers: Record<string, string>;
  enabled: boolean;
  state: string;
  stateReason: string | null;
  maxAttempts: number;
  timeoutMs: number;
  eventTypes: string[];
  directions: string[];
  owners: string[];
  applicationIds: string[];
  createdAt: string;
}

describe("targets API", () => {
  useRelayTestState();

  it("creates a target with defaults and shows the generated secret once", async () => {
    const created = await api<{ target: TargetView; secret: string }>("/api/targets", {
      method: "POST",
      body: { name: "crm", url: "https://crm.example.com/bandwidth" },
      expect: 201,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.target).toMatchObject({
      id: expect.stringMatching(/^tgt_/),
      name: "crm",
      url: "https://crm.example.com/bandwidth",
      ...NO_FILTERS,
      enabled: true,
      state: "active",
      stateReason: null,
      maxAttempts: 10,
      timeoutMs: 10000,
      createdAt: "2030-01-01T00:00:00.000Z",
    });
    const listed = await api<{ targets: TargetView[] }>("/api/targets");
    expect(listed.targets).toHaveLength(1);
    const text = JSON.stringify([listed, await api(`/api/targets/${created.target.id}`)]);
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain(created.secret.slice(6));
  });

  it("keeps a given secret, masks every header value and stores filters", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const created = await api<{ target: TargetView; secret: string }>("/api/targets", {
      method: "POST",
      body: {
        name: "filtered",
        url: "https://a.example.com/",
        secret,
        eventTypes: ["message-delivered", "message-failed"],
        directions: ["out"],
        owners: ["+19196494865"],
        applicationIds: ["cfd4fb83-7531-4acc-b471-42d0bb76a65c"],
        headers: { Authorization: "Bearer receiver-token", "X-Tenant": "acme" },
        enabled: false,
        maxAttempts: 3,
        timeoutMs: 2000,
      },
      expect: 201,
    });
    expect(created.secret).toBe(secret);
    expect(created.target).toMatchObject({
      enabled: false,
      state: "paused",
      maxAttempts: 3,
      timeoutMs: 2000,
      directions: ["out"],
    });
    expect(created.target.headers).toEqual({ Authorization: "********", "X-Tenant": "********" });
    expect(JSON.stringify(created.target)).not.toContain("receiver-token");
    expect(JSON.stringify(created.target)).not.toContain("acme");
  });

  it("rejects invalid input with 400 and names the field, echoing no value", async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ url: "https://a.example.com" }, "name"],
      [{ name: "x" }, "url"],
      [{ name: "x", url: "not a url" }, "url"],
      [{ name: "x", url: "http://a.example.com" }, "https"],
      [{ name: "x", url: "https://user:pw@a.example.com" }, "credentials"],
      [{ name: "x", url: "https://a.example.com", secret: "hunter2-secret-value" }, "secret"],
      [{ name: "x", url: "https://a.example.com", directions: ["up"] }, "directions"],
      [
        { name: "x", url: "https://a.example.com", headers: { "webhook-signature": "x" } },
        "headers",
      ],
      [{ name: "x", url: "https://a.example.com", headers: { "bad header": "x" } }, "headers"],
      [{ name: "x", url: "https://a.example.com", maxAttempts: 0 }, "maxAttempts"],
      [{ name: "x", url: "https://a.example.com", timeoutMs: 60_000 }, "timeoutMs"],
      [{ name: "x", url: "https://a.example.com", colour: "red" }, "colour"],
    ];
    for (const [body, mention] of bad) {
      const res = await api<{ error: { code: string; message: string } }>("/api/targets", {
        method: "POST",
        body,
        expect: 400,
      });
      expect(res.error.code).toBe("invalid_request");
      expect(res.error.message, JSON.stringify(body)).toContain(mention);
      expect(res.error.message).not.toContain("hunter2");
    }
    expect((await api<{ targets: unknown[] }>("/api/targets")).targets).toEqual([]);
  });

  it("allows http: targets only with ALLOW_HTTP_TARGETS", async () => {
    const env = { ...relayEnv, ALLOW_HTTP_TARGETS: "true" };
    const res = await appRequest(
      "/api/targets",
      {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
        body: JSON.stringify({ name: "local", url: "http://127.0.0.1:9999/hook" }),
      },
      env,
    );
    expect(res.status).toBe(201);
  });

  it("answers 400 invalid_json for a body that is not JSON", async () => {
    const res = await appRequest(
      "/api/targets",
      { method: "POST", headers: { authorization: "Bearer test-admin-token" }, body: "{" },
      relayEnv,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_json" } });
  });

  it("updates, pauses, resumes and deletes; unknown ids are 404", async () => {
    const { target } = await api<{ target: TargetView }>("/api/targets", {
      method: "POST",
      body: { name: "x", url: "https://a.example.com" },
      expect: 201,
    });
    const patched = await api<{ target: TargetView }>(`/api/targets/${target.id}`, {
      method: "PATCH",
      body: { name: "renamed", eventTypes: ["message-received"], enabled: false },
    });
    expect(patched.target).toMatchObject({
      name: "renamed",
      eventTypes: ["message-received"],
      state: "paused",
      stateReason: expect.any(String),
    });
    const resumed = await api<{ target: TargetView }>(`/api/targets/${target.id}`, {
      method: "PATCH",
      body: { enabled: true },
    });
    expect(resumed.target).toMatchObject({ state: "active", stateReason: null, enabled: true });
    await api(`/api/targets/${target.id}`, {
      method: "PATCH",
      body: { url: "ftp://x" },
      expect: 400,
    });
    await api(`/api/targets/${target.id}`, { method: "DELETE", expect: 204 });
    for (const [method, path] of [
      ["GET", `/api/targets/${target.id}`],
      ["PATCH", `/api/targets/${target.id}`],
      ["DELETE", `/api/targets/${target.id}`],
      ["POST", `/api/targets/${target.id}/rotate-secret`],
    ] as const) {
      const res = await api<{ error: { code: string } }>(path, {
        method,
        body: method === "PATCH" ? { name: "y" } : undefined,
        expect: 404,
      });
      expect(res.error.code).toBe("not_found");
    }
  });

  it("rotates a secret: 201 with the new secret once", async () => {
    const { target, secret } = await api<{ target: TargetView; secret: string }>("/api/targets", {
      method: "POST",
      body: { name: "x", url: "https://a.example.com" },
      expect: 201,
    });
    const rotated = await api<{ secret: string; previousSecretExpiresAt: string }>(
      `/api/targets/${target.id}/rotate-secret`,
      { method: "POST", expect: 201 },
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.previousSecretExpiresAt).toBe("2030-01-02T00:00:00.000Z");
    const view = JSON.stringify(await api(`/api/targets/${target.id}`));
    expect(view).not.toContain(rotated.secret.slice(6));
  });
});

describe("admin request bodies", () => {
  useRelayTestState();

  it("are refused past 1 MiB with 413, before parsing", async () => {
    const res = await relayFetch("/api/targets", {
      method: "POST",
      headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(1_100_000), url: "https://example.com/hook" }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect(await api<{ targets: unknown[] }>("/api/targets")).toEqual({ targets: [] });
  });
});

describe("GET /api/settings", () => {
  useRelayTestState();

  it("shows the settings in force, secrets only as set or unset", async () => {
    const { settings } = await api<{ settings: Record<string, unknown> }>("/api/settings");
    expect(settings).toEqual({
      SHARD_COUNT: 4,
      RETENTION_HOURS: 48,
      MAX_BODY_BYTES: 65536,
      MEDIA_MODE: "passthrough",
      MEDIA_ARCHIVE: "off",
      ALLOW_HTTP_TARGETS: false,
      RETRY_BASE_MS: 5000,
      PUBLIC_URL: null,
      MEDIA_ACCOUNT_IDS: null,
      SHARD_LOCATION_HINT: null,
      SHARD_JURISDICTION: null,
      CALLBACK_USERNAME: "set",
      CALLBACK_PASSWORD: "set",
      CALLBACK_CREDENTIALS: { pairs: 3 },
      ADMIN_TOKEN: "set",
      MEDIA_SIGNING_KEY: { keys: 1 },
      BANDWIDTH_API_USERNAME: "set",
      BANDWIDTH_API_PASSWORD: "set",
      MEDIA_BUCKET: "bound",
    });
    const text = JSON.stringify(settings);
    for (const secret of [
      "test-callback-password",
      "test-admin-token",
      "test-media-key-1",
      "bw-api",
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("mistakes a newcomer makes with targets", () => {
  useRelayTestState();

  it("names an unknown field and the one that was probably meant", async () => {
    const typo = await api<{ error: { message: string } }>("/api/targets", {
      method: "POST",
      body: { name: "n", url: "https://example.com/hook", evenTypes: ["message-received"] },
      expect: 400,
    });
    expect(typo.error.message).toBe("unknown field `evenTypes` (did you mean `eventTypes`?).");
    const unknown = await api<{ error: { message: string } }>("/api/targets", {
      method: "POST",
      body: { name: "n", url: "https://example.com/hook", colour: "blue" },
      expect: 400,
    });
    expect(unknown.error.message).toMatch(/^unknown field `colour`; the fields are `name`, `url`/);
  });

  it("refuses an event type Bandwidth does not send, listing the ones it does", async () => {
    const res = await api<{ error: { message: string } }>("/api/targets", {
      method: "POST",
      body: { name: "n", url: "https://example.com/hook", eventTypes: ["message-recieved"] },
      expect: 400,
    });
    expect(res.error.message).toContain('event types are "message-received", "message-sending"');
  });

  it("rotates to a secret the operator supplies", async () => {
    const { target } = await api<{ target: { id: string } }>("/api/targets", {
      method: "POST",
      body: { name: "n", url: "https://example.com/hook" },
      expect: 201,
    });
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const rotated = await api<{ secret: string }>(`/api/targets/${target.id}/rotate-secret`, {
      method: "POST",
      body: { secret },
      expect: 201,
    });
    expect(rotated.secret).toBe(secret);
    await api(`/api/targets/${target.id}/rotate-secret`, {
      method: "POST",
      body: { secret: "not-a-secret" },
      expect: 400,
    });
  });
});
