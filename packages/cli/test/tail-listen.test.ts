import { verify } from "@bw-relay/schema";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { cli, type Received, receiver, unique, until } from "./helpers.ts";
import { tcpProxy } from "./proxy.ts";

const OWNER = "+19195550188";
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** Lines written so far by a running command, parsed as JSON. */
function recorder() {
  let text = "";
  return {
    onStdout: (chunk: string) => {
      text += chunk;
    },
    records: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/**
 * A forward is signed like a real delivery: checked by @bw-relay/schema's `verify` and by the
 * independent `standardwebhooks` package, what a receiver would use.
 */
async function expectSigned(r: Received) {
  const headers = r.headers as Record<string, string>;
  expect(await verify({ payload: r.body, headers, secrets: [SECRET] })).toEqual({ ok: true });
  expect(new Webhook(SECRET).verify(r.body, headers)).toEqual(JSON.parse(r.body));
  expect(() => new Webhook(SECRET).verify(`${r.body} `, headers)).toThrow();
}

const trigger = async (...args: string[]) => {
  const sent = await cli(["trigger", ...args, "--owner", OWNER, "--json"]);
  expect(sent.code).toBe(0);
  return sent.json<{ ids: string[] }>().ids;
};

describe("tail", () => {
  const target = unique("tail-target");
  let local: Awaited<ReturnType<typeof receiver>>;
  afterAll(async () => {
    await cli(["targets", "remove", target, "--yes"]);
    await local?.close();
  });

  it("one line per accepted event and per delivery outcome, with attempt numbers and retries", async () => {
    local = await receiver(503);
    await cli(["targets", "add", target, local.url, "--owner", OWNER, "--max-attempts", "2"]);
    const rec = recorder();
    const controller = new AbortController();
    const tailing = cli(["tail", "--json", "--for", "25s"], {
      signal: controller.signal,
      onStdout: rec.onStdout,
    });
    await until("the tail to connect", () =>
      rec.records().some((r) => r.type === "status" && r.kind === "connected"),
    );
    const [id] = await trigger("sms");
    const deliveries = await until("both attempts on the tail", () => {
      const found = rec
        .records()
        .filter((r) => r.type === "delivery" && (r.delivery as { eventId: string }).eventId === id);
      return found.length >= 2 ? found : undefined;
    });
    controller.abort();
    const result = await tailing;
    expect(result.code).toBe(0);
    const event = rec
      .records()
      .find((r) => r.type === "event" && (r.event as { id: string }).id === id);
    expect(event).toMatchObject({
      via: expect.stringMatching(/^(live|catch-up)$/),
      event: { type: "message-received", owner: OWNER },
    });
    expect(deliveries.map((d) => d.delivery)).toEqual([
      expect.objectContaining({
        targetName: target,
        attempt: 1,
        status: "pending",
        statusCode: 503,
        nextAttemptAt: expect.any(String),
      }),
      expect.objectContaining({
        targetName: target,
        attempt: 2,
        status: "dead",
        statusCode: 503,
        nextAttemptAt: null,
      }),
    ]);
  });

  it("human lines: the event, then each attempt with its status code, latency and next retry", async () => {
    let text = "";
    let err = "";
    const controller = new AbortController();
    const tailing = cli(["tail", "--for", "25s"], {
      signal: controller.signal,
      onStdout: (c) => (text += c),
      onStderr: (c) => (err += c),
    });
    await until("the tail to connect", () => err.includes("connected to ws://127.0.0.1:"));
    const [id] = await trigger("sms");
    await until("the dead attempt", () =>
      new RegExp(`${id}  → ${target}  attempt 2  503  \\d+ms  dead`).test(text),
    );
    controller.abort();
    const result = await tailing;
    expect(result.stderr).toContain("connected to ws://127.0.0.1:");
    expect(text).toMatch(
      new RegExp(
        `\\d\\d:\\d\\d:\\d\\d  ${id}  message-received  in  \\${OWNER}  \\S+  pending  → ${target} pending`,
      ),
    );
    // The test relay retries within a second: on a busy machine the line can come after it.
    expect(text).toMatch(
      new RegExp(
        `${id}  → ${target}  attempt 1  503  \\d+ms  retrying  HTTP 503  next retry \\d\\d:\\d\\d:\\d\\d \\((in .+|.+ ago)\\)`,
      ),
    );
  });
});

describe("listen", () => {
  it("forwards each new event to a local server, signed like a real delivery", async () => {
    const local = await receiver(200);
    const rec = recorder();
    const listening = cli(
      [
        "listen",
        "--forward-to",
        local.url,
        "--secret",
        SECRET,
        "--max",
        "3",
        "--for",
        "25s",
        "--json",
      ],
      { onStdout: rec.onStdout },
    );
    await until("listen to connect", () =>
      rec.records().some((r) => r.type === "status" && r.kind === "connected"),
    );
    expect(rec.records()[0]).toEqual({
      type: "listening",
      forwardTo: local.url,
      secret: SECRET,
      relay: expect.any(String),
    });
    const ids = await trigger("--lifecycle");
    const result = await listening;
    expect(result.code).toBe(0);
    const forwards = rec.records().filter((r) => r.type === "forward");
    expect(forwards.map((f) => f.eventId)).toEqual(ids);
    expect(forwards.every((f) => f.statusCode === 200)).toBe(true);
    expect(local.received.map((r) => r.headers["webhook-id"])).toEqual(ids);
    for (const r of local.received) {
      await expectSigned(r);
      const body = JSON.parse(r.body) as { type: string; message: { owner: string } }[];
      expect(body).toHaveLength(1);
      expect(body[0]?.message.owner).toBe(OWNER);
      expect(r.headers["bw-relay-attempt"]).toBe("1");
      expect(r.headers["content-type"]).toBe("application/json");
    }
    expect(local.received.map((r) => JSON.parse(r.body)[0].type)).toEqual([
      "message-sending",
      "message-sent",
      "message-delivered",
    ]);
    await local.close();
  });

  it("catches up after a forced disconnect, says so, and forwards what it missed once each", async () => {
    const local = await receiver(204);
    const relayUrl = (await import("vitest")).inject("relayUrl");
    const proxy = await tcpProxy(relayUrl);
    let out = "";
    let err = "";
    const controller = new AbortController();
    const type = ["--type", "message-received"];
    const listening = cli(
      ["listen", "--forward-to", local.url, "--secret", SECRET, ...type, "--for", "40s"],
      {
        env: { BW_RELAY_URL: proxy.url },
        signal: controller.signal,
        onStdout: (c) => (out += c),
      },
    ).then((r) => {
      err = r.stderr;
      return r;
    });
    const text = unique("gap");
    await until("listen to connect", async () => {
      // Connected and past the relay's first-second publish window: a live event arrives.
      await trigger("sms", "--text", `${text}-warmup`);
      await new Promise((r) => setTimeout(r, 300));
      return local.received.length > 0;
    });
    const before = local.received.length;
    proxy.cut();
    // Sent straight to the relay while the laptop is "asleep".
    const missed = [
      ...(await trigger("sms", "--text", text)),
      ...(await trigger("mms", "--text", text)),
    ];
    proxy.restore();
    await until(
      "the missed events to be forwarded",
      () => missed.every((id) => local.received.some((r) => r.headers["webhook-id"] === id)),
      25_000,
    );
    controller.abort();
    const result = await listening;
    expect(result.code).toBe(0);
    expect(err).toMatch(/connection lost \(.+\); reconnecting…/);
    expect(err).toMatch(/reconnected after .+; caught up [1-9]\d* events? from the gap/);
    for (const id of missed)
      expect(out).toMatch(
        new RegExp(`${id}  message-received  in  → 204  \\d+ms  \\(caught up\\)`),
      );
    const after = local.received.slice(before);
    const forwardedIds = after.map((r) => r.headers["webhook-id"]);
    expect(new Set(forwardedIds).size).toBe(forwardedIds.length);
    for (const r of after) await expectSigned(r);
    await proxy.close();
    await local.close();
  });

  it("shows the local server's failures, and refuses a bad secret", async () => {
    const local = await receiver(500);
    let out = "";
    const listening = cli(
      [
        "listen",
        "--forward-to",
        local.url,
        "--max",
        "1",
        "--for",
        "20s",
        "--type",
        "message-failed",
      ],
      {
        onStdout: (c) => (out += c),
      },
    );
    await new Promise((r) => setTimeout(r, 500));
    await until("the failure to be shown", async () => {
      await trigger("failed", "--error-code", "4432");
      await new Promise((r) => setTimeout(r, 300));
      return out.includes("→ 500");
    });
    const result = await listening;
    expect(result.code).toBe(0);
    expect(out).toMatch(/message-failed {2}out {2}→ 500 {2}\d+ms {2}answer 500/);
    await local.close();
    const bad = await cli(["listen", "--forward-to", "http://127.0.0.1:1/x", "--secret", "nope"]);
    expect(bad.code).toBe(2);
    const noUrl = await cli(["listen"]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("required option '--forward-to <url>' not specified");
  });
});
