import { describe, expect, it } from "vitest";
import { api, useRelayTestState } from "./helpers.ts";

useRelayTestState();

interface ErrorBody {
  error: { code: string; message: string };
}

const BASE = { name: "t", url: "https://hooks.example.com/x" };
const many = (n: number, make: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => make(i));
const headers = (n: number, make: (i: number) => [string, string]) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => make(i)));

async function refused(body: Record<string, unknown>, mention: string): Promise<void> {
  const res = await api<ErrorBody>("/api/targets", { method: "POST", body, expect: 400 });
  expect(res.error.code).toBe("invalid_request");
  expect(res.error.message, mention).toContain(mention);
}

async function targetCount(): Promise<number> {
  return (await api<{ targets: unknown[] }>("/api/targets")).targets.length;
}

describe("target size limits", () => {
  it("refuses each field over its cap with 400, naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "n".repeat(101) }, "name: at most 100 characters"],
      [{ url: `https://hooks.example.com/${"p".repeat(2049 - 26)}` }, "url: must be at most 2048"],
      [{ eventTypes: ["message-recieved"] }, 'eventTypes.0: event types are "message-received"'],
      [{ owners: ["+1", "o".repeat(201)] }, "owners.1: each owner is at most 200"],
      [{ applicationIds: ["a".repeat(201)] }, "applicationIds.0: each application id is at most"],
      [{ eventTypes: many(101, () => "message-sent") }, "eventTypes: at most 100 event types"],
      [{ owners: many(101, (i) => `+1${i}`) }, "owners: at most 100 owners"],
      [{ applicationIds: many(101, (i) => `app-${i}`) }, "applicationIds: at most 100"],
      [{ directions: ["in", "out", "in"] }, "directions: at most 2"],
      [{ headers: { ["X".repeat(101)]: "v" } }, "header names are at most 100 characters"],
      [{ headers: { "X-Big": "v".repeat(1025) } }, "headers.X-Big: header values are at most 1024"],
      [{ headers: headers(21, (i) => [`X-H${i}`, "v"]) }, "at most 20 headers"],
      [{ headers: { "X-Bad": "a\u0000b" } }, "headers.X-Bad: header values must be one line"],
      [{ headers: { "X-Bad": "caf\u20ac" } }, "headers.X-Bad: header values must be one line"],
    ];
    for (const [fields, mention] of cases) await refused({ ...BASE, ...fields }, mention);
    expect(await targetCount()).toBe(0);
  });

  it("accepts every field at its cap", async () => {
    await api("/api/targets", {
      method: "POST",
      body: {
        ...BASE,
        name: "n".repeat(100),
        url: `https://hooks.example.com/${"p".repeat(2048 - 26)}`,
        eventTypes: many(100, () => "message-delivered"),
        owners: many(100, (i) => `+1919649${String(i).padStart(4, "0")}`),
        applicationIds: ["a".repeat(200)],
        headers: {
          ["X".repeat(100)]: "v",
          "X-Big": "v".repeat(1024),
          ...headers(18, (i) => [`X-H${i}`, "v\tw"]),
        },
      },
      expect: 201,
    });
  });

  it("answers 400, not 500, for megabytes of filters, and stores nothing", async () => {
    // 100 event types of 100 KB each once hit SQLite's row limit (a 500); a 2.5 MB target
    // once stored fine and then broke every later snapshot push. Bodies that size are now
    // refused before parsing (413); under the 1 MiB body limit, the field is named (400).
    for (const body of [
      { ...BASE, eventTypes: many(100, () => "t".repeat(100_000)) },
      { ...BASE, headers: headers(20, (i) => [`X-H${i}`, "v".repeat(125_000)]) },
    ]) {
      const res = await api<ErrorBody>("/api/targets", { method: "POST", body, expect: 413 });
      expect(res.error.code).toBe("payload_too_large");
    }
    await refused({ ...BASE, owners: many(100, () => "t".repeat(9_000)) }, "owners.0:");
    await refused(
      { ...BASE, headers: headers(20, (i) => [`X-H${i}`, "v".repeat(40_000)]) },
      "headers.X-H0: header values are at most 1024",
    );
    expect(await targetCount()).toBe(0);
  });

  it("caps the whole target, since every shard holds every target", async () => {
    // Each field within its own cap, together over 16 KiB.
    const fat = {
      owners: many(100, (i) => `${i}`.padEnd(110, "e")),
      applicationIds: many(100, (i) => `${i}`.padEnd(100, "a")),
    };
    const body = { ...BASE, ...fat };
    const res = await api<ErrorBody>("/api/targets", { method: "POST", body, expect: 400 });
    expect(res.error.code).toBe("invalid_request");
    expect(res.error.message).toMatch(/take \d+ bytes together, more than the 16384/);
    expect(res.error.message).toContain("owners is the largest part");
    expect(await targetCount()).toBe(0);

    // A PATCH is measured with what the target already has.
    const { target } = await api<{ target: { id: string } }>("/api/targets", {
      method: "POST",
      body: { ...BASE, owners: fat.owners },
      expect: 201,
    });
    const patched = await api<ErrorBody>(`/api/targets/${target.id}`, {
      method: "PATCH",
      body: { applicationIds: fat.applicationIds, name: "changed" },
      expect: 400,
    });
    expect(patched.error.message).toContain("more than the 16384");
    expect(
      await api<{ target: { name: string; applicationIds: string[] } }>(
        `/api/targets/${target.id}`,
      ),
    ).toMatchObject({ target: { name: "t", applicationIds: [] } });
  });

  it("counts text beyond Latin-1 at two bytes a character, as a shard's storage keeps it", async () => {
    // 80 owners of 199 ASCII characters and one "Ā": under 16 KiB of UTF-8, twice that stored.
    const owners = many(80, (i) => `${`${i}`.padEnd(199, "o")}Ā`);
    expect(new TextEncoder().encode(JSON.stringify(owners)).length).toBeLessThan(16_384);
    await refused({ ...BASE, owners }, "more than the 16384");
    expect(await targetCount()).toBe(0);
  });

  it("keeps at most 100 targets: one more is 409 until one is deleted", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const { target } = await api<{ target: { id: string } }>("/api/targets", {
        method: "POST",
        body: { name: `t${i}`, url: `https://hooks.example.com/${i}` },
        expect: 201,
      });
      ids.push(target.id);
    }
    const res = await api<ErrorBody>("/api/targets", {
      method: "POST",
      body: { name: "one-too-many", url: "https://hooks.example.com/101" },
      expect: 409,
    });
    expect(res.error).toEqual({
      code: "too_many_targets",
      message: expect.stringContaining("already has 100 targets"),
    });
    expect(await targetCount()).toBe(100);
    await api(`/api/targets/${ids[0]}`, { method: "DELETE", expect: 204 });
    await api("/api/targets", { method: "POST", body: BASE, expect: 201 });
  });
});
