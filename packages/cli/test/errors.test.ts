import { describe, expect, inject, it } from "vitest";
import { cli, deadPort } from "./helpers.ts";

const unreachable = `http://127.0.0.1:${await deadPort()}`;

describe("one clear line, and its exit code, when the relay cannot be used", () => {
  it.each([
    ["targets", "list"],
    ["events", "list"],
    ["stats"],
    ["tail", "--for", "5s"],
    ["listen", "--forward-to", "http://127.0.0.1:3000/x", "--for", "5s"],
    ["trigger", "sms"],
  ])("unreachable: %s → exit 3", async (...args) => {
    const result = await cli(args, { env: { BW_RELAY_URL: unreachable } });
    expect(result.code).toBe(3);
    const line = `error: cannot reach the relay at ${unreachable} (connection refused): check --url, BW_RELAY_URL or the profile's url\n`;
    // 127.0.0.1 is local: the hint says how to start the local relay.
    expect(result.stderr).toBe(
      line.replace(
        "check --url, BW_RELAY_URL or the profile's url",
        "is it running? Start it with `npx -y pnpm@12 dev`, or pass --url / set BW_RELAY_URL",
      ),
    );
    expect(result.stdout).toBe("");
  });

  it("unreachable, --json: the error as JSON on stdout", async () => {
    const result = await cli(["targets", "list", "--json"], { env: { BW_RELAY_URL: unreachable } });
    expect(result.code).toBe(3);
    expect(result.json()).toEqual({
      error: { code: "unreachable", message: expect.stringContaining("connection refused") },
    });
  });

  it.each([
    ["targets", "list"],
    ["events", "show", "evt_x"],
    ["tail", "--for", "5s"],
    ["recover", "x", "--yes"],
  ])("a wrong admin token: %s → exit 4", async (...args) => {
    const result = await cli(args, { env: { BW_RELAY_TOKEN: "wrong" } });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `error: the relay at ${inject("relayUrl")} refused the admin token (401 unauthorized): check --token, BW_RELAY_TOKEN or the profile's token\n`,
    );
  });

  it("a wrong admin token on the tail's WebSocket itself (the events API let it through)", async () => {
    // The token flag beats the environment: the WebSocket gets the wrong one too.
    const result = await cli(["tail", "--token", "wrong", "--json"]);
    expect(result.code).toBe(4);
    expect(result.json()).toEqual({
      error: { code: "unauthorized", message: expect.stringContaining("refused the admin token") },
    });
  });

  it("wrong callback credentials → exit 4, naming the user", async () => {
    const result = await cli(["trigger", "sms"], { env: { BW_RELAY_CALLBACK_PASSWORD: "wrong" } });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /^error: the relay at .* refused the callback credentials for user "bandwidth" \(401\)/,
    );
  });

  it.each([["targets", "list"], ["stats"], ["shards"], ["tail"], ["events", "list", "--follow"]])(
    "an unconfigured relay: %s → exit 5",
    async (...args) => {
      const result = await cli(args, { env: { BW_RELAY_URL: inject("bareRelayUrl") } });
      expect(result.code).toBe(5);
      expect(result.stderr).toBe(
        `error: the relay at ${inject("bareRelayUrl")} is not configured (503 not_configured: ADMIN_TOKEN is not configured.) — set its secrets with \`bw-relay init\`\n`,
      );
    },
  );

  it("an unconfigured relay refuses callbacks too: trigger → exit 5", async () => {
    const result = await cli(["trigger", "sms", "--json"], {
      env: { BW_RELAY_URL: inject("bareRelayUrl") },
    });
    expect(result.code).toBe(5);
    expect(result.json()).toEqual({
      error: {
        code: "not_configured",
        message: expect.stringContaining("Callback credentials are not configured"),
      },
    });
  });

  it("not a relay at all: says so", async () => {
    const server = (await import("node:http")).createServer((_q, r) =>
      r.writeHead(200, { "content-type": "text/html" }).end("<html>"),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const result = await cli(["targets", "list"], { env: { BW_RELAY_URL: url } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("not JSON: is it a bw-relay?");
    server.close();
  });

  it("says a listing is partial, naming the shards a relay could not read", async () => {
    const server = (await import("node:http")).createServer((_q, r) =>
      r
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ events: [], nextCursor: null, failedShards: ["e1-shard-3"] })),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const result = await cli(["events", "list"], { env: { BW_RELAY_URL: url } });
    server.close();
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("partial: shard(s) e1-shard-3 could not be read");
  });

  it("usage errors exit 2; --help and --version exit 0", async () => {
    expect((await cli(["nonsense"])).code).toBe(2);
    expect((await cli(["events", "list", "--limit", "0"])).code).toBe(2);
    expect((await cli(["events", "list", "--direction", "sideways"])).code).toBe(2);
    expect((await cli(["--url", "ftp://x", "targets", "list"])).code).toBe(2);
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: bw-relay");
    expect((await cli(["--version"])).stdout).toBe("0.1.0\n");
  });
});
