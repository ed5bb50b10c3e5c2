import { createHash } from "node:crypto";
import { loadEvent } from "@bw-relay/fixtures";
import { describe, expect, it } from "vitest";
import { canonicalJson, eventId, eventIdentity } from "../src/index.ts";

/** Bandwidth's documented message-failed callback, with `patch` applied. */
const failed = (patch: Record<string, unknown> = {}) => ({
  ...loadEvent("message-failed-1"),
  ...patch,
});

describe("eventId", () => {
  it("is evt_ + the first 32 hex digits of SHA-256 over the identity", async () => {
    const identity =
      '["message-failed","2016-09-14T18:20:16Z","14762070468292kw2fuqty55yp2b2","+52345678903",4432]';
    expect(eventIdentity(failed())).toBe(identity);
    const sha = createHash("sha256").update(identity).digest("hex");
    expect(await eventId(failed())).toBe(`evt_${sha.slice(0, 32)}`);
  });

  it("gives a resent callback the same id, whatever else changed in it", async () => {
    const resend = failed({
      description: "rejected-forbidden-country",
      carrierName: "AT&T",
      message: { id: "14762070468292kw2fuqty55yp2b2", to: "+52345678903", text: "" },
    });
    expect(await eventId(resend)).toBe(await eventId(failed()));
  });

  it("does not depend on key order", async () => {
    const event = failed();
    const reversed = Object.fromEntries(Object.entries(event).reverse());
    expect(await eventId(reversed)).toBe(await eventId(event));
  });

  it("tells the callbacks of a group message apart by the top-level to", async () => {
    const ids = await Promise.all(
      ["+12345678902", "+52345678903"].map((to) => eventId(failed({ to }))),
    );
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("tells failed and delivered for the same recipient apart", async () => {
    const { errorCode: _, ...delivered } = failed({ type: "message-delivered" });
    expect(await eventId(delivered)).not.toBe(await eventId(failed()));
  });

  it.each([
    ["time", { time: "2016-09-14T18:20:17Z" }],
    ["time precision", { time: "2016-09-14T18:20:16.000Z" }],
    ["errorCode", { errorCode: 4433 }],
    ["message.id", { message: { id: "14762070468292kw2fuqty55yp2b3" } }],
    ["type", { type: "message-delivered" }],
  ])("changes with the %s", async (_, patch) => {
    expect(await eventId(failed(patch))).not.toBe(await eventId(failed()));
  });

  it('treats errorCode 4432 and "4432" alike, and null like absent', async () => {
    expect(await eventId(failed({ errorCode: "4432" }))).toBe(await eventId(failed()));
    expect(await eventId(failed({ errorCode: " 4432 " }))).toBe(await eventId(failed()));
    const { errorCode: _, ...without } = failed();
    expect(await eventId(failed({ errorCode: null }))).toBe(await eventId(without));
  });

  it("identifies an event that lacks time, type or message.id by all its content", async () => {
    const broken = { type: "message-failed", message: { id: "x" }, description: "a" };
    const other = { ...broken, description: "b" };
    expect(eventIdentity(broken)).toBe(
      'raw:{"description":"a","message":{"id":"x"},"type":"message-failed"}',
    );
    expect(await eventId(other)).not.toBe(await eventId(broken));
    expect(await eventId(structuredClone(broken))).toBe(await eventId(broken));
  });

  it("gives non-objects an id too (quarantined garbage is still stored)", async () => {
    expect(await eventId(42)).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(await eventId("42")).not.toBe(await eventId(42));
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every level and leaves arrays in order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });

  it("leaves out undefined properties, as JSON does", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});
