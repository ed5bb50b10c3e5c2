import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { parseDevVars } from "../src/config.ts";
import { resolveConnection } from "../src/connection.ts";
import type { Io } from "../src/io.ts";
import { ADMIN_TOKEN, cli, deadPort, scratch } from "./helpers.ts";

const dead = `http://127.0.0.1:${await deadPort()}`;

/** A folder shaped like the repository: apps/relay/wrangler.jsonc. */
function fakeRepo(): string {
  const root = scratch();
  mkdirSync(join(root, "apps", "relay"), { recursive: true });
  writeFileSync(join(root, "apps", "relay", "wrangler.jsonc"), "{}");
  mkdirSync(join(root, "packages", "cli"), { recursive: true });
  return root;
}

const noRelayEnv = {
  BW_RELAY_URL: undefined,
  BW_RELAY_TOKEN: undefined,
  BW_RELAY_CALLBACK_PASSWORD: undefined,
};

describe("bw-relay init", () => {
  it("writes strong values to apps/relay/.dev.vars, never over an existing file without --force", async () => {
    const root = fakeRepo();
    const cwd = join(root, "packages", "cli");
    const first = await cli(["init", "--json"], { cwd });
    expect(first.code).toBe(0);
    const { path, values } = first.json<{ path: string; values: Record<string, string> }>();
    expect(path).toBe(join(root, "apps", "relay", ".dev.vars"));
    expect(values.CALLBACK_USERNAME).toBe("bandwidth");
    for (const name of ["CALLBACK_PASSWORD", "ADMIN_TOKEN", "MEDIA_SIGNING_KEY"]) {
      expect(values[name]).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    }
    expect(new Set(Object.values(values)).size).toBe(4);
    const vars = parseDevVars(readFileSync(path, "utf8"));
    expect(vars).toMatchObject({ ...values, ALLOW_HTTP_TARGETS: "true" });
    expect(statSync(path).mode & 0o077).toBe(0);

    const again = await cli(["init"], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `error: ${path} exists; pass --force to replace it (its current values are then gone)\n`,
    );
    expect(parseDevVars(readFileSync(path, "utf8")).ADMIN_TOKEN).toBe(values.ADMIN_TOKEN);
    const forced = await cli(["init", "--force"], { cwd });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(
      /^wrote .*\.dev\.vars with new CALLBACK_PASSWORD, ADMIN_TOKEN and MEDIA_SIGNING_KEY/,
    );
    expect(parseDevVars(readFileSync(path, "utf8")).ADMIN_TOKEN).not.toBe(values.ADMIN_TOKEN);
  });

  it("the CLI then uses the local relay's token and callback credentials from .dev.vars", async () => {
    const root = fakeRepo();
    writeFileSync(
      join(root, "apps", "relay", ".dev.vars"),
      'ADMIN_TOKEN="from-dev-vars"\nCALLBACK_USERNAME=u\nCALLBACK_PASSWORD=p\n',
    );
    const io: Io = {
      stdout: { write: () => true },
      stderr: { write: () => true },
      env: { HOME: root },
      cwd: root,
    };
    const conn = resolveConnection({}, io);
    expect(conn).toMatchObject({
      url: "http://127.0.0.1:8787",
      token: "from-dev-vars",
      tokenSource: "dev-vars",
      callback: { username: "u", password: "p", source: "dev-vars" },
    });
    // Never for a relay elsewhere.
    const remote = resolveConnection({ url: "https://relay.example.com" }, io);
    expect(remote).toMatchObject({
      token: "dev-admin-token",
      tokenSource: "default",
      devVarsPath: null,
    });
  });

  it("--env prints the wrangler secret put commands; --run runs them with each value on stdin", async () => {
    const root = fakeRepo();
    const printed = await cli(["init", "--env", "staging"], { cwd: root });
    expect(printed.code).toBe(0);
    const commands = printed.lines().filter((l) => l.startsWith("printf"));
    expect(commands.map((l) => l.replace(/'%s' '[^']*'/, "'%s' '…'"))).toEqual(
      ["CALLBACK_USERNAME", "CALLBACK_PASSWORD", "ADMIN_TOKEN", "MEDIA_SIGNING_KEY"].map(
        (name) => `printf '%s' '…' | npx -y pnpm@12 exec wrangler secret put ${name} --env staging`,
      ),
    );
    expect(printed.stdout).toContain("Keep these now: Cloudflare never shows a secret again.");
    expect(existsSync(join(root, "apps", "relay", ".dev.vars"))).toBe(false);

    // A stand-in for wrangler that records its arguments and stdin.
    const log = join(root, "wrangler.log");
    const fake = join(root, "fake-wrangler.mjs");
    writeFileSync(
      fake,
      `import { appendFileSync } from "node:fs"; let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => appendFileSync(${JSON.stringify(log)}, JSON.stringify([process.argv.slice(2), s]) + "\\n"));`,
    );
    const ran = await cli(
      [
        "init",
        "--env",
        "production",
        "--run",
        "--wrangler",
        `${process.execPath} ${fake}`,
        "--json",
      ],
      { cwd: root },
    );
    expect(ran.code).toBe(0);
    const { values } = ran.json<{ values: Record<string, string> }>();
    const calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as [string[], string]);
    expect(calls).toEqual(
      Object.entries(values).map(([name, value]) => [
        ["secret", "put", name, "--env", "production"],
        value,
      ]),
    );
    const failing = await cli(
      ["init", "--env", "staging", "--run", "--wrangler", `${process.execPath} -e process.exit(3)`],
      { cwd: root },
    );
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain(
      "`wrangler secret put CALLBACK_USERNAME --env staging` failed (exit 3)",
    );
  });

  it("outside the repository it asks for --dev-vars", async () => {
    const result = await cli(["init"], { cwd: scratch() });
    expect(result.code).toBe(2);
    const dir = scratch();
    expect((await cli(["init", "--dev-vars", "x.vars"], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, "x.vars"))).toBe(true);
  });
});

describe("profiles", () => {
  it("set, list, use, select with --profile, remove; an explicit profile beats the environment", async () => {
    const home = scratch();
    const env = {
      BW_RELAY_CONFIG: join(home, "c.json"),
      ...noRelayEnv,
      STAGING_TOKEN: ADMIN_TOKEN,
    };
    const set = await cli(
      [
        "profiles",
        "set",
        "staging",
        "--url",
        inject("relayUrl"),
        "--token-env",
        "STAGING_TOKEN",
        "--callback-user",
        "bandwidth",
      ],
      { env },
    );
    expect(set.code).toBe(0);
    expect(JSON.parse(readFileSync(env.BW_RELAY_CONFIG, "utf8"))).toEqual({
      profiles: {
        staging: {
          url: inject("relayUrl"),
          tokenEnv: "STAGING_TOKEN",
          callbackUsername: "bandwidth",
        },
      },
    });
    expect(statSync(env.BW_RELAY_CONFIG).mode & 0o077).toBe(0);

    const list = await cli(["profiles", "list"], { env });
    expect(list.lines()[0]).toMatch(/^PROFILE\s+URL\s+TOKEN\s+CALLBACK USER\s+DEFAULT$/);
    expect(list.stdout).toMatch(
      /^staging\s+http:\/\/127\.0\.0\.1:\d+\s+\$STAGING_TOKEN\s+bandwidth/m,
    );
    expect(list.stdout).toMatch(/^local\s+http:\/\/127\.0\.0\.1:8787/m);

    expect((await cli(["targets", "list", "--profile", "staging"], { env })).code).toBe(0);
    // The explicit profile wins over a BW_RELAY_URL left in the shell.
    expect(
      (await cli(["targets", "list", "-p", "staging"], { env: { ...env, BW_RELAY_URL: dead } }))
        .code,
    ).toBe(0);
    // Without it, the environment wins over the default profile.
    await cli(["profiles", "use", "staging"], { env });
    expect((await cli(["stats"], { env })).code).toBe(0);
    expect((await cli(["stats"], { env: { ...env, BW_RELAY_URL: dead } })).code).toBe(3);

    const missingToken = await cli(["stats", "--profile", "staging"], {
      env: { ...env, STAGING_TOKEN: undefined },
    });
    expect(missingToken.code).toBe(4);
    expect(missingToken.stderr).toBe(
      'error: profile "staging" reads its admin token from $STAGING_TOKEN, which is not set\n',
    );
    const unknown = await cli(["stats", "--profile", "prod"], { env });
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toContain('no profile "prod"');
    expect(unknown.stderr).toContain("(profiles: staging)");

    expect((await cli(["profiles", "remove", "staging", "--json"], { env })).json()).toEqual({
      path: env.BW_RELAY_CONFIG,
      removed: "staging",
    });
    expect(JSON.parse(readFileSync(env.BW_RELAY_CONFIG, "utf8"))).toEqual({ profiles: {} });
  });

  it("a broken config file is named", async () => {
    const home = scratch();
    writeFileSync(join(home, "c.json"), '{"profiles": {"x": {"urll": "y"}}}');
    const result = await cli(["stats"], { env: { BW_RELAY_CONFIG: join(home, "c.json") } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('profile "x" has unknown field(s) urll');
  });
});
