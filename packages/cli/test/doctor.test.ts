import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { cli, deadPort, receiver, unique, until } from "./helpers.ts";

const dead = `http://127.0.0.1:${await deadPort()}`;

interface DoctorJson {
  ok: boolean;
  relay: string;
  checks: { id: string; title: string; status: string; detail: string }[];
  bandwidth: { callbackUrl: string; username: string; password: string };
}

interface TargetCheck {
  id: string;
  status: string;
  detail: string;
  lastDelivery: Record<string, unknown> | null;
}

const CHECK_LINE = /^[✓!✗-] /;

/** A relay of its own (test/global-setup.ts) with one healthy target: nothing to warn about. */
describe("bw-relay doctor, all well", () => {
  const env = { BW_RELAY_URL: inject("doctorRelayUrl") };
  const name = unique("doctor-ok");
  let local: Awaited<ReturnType<typeof receiver>>;
  let id: string;

  beforeAll(async () => {
    local = await receiver(204);
    expect((await cli(["targets", "add", name, local.url], { env })).code).toBe(0);
    id = (await cli(["trigger", "sms", "--json"], { env })).json<{ ids: string[] }>()
      .ids[0] as string;
    await until("the delivery", async () => {
      const { event } = (await cli(["events", "show", id, "--json"], { env })).json<{
        event: { status: string };
      }>();
      return event.status === "delivered";
    });
  });

  afterAll(async () => {
    await cli(["targets", "remove", name, "--yes"], { env });
    await local?.close();
  });

  it("every check, each target's last outcome, then what to enter in Bandwidth's dashboard; exit 0", async () => {
    const result = await cli(["doctor"], { env });
    expect(result.code).toBe(0);
    const url = env.BW_RELAY_URL;
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
    expect(result.stdout).toMatch(
      new RegExp(
        `^✓ target ${name}\\s+active, circuit closed; last delivery: delivered, 204 at .+ \\(${id}\\); 0 pending, 0 dead, 0 failed, 100% of attempts succeed$`,
        "m",
      ),
    );
    expect(result.stdout).toContain(
      `callback URL  ${url}/callbacks  (inbound and status callbacks)`,
    );
    expect(result.stdout).toContain("username      bandwidth");
    expect(result.stdout).toContain("password      $BW_RELAY_CALLBACK_PASSWORD here");
    expect(result.lines().at(-1)).toBe("all well");
    expect(result.stdout).not.toMatch(/^[!✗] /m);
    // The details start in one column.
    const columns = result
      .lines()
      .filter((l) => CHECK_LINE.test(l))
      .map((l) => l.search(/ {2}\S/));
    expect(new Set(columns).size).toBe(1);
  });

  it("--json: a stable shape, with each target's last delivery", async () => {
    const result = await cli(["doctor", "--json"], { env });
    expect(result.code).toBe(0);
    const report = result.json<DoctorJson>();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([
      "reachable",
      "clock",
      "admin",
      "callback-secrets",
      "media",
      "challenge",
      "credentials",
      `target:${name}`,
    ]);
    for (const c of report.checks) expect(["ok", "skip"]).toContain(c.status);
    expect(report.checks.at(-1)).toMatchObject({
      status: "ok",
      lastDelivery: {
        eventId: id,
        status: "delivered",
        attempts: 1,
        statusCode: 204,
        error: null,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        nextAttemptAt: null,
      },
    });
    expect(report.bandwidth).toEqual({
      callbackUrl: `${env.BW_RELAY_URL}/callbacks`,
      username: "bandwidth",
      password: expect.any(String),
    });
  });

  it("a warning alone (a paused target) exits 1; --strict is still accepted; resumed, 0 again", async () => {
    expect((await cli(["targets", "pause", name], { env })).code).toBe(0);
    const human = await cli(["doctor"], { env });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(new RegExp(`^! target ${name}\\s+paused`, "m"));
    expect(human.stdout).not.toMatch(/^✗ /m);
    expect(human.lines().at(-1)).toBe("not all well: 1 warning");
    const report = (await cli(["doctor", "--json"], { env })).json<DoctorJson>();
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status === "warn").map((c) => c.id)).toEqual([
      `target:${name}`,
    ]);
    expect((await cli(["doctor", "--strict"], { env })).code).toBe(1);
    expect((await cli(["targets", "resume", name], { env })).code).toBe(0);
    const resumed = await cli(["doctor", "--strict"], { env });
    expect(resumed.code).toBe(0);
    expect(resumed.lines().at(-1)).toBe("all well");
  });
});

describe("bw-relay doctor", () => {
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

  it("a target with dead deliveries warns, with its last outcome, and exits 1; paused is named", async () => {
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
    expect(result.code).toBe(1);
    const check = result
      .json<{ checks: TargetCheck[] }>()
      .checks.find((c) => c.id === `target:${name}`);
    expect(check).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(
        new RegExp(
          `^active, circuit closed, 1 failures in a row; last delivery: dead, 500 at .+ \\(${id}\\); 0 pending, 1 dead`,
        ),
      ),
      lastDelivery: {
        eventId: id,
        status: "dead",
        attempts: 1,
        statusCode: 500,
        error: "HTTP 500",
      },
    });
    const human = await cli(["doctor"]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(new RegExp(`^! target ${name}\\s+active, circuit closed`, "m"));
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
