import { describe, expect, inject, it } from "vitest";
import { cli, deadPort, receiver, unique, until } from "./helpers.ts";

const dead = `http://127.0.0.1:${await deadPort()}`;

interface DoctorJson {
  ok: boolean;
  relay: string;
  checks: { id: string; title: string; status: string; detail: string }[];
  bandwidth: { callbackUrl: string; username: string; password: string };
}

describe("bw-relay doctor", () => {
  it("a healthy relay: every check, then what to enter in Bandwidth's dashboard; exit 0", async () => {
    const result = await cli(["doctor"]);
    expect(result.code).toBe(0);
    const url = inject("relayUrl");
    expect(result.stdout).toContain(`bw-relay doctor ${url}`);
    expect(result.stdout).toMatch(/^✓ relay reachable\s+GET \/healthz answered 200 in \d+ms$/m);
    expect(result.stdout).toMatch(/^✓ admin token\s+accepted/m);
    expect(result.stdout).toMatch(
      /^✓ callback credentials set .*CALLBACK_USERNAME set, CALLBACK_PASSWORD set/m,
    );
    expect(result.stdout).toMatch(
      /^✓ callback challenge\s+401 with WWW-Authenticate: Basic realm="bw-relay"$/m,
    );
    expect(result.stdout).toMatch(
      /^✓ callback credentials accepted\s+user "bandwidth" accepted \(an empty batch: nothing stored\)$/m,
    );
    expect(result.stdout).toContain(
      `callback URL  ${url}/callbacks  (inbound and status callbacks)`,
    );
    expect(result.stdout).toContain("username      bandwidth");
    expect(result.stdout).toContain("password      $BW_RELAY_CALLBACK_PASSWORD here");
    expect(result.stdout).toMatch(/all well/);
    // The details start in one column.
    const columns = result
      .lines()
      .filter((l) => /^[✓!✗-] /.test(l))
      .map((l) => l.search(/ {2}\S/));
    expect(new Set(columns).size).toBe(1);
  });

  it("--json: a stable shape", async () => {
    const result = await cli(["doctor", "--json"]);
    const report = result.json<DoctorJson>();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id).slice(0, 7)).toEqual([
      "reachable",
      "clock",
      "admin",
      "callback-secrets",
      "media",
      "challenge",
      "credentials",
    ]);
    for (const c of report.checks) expect(["ok", "warn", "fail", "skip"]).toContain(c.status);
    expect(report.bandwidth).toEqual({
      callbackUrl: `${inject("relayUrl")}/callbacks`,
      username: "bandwidth",
      password: expect.any(String),
    });
  });

  it("wrong callback password: that check fails, exit 1", async () => {
    const result = await cli(["doctor", "--json"], {
      env: { BW_RELAY_CALLBACK_PASSWORD: "wrong" },
    });
    expect(result.code).toBe(1);
    const report = result.json<DoctorJson>();
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === "credentials")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("refused (401)"),
    });
  });

  it("a target with dead deliveries warns (and fails with --strict); an open problem is named", async () => {
    const broken = await receiver(500);
    const name = unique("doctor-dead");
    await cli([
      "targets",
      "add",
      name,
      broken.url,
      "--max-attempts",
      "1",
      "--owner",
      "+19195550199",
    ]);
    const [id] = (await cli(["trigger", "sms", "--owner", "+19195550199", "--json"])).json<{
      ids: string[];
    }>().ids;
    await until("the delivery to die", async () => {
      const { event } = (await cli(["events", "show", id as string, "--json"])).json<{
        event: { status: string };
      }>();
      return event.status === "dead";
    });
    const result = await cli(["doctor", "--json"]);
    const check = result.json<DoctorJson>().checks.find((c) => c.id === `target:${name}`);
    expect(check).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(
        /^active, circuit closed, 1 failures in a row; 0 pending, 1 dead/,
      ),
    });
    expect((await cli(["doctor", "--strict"])).code).toBe(1);
    await cli(["targets", "pause", name]);
    const paused = (await cli(["doctor", "--json"]))
      .json<DoctorJson>()
      .checks.find((c) => c.id === `target:${name}`);
    expect(paused?.detail).toMatch(/^paused/);
    await cli(["targets", "remove", name, "--yes"]);
    await broken.close();
  });

  it("an unconfigured relay: failures named, exit 1", async () => {
    const result = await cli(["doctor"], { env: { BW_RELAY_URL: inject("bareRelayUrl") } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✓ relay reachable/m);
    expect(result.stdout).toMatch(/^✗ admin token .*not configured \(503 not_configured/m);
    expect(result.stdout).toMatch(
      /^✗ callback challenge .*expected 401 with a Basic challenge, got 503 not_configured/m,
    );
    expect(result.stdout).toMatch(/^- targets .*needs the admin token/m);
    expect(result.stdout).toMatch(/problems?/);
  });

  it("an unreachable relay: one failure, the rest skipped, exit 1", async () => {
    const result = await cli(["doctor", "--json"], { env: { BW_RELAY_URL: dead } });
    expect(result.code).toBe(1);
    const report = result.json<DoctorJson>();
    expect(report.checks[0]).toMatchObject({
      id: "reachable",
      status: "fail",
      detail: expect.stringContaining("cannot reach"),
    });
    expect(report.checks.slice(1).every((c) => c.status === "skip")).toBe(true);
  });
});
