/**
 * The console in a real browser against a real relay: sign in, live events, filters, event
 * detail and replay, quarantine issues, target pause/resume and secret rotation, dead-letter
 * recovery. Skipped (and said so by `pnpm test`) when Chromium is not installed.
 * CONSOLE_SCREENSHOTS=1 also writes the README's screenshots to apps/console/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateCallbacks } from "@bw-relay/cli/generate";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, hasChromium } from "../scripts/chromium.ts";
import { ADMIN_TOKEN, type Rig, startRig } from "./browser.ts";

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", "screenshots");
const WAIT = { timeout: 15_000 };

async function shot(page: Page, name: string) {
  if (process.env.CONSOLE_SCREENSHOTS !== "1") return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

if (!hasChromium) {
  console.warn(`console browser tests SKIPPED: no Chromium at ${CHROMIUM}`);
}

describe.skipIf(!hasChromium)("the console in Chromium", () => {
  let rig: Rig;
  let page: Page;
  let crm: string;
  let flaky: string;

  beforeAll(async () => {
    rig = await startRig();
    page = rig.context.pages()[0] ?? (await rig.context.newPage());
    page.on("dialog", (dialog) => void dialog.accept());
    const created = await Promise.all([
      rig.admin<{ target: { id: string } }>("POST", "/api/targets", {
        name: "crm",
        url: rig.goodUrl,
      }),
      rig.admin<{ target: { id: string } }>("POST", "/api/targets", {
        name: "flaky",
        url: rig.badUrl,
        maxAttempts: 2,
        eventTypes: ["message-failed"],
      }),
    ]);
    [crm, flaky] = created.map((c) => c.target.id) as [string, string];
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("serves the console at / while the Worker keeps its routes", async () => {
    const health = await fetch(`${rig.relay.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const api = await fetch(`${rig.relay.url}/api/events`);
    expect(api.status).toBe(401);
    const deep = await fetch(`${rig.relay.url}/events/evt_x`, {
      headers: { "sec-fetch-mode": "navigate" },
    });
    expect(await deep.text()).toContain('<div id="app">');
  });

  it("loads light and fast: transferred bytes and first paint within budget", async () => {
    await page.goto(`${rig.relay.url}/`);
    await page.getByLabel("Admin token").waitFor(WAIT);
    const measured = await page.evaluate(() => {
      const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      return {
        // Bytes on the wire (wrangler dev compresses like Cloudflare does), the page included.
        bytes: nav.encodedBodySize + resources.reduce((n, r) => n + r.encodedBodySize, 0),
        firstPaintMs: Math.round(paint?.startTime ?? -1),
      };
    });
    console.log(
      `console first load: ${measured.bytes} bytes, first contentful paint ${measured.firstPaintMs} ms`,
    );
    expect(measured.bytes).toBeLessThan(150_000);
    expect(measured.firstPaintMs).toBeGreaterThan(0);
    expect(measured.firstPaintMs).toBeLessThan(3_000);
  });

  it("refuses a wrong token, then signs in", async () => {
    await page.goto(`${rig.relay.url}/`);
    await page.getByLabel("Admin token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong admin token" }).waitFor(WAIT);
    await shot(page, "sign-in");
    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor(WAIT);
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
  });

  it("shows events arriving live, newest first", async () => {
    await page.getByRole("link", { name: "Events", exact: true }).click();
    await page.getByText("live", { exact: true }).waitFor(WAIT);
    const { ids } = await rig.callbacks([
      ...generateCallbacks("message-received", { text: "hello from the test" }),
      ...generateCallbacks("message-failed", { errorCode: 4432 }),
    ]);
    for (const id of ids) await page.locator(`tr[data-event-id="${id}"]`).waitFor(WAIT);
    const first = await page.locator("tbody tr").first().getAttribute("data-event-id");
    expect(ids).toContain(first);
    await shot(page, "events");
  });

  it("filters by type, reflected in the page URL", async () => {
    await page.getByLabel("Type").selectOption("message-failed");
    await page.waitForURL(/type=message-failed/, WAIT);
    // The rows read below must be the filtered answer, not the list from before the change.
    await page.locator('table.events[aria-busy="false"]').waitFor(WAIT);
    await expect.poll(() => page.locator("tbody tr").count(), WAIT).toBeGreaterThan(0);
    const types = await page.locator("tbody tr td:nth-child(2)").allTextContents();
    for (const type of types) expect(type).toContain("message-failed");
    // The same view from its URL alone.
    await page.reload();
    await expect(page.getByLabel("Type")).toBeDefined();
    expect(await page.getByLabel("Type").inputValue()).toBe("message-failed");
  });

  it("opens an event, shows Bandwidth context and replays it", async () => {
    await page.locator("tbody tr a").first().click();
    await page.getByRole("heading", { name: /message-failed/ }).waitFor(WAIT);
    await page.getByText("rejected-forbidden-country").first().waitFor(WAIT);
    await page.getByText("Raw (as received)").waitFor(WAIT);
    await page.getByRole("button", { name: "Replay to all targets" }).click();
    await page.getByRole("status").filter({ hasText: "Replay queued" }).waitFor(WAIT);
    await page.locator(`article[data-target-id="${flaky}"] .timeline li`).first().waitFor(WAIT);
    await shot(page, "event-detail");
  });

  it("points a quarantined event's issues at the field", async () => {
    const { ids } = await rig.callbacks([
      { type: "message-received", time: new Date().toISOString(), message: { direction: "in" } },
    ]);
    await page.goto(`${rig.relay.url}/events/${ids[0]}`);
    await page.getByRole("heading", { name: /Validation issues/ }).waitFor(WAIT);
    await page.locator(".issues code", { hasText: "message.id" }).first().waitFor(WAIT);
    await page.locator(".line.issue").first().waitFor(WAIT);
    await shot(page, "quarantined");
  });

  it("pauses and resumes a target, sends a test and rotates its secret", async () => {
    await page.getByRole("link", { name: "Targets" }).click();
    const row = page.locator(`tr[data-target-id="${crm}"]`);
    await row.getByRole("button", { name: "Pause" }).click();
    await row.locator(".badge", { hasText: "paused" }).waitFor(WAIT);
    await row.getByRole("button", { name: "Resume" }).click();
    await row.locator(".badge", { hasText: "active" }).waitFor(WAIT);
    await row.getByRole("button", { name: "Test" }).click();
    await page.getByRole("status").filter({ hasText: "Test delivery to crm: 204" }).waitFor(WAIT);
    await row.getByRole("button", { name: "Rotate secret" }).click();
    const secret = page.locator("[data-secret]");
    await secret.waitFor(WAIT);
    expect(await secret.textContent()).toMatch(/^whsec_/);
    await shot(page, "targets");
  });

  it("edits a target's headers and application ids; values come back masked", async () => {
    const row = page.locator(`tr[data-target-id="${crm}"]`);
    await row.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Headers").fill("X-Api-Key: k-123");
    await page.getByLabel("Application ids").fill("app-1, app-2");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(
        async () =>
          (await rig.admin<{ target: { headers: object } }>("GET", `/api/targets/${crm}`)).target
            .headers,
      )
      .toEqual({ "X-Api-Key": "********" });
    const { target } = await rig.admin<{ target: { applicationIds: string[] } }>(
      "GET",
      `/api/targets/${crm}`,
    );
    expect(target.applicationIds).toEqual(["app-1", "app-2"]);
    // Saving again without touching the masked header keeps its real value (nothing is sent).
    await row.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Application ids").fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(
        async () =>
          (await rig.admin<{ target: { applicationIds: string[] } }>("GET", `/api/targets/${crm}`))
            .target.applicationIds,
      )
      .toEqual([]);
  });

  it("counts dead deliveries, then recovers them", async () => {
    await expect
      .poll(
        async () =>
          (await rig.admin<{ events: unknown[] }>("GET", "/api/events?deliveryStatus=dead")).events
            .length,
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    await page.getByRole("link", { name: "Dead letters" }).click();
    await page.getByText(/^\d+ dead deliver/).waitFor(WAIT);
    const count = Number((await page.locator(".count").textContent())?.match(/\d+/)?.[0]);
    expect(count).toBeGreaterThan(0);
    await shot(page, "dead-letters");
    await page.getByRole("button", { name: `Recover ${count}` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Recovery queued ${count}` })
      .waitFor(WAIT);
  });

  it("draws the overview charts", async () => {
    await page.getByRole("link", { name: "Overview" }).click();
    await page.locator(".chart canvas").first().waitFor(WAIT);
    // The per-minute series are counted from the events API: wait until they hold events.
    await page.locator('.chart [role="img"][aria-label*="Totals: message-"]').first().waitFor(WAIT);
    await page.getByText("Events per minute by type").waitFor(WAIT);
    await shot(page, "overview");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "overview-phone-dark");
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("lists the shard epochs on the overview, read-only", async () => {
    await page.getByRole("link", { name: "Overview" }).click();
    const section = page.getByRole("region", { name: "Shards" });
    const table = section.getByRole("table", { name: "Shard epochs, oldest first" });
    // The rig's relay runs SHARD_COUNT 2: one epoch, current since the start.
    await page.locator('table.shards[aria-busy="false"] tbody tr[data-epoch="0"]').waitFor(WAIT);
    expect(await table.locator("thead th").allTextContents()).toEqual([
      "Epoch",
      "Shards",
      "Since",
      "State",
    ]);
    const row = (epoch: number) =>
      table.locator(`tbody tr[data-epoch="${epoch}"] > *`).allTextContents();
    expect(await row(0)).toEqual(["0", "2", "from the start", "current"]);
    await section.getByText("New messages go to 2 shards (epoch 0)").waitFor(WAIT);
    await section.getByText("bw-relay shards set COUNT").waitFor(WAIT);
    expect(await section.getByRole("button").count()).toBe(0);

    // An operator opens an epoch (the CLI's `shards set 4`); the overview shows both. Last
    // test: the rig's relay keeps the new epoch.
    await rig.admin("POST", "/api/shards", { shardCount: 4 });
    await page.reload();
    await table.locator('tbody tr[data-epoch="1"]').waitFor(WAIT);
    expect(await row(0)).toEqual(["0", "2", "from the start", "closed"]);
    expect((await row(1)).slice(0, 2)).toEqual(["1", "4"]);
    expect((await row(1))[3]).toBe("current");
    await section.getByText("New messages go to 4 shards (epoch 1)").waitFor(WAIT);
  });
});
