import { MAX_EVENT_DEPTH, MAX_ISSUES, nestsDeeperThan } from "@bw-relay/schema";
import { describe, expect, it } from "vitest";
import { MAX_STORED_EVENT_BYTES, OVERSIZED_EXCERPT_CHARS, toIngestRecord } from "../src/ingest.ts";
import { FetchStub } from "./fetch-stub.ts";
import {
  api,
  postCallbacks,
  received,
  relayFetch,
  runAlarms,
  shardOf,
  useRelayTestState,
} from "./helpers.ts";

// What a hostile or broken sender with valid credentials can send: each answer is a 2xx with
// every event stored (accepted or quarantined) and retrievable, in time linear in the body.

interface Accepted {
  accepted: number;
  duplicates: number;
  quarantined: number;
  ids: string[];
}

async function post(body: unknown): Promise<Accepted> {
  const res = await postCallbacks(body);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<Accepted>();
}

/** The detail as text and parsed (JSON.parse reads any depth; the runtime's serializer does not). */
async function detailOf(id: string | undefined) {
  const res = await relayFetch(`/api/events/${id}`, {
    headers: { authorization: "Bearer test-admin-token" },
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, event: JSON.parse(text).event };
}

const nestedText = (depth: number, leaf = "0") => `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;

useRelayTestState();
const fetchStub = FetchStub.useInEachTest();

describe("an event with thousands of problems", () => {
  it("is quarantined with the first MAX_ISSUES issues and their count", async () => {
    const event = received("m-many", {});
    // 30,000 numbers: close to the tests' MAX_BODY_BYTES of 64 KiB.
    const body = JSON.stringify([{ ...event, message: { ...event.message, to: "TO" } }]).replace(
      '"TO"',
      `[${Array.from({ length: 30_000 }, () => "0").join(",")}]`,
    );
    const answer = await post(body);
    expect(answer).toMatchObject({ accepted: 0, quarantined: 1 });
    const { event: stored } = await detailOf(answer.ids[0]);
    expect(stored.issueCount).toBe(30_000);
    expect(stored.issues).toHaveLength(MAX_ISSUES);
    expect(stored.issues[0]).toEqual({
      path: "message.to.0",
      message: "message.to.0 must be a phone number (a string), got 0",
    });
    expect(stored.raw.message.to).toHaveLength(30_000);
  });
});

describe("deep nesting", () => {
  it("stores and serves an event without identity whose unknown field nests 3,000 deep", async () => {
    const body = `[{"unknown":${nestedText(3_000)}}]`;
    const answer = await post(body);
    expect(answer).toMatchObject({ accepted: 0, quarantined: 1 });
    const { text, event } = await detailOf(answer.ids[0]);
    expect(text).toContain(nestedText(3_000));
    expect(nestsDeeperThan(event.raw, 3_000)).toBe(true);
    expect(event.issues).toEqual([
      {
        path: "",
        message: `the event nests arrays and objects deeper than ${MAX_EVENT_DEPTH} levels`,
      },
    ]);
    // Bandwidth's resend of the same body is a duplicate.
    expect(await post(body)).toMatchObject({ duplicates: 1, quarantined: 0 });
  });

  it("takes a body that is only 10,000 nested arrays", async () => {
    const answer = await post(nestedText(10_000));
    expect(answer).toMatchObject({ quarantined: 1 });
    const { text } = await detailOf(answer.ids[0]);
    expect(text).toContain(`"raw":${nestedText(9_999)}`);
  });

  it("quarantines an otherwise valid event nested 5,000 deep, and never forwards it", async () => {
    await api("/api/targets", {
      method: "POST",
      body: { name: "r", url: "https://receiver.test/hook" },
      expect: 201,
    });
    const event = received("m-deep-valid");
    const body = JSON.stringify([{ ...event, extra: "DEEP" }]).replace('"DEEP"', nestedText(5_000));
    const answer = await post(body);
    expect(answer).toMatchObject({ accepted: 0, quarantined: 1 });
    expect((await detailOf(answer.ids[0])).event.status).toBe("quarantined");
    await runAlarms();
    expect(fetchStub.requests).toEqual([]);
  });
});

describe("a quarantined event and its correction", () => {
  it("never swallows the corrected resend, which is accepted and forwarded once", async () => {
    await api("/api/targets", {
      method: "POST",
      body: { name: "r", url: "https://receiver.test/hook" },
      expect: 201,
    });
    fetchStub.on("https://receiver.test/hook", 200);
    const event = received("m-fixed");
    const broken = { ...event, message: { ...event.message, direction: "sideways" } };
    const first = await post([broken]);
    expect(first).toMatchObject({ accepted: 0, quarantined: 1, duplicates: 0 });
    // A resend of the broken one is still a duplicate of it…
    expect(await post([broken])).toMatchObject({ duplicates: 1 });
    // …but the corrected event is new.
    const fixed = await post([event]);
    expect(fixed).toMatchObject({ accepted: 1, quarantined: 0, duplicates: 0 });
    expect(fixed.ids[0]).not.toBe(first.ids[0]);
    await runAlarms();
    expect(fetchStub.eventIds("https://receiver.test/hook")).toEqual([fixed.ids[0]]);
    expect((await detailOf(first.ids[0])).event.status).toBe("quarantined");
    expect((await detailOf(fixed.ids[0])).event.status).toBe("delivered");
  });
});

describe("an event too large for a row", () => {
  const huge = (id: string, chars: number) => {
    const event = received(id, {});
    // A string message.to is normalized to an array: raw and normalized differ, both stored.
    return { ...event, message: { ...event.message, to: "+15550001111", text: "x".repeat(chars) } };
  };

  it("is accepted when only its normalized form fits; the raw form is kept as an excerpt", async () => {
    const raw = huge("m-big", 900_000);
    const record = toIngestRecord(raw);
    expect(record.issues).toBeNull();
    expect(JSON.parse(record.normalized ?? "").message.to).toEqual(["+15550001111"]);
    const kept = JSON.parse(record.raw);
    expect(kept.truncated.bytes).toBe(JSON.stringify(raw).length);
    expect(kept.truncated.start).toBe(JSON.stringify(raw).slice(0, OVERSIZED_EXCERPT_CHARS));
    expect(await shardOf("m-big").ingest([record])).toMatchObject({ accepted: 1 });
    const { event } = await detailOf(record.id);
    expect(event.raw).toEqual(kept);
    expect(event.normalized.message.text).toHaveLength(900_000);
  });

  it("is quarantined when even its normalized form does not fit", async () => {
    const raw = huge("m-too-big", MAX_STORED_EVENT_BYTES);
    const record = toIngestRecord(raw);
    expect(record.normalized).toBeNull();
    expect(JSON.parse(record.issues ?? "")).toEqual({
      issues: [{ path: "", message: expect.stringMatching(/at most 1500000 can be stored$/) }],
      count: 1,
    });
  });

  it("keeps only an excerpt of a raw form that alone passes the budget", async () => {
    const raw = huge("m-huger", MAX_STORED_EVENT_BYTES + 1);
    raw.message.direction = "sideways"; // quarantined anyway: only the raw form is kept
    const record = toIngestRecord(raw);
    const kept = JSON.parse(record.raw);
    expect(kept.truncated.bytes).toBe(JSON.stringify(raw).length);
    expect(kept.truncated.start).toBe(JSON.stringify(raw).slice(0, OVERSIZED_EXCERPT_CHARS));
    expect(await shardOf("m-huger").ingest([record])).toMatchObject({ quarantined: 1 });
    expect((await detailOf(record.id)).event.raw).toEqual(kept);
  });
});

describe("admin authentication", () => {
  it("says when the Authorization header is not `Bearer <token>`", async () => {
    const res = await relayFetch("/api/events", {
      headers: { authorization: "Bearer test-admin-token x" },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        code: "unauthorized",
        message: "The Authorization header must be exactly `Bearer <token>`.",
      },
    });
  });
});
