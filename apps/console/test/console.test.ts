/**
 * The console in a real browser against a real relay: sign in, titles and focus on navigation,
 * live events and pausing them, filters, a partial page said, event detail and replay (all
 * targets, one), quarantine issues and normalization changes, target creation, pause/resume and
 * secret rotation, dead-letter recovery (all, one time window). Skipped (and said so by
 * `pnpm test`) when Chromium is not installed.
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

async function shot(page: Page, name: string, fullPage = false) {
  if (process.env.CONSOLE_SCREENSHOTS !== "1") return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** A JSON pane of the event detail, by its caption ("Raw (as received)", "Normalized …"). */
const pane = (page: Page, caption: string) =>
  page.locator("figure.json-pane", { has: page.locator("figcaption", { hasText: caption }) });

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

  it("names each view in the title and moves focus to the main region on navigation", async () => {
    expect(await page.title()).toBe("Overview · bw-relay console");
    await page.getByRole("link", { name: "Targets" }).click();
    await page.getByRole("heading", { name: "Targets" }).waitFor(WAIT);
    await expect.poll(() => page.title()).toBe("Targets · bw-relay console");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    // Back (popstate) is a navigation too.
    await page.goBack();
    await page.getByRole("heading", { name: "Overview" }).waitFor(WAIT);
    await expect.poll(() => page.title()).toBe("Overview · bw-relay console");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
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

  it("pauses the live list without moving the rows, then resumes", async () => {
    const first = page.locator("tbody tr").first();
    const before = {
      id: await first.getAttribute("data-event-id"),
      box: await first.boundingBox(),
    };
    await page.getByRole("button", { name: "Pause live" }).click();
    await page.getByText("live: paused", { exact: true }).waitFor(WAIT);
    const { ids } = await rig.callbacks(
      generateCallbacks("message-received", { text: "sent while paused" }),
    );
    const notice = page.getByRole("button", { name: `${ids.length} new event` });
    await notice.waitFor(WAIT);
    // The notice took its reserved place: the row being read is the same, where it was.
    expect(await first.getAttribute("data-event-id")).toBe(before.id);
    expect(await first.boundingBox()).toEqual(before.box);
    expect(await page.locator(`tr[data-event-id="${ids[0]}"]`).count()).toBe(0);
    await page.getByRole("button", { name: "Resume live" }).click();
    await page.locator(`tbody tr:first-child[data-event-id="${ids.at(-1)}"]`).waitFor(WAIT);
    for (const id of ids) await page.locator(`tr[data-event-id="${id}"]`).waitFor(WAIT);
    expect(await notice.count()).toBe(0);
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

  it("adds an error-code filter, reflected in the URL and applied", async () => {
    const { ids } = await rig.callbacks(generateCallbacks("message-failed", { errorCode: 4720 }));
    // Live: the new failure matches the type filter and joins the list.
    await page.locator(`tr[data-event-id="${ids[0]}"]`).waitFor(WAIT);
    await page.getByLabel("Error code").fill("4432");
    await page.getByLabel("Error code").press("Enter");
    await page.waitForURL(/errorCode=4432/, WAIT);
    expect(new URL(page.url()).searchParams.get("type")).toBe("message-failed");
    await page.locator('table.events[aria-busy="false"]').waitFor(WAIT);
    await expect.poll(() => page.locator("tbody tr").count(), WAIT).toBeGreaterThan(0);
    expect(await page.locator(`tr[data-event-id="${ids[0]}"]`).count()).toBe(0);
    const cells = await page.locator("tbody tr td:nth-child(2)").allTextContents();
    for (const cell of cells) expect(cell).toMatch(/message-failed 4432 /);
  });

  it("says when an answer lacks shards the relay could not read, and asks again", async () => {
    // The relay names the shards it could not read; a real one fails only on Cloudflare's bad
    // days, so the answers are edited on their way to the page.
    const back = page.url();
    const partial = /\/api\/events(\?|$)/;
    await page.route(partial, async (route) => {
      const answer = await route.fetch();
      const body = { ...(await answer.json()), failedShards: ["e1-shard-3"] };
      await route.fulfill({ response: answer, json: body });
    });
    const notice = page.getByRole("status").filter({ hasText: "could not read e1-shard-3" });
    // The overview's charts and the dead-letter count come from the same listing.
    await page.getByRole("link", { name: "Overview" }).click();
    await notice.waitFor(WAIT);
    await page.getByRole("link", { name: "Dead letters" }).click();
    await notice.waitFor(WAIT);
    await page.getByText(/^\d+ dead deliver(y|ies) \(at least\)$/).waitFor(WAIT);
    await page.goto(back);
    await notice.waitFor(WAIT);
    await page.unroute(partial);
    await notice.getByRole("button", { name: "Try again" }).click();
    await notice.waitFor({ state: "detached", ...WAIT });
    await page.locator('table.events[aria-busy="false"]').waitFor(WAIT);
  });

  it("opens an event, shows Bandwidth context and replays it", async () => {
    await page.locator("tbody tr a").first().click();
    await page.getByRole("heading", { name: /message-failed/ }).waitFor(WAIT);
    await page.getByText("rejected-forbidden-country").first().waitFor(WAIT);
    await page.getByText("Raw (as received)").waitFor(WAIT);
    await page.getByRole("button", { name: "Replay to all targets" }).click();
    await page.getByRole("status").filter({ hasText: "Replay queued" }).waitFor(WAIT);
    await page.locator(`article[data-target-id="${flaky}"] .timeline li`).first().waitFor(WAIT);
    await shot(page, "event-detail", true);
  });

  it("replays to one named target", async () => {
    const card = page.locator(`article[data-target-id="${crm}"]`);
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/replay")),
      card.getByRole("button", { name: "Replay to crm" }).click(),
    ]);
    expect(request.postDataJSON()).toEqual({ targetId: crm });
    await page.getByRole("status").filter({ hasText: "Replay queued: 1 delivery." }).waitFor(WAIT);
  });

  it("points a quarantined event's issues at the field", async () => {
    const { ids } = await rig.callbacks([
      {
        type: "message-received",
        time: new Date().toISOString(),
        message: { direction: "in", to: 5 },
      },
    ]);
    await page.goto(`${rig.relay.url}/events/${ids[0]}`);
    await page.getByRole("heading", { name: /Validation issues/ }).waitFor(WAIT);
    await page.locator(".issues code", { hasText: "message.id" }).first().waitFor(WAIT);
    await page.locator(".issues code", { hasText: "message.to" }).first().waitFor(WAIT);
    const raw = pane(page, "Raw (as received)");
    // A field that is there but wrong: its own line.
    await raw.locator('.line.issue[data-path="message.to"]').waitFor(WAIT);
    // A field that is not there: its parent's line, saying what is missing.
    const parent = raw.locator('.line.issue[data-path="message"]');
    await parent.first().waitFor(WAIT);
    expect(await parent.first().textContent()).toContain("missing: id");
    expect(await raw.locator(".line.issue").count()).toBe(2);
    await shot(page, "quarantined");
  });

  it("highlights what normalization changed", async () => {
    const time = new Date().toISOString();
    const { ids } = await rig.callbacks([
      {
        type: "message-delivered",
        time,
        to: "+15551234567",
        description: "ok",
        message: {
          id: "m-normalized-to",
          owner: "+15551234567",
          // One number as a string: normalization makes it the array Bandwidth documents.
          to: "+15551234567",
          from: "+15557654321",
          direction: "out",
          time,
          applicationId: "app-1",
        },
      },
    ]);
    await page.goto(`${rig.relay.url}/events/${ids[0]}`);
    const raw = pane(page, "Raw (as received)");
    const normalized = pane(page, "Normalized (as forwarded)");
    await raw.locator('.line.changed[data-path="message.to"]').waitFor(WAIT);
    const line = normalized.locator('.line.changed[data-path="message.to.0"]');
    await line.waitFor(WAIT);
    expect(await line.textContent()).toContain('"+15551234567"');
    // Nothing else changed.
    expect(await raw.locator(".line.changed").count()).toBe(1);
    expect(await normalized.locator(".line.changed").count()).toBe(1);
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

  it("creates a target and shows its secret once", async () => {
    await page.getByRole("button", { name: "New target" }).click();
    const form = page.getByRole("form", { name: "New target" });
    await form.getByLabel("Name", { exact: true }).fill("archive");
    await form.getByLabel("URL", { exact: true }).fill(rig.goodUrl);
    await form.getByLabel("Event types", { exact: true }).fill("message-delivered");
    await form.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "New signing secret for archive" }).waitFor(WAIT);
    const secret = page.locator("[data-secret]");
    const value = (await secret.textContent()) ?? "";
    expect(value).toMatch(/^whsec_/);
    await page.getByRole("status").filter({ hasText: "archive saved." }).waitFor(WAIT);
    const row = page.locator("tbody tr", { hasText: "archive" });
    await row.waitFor(WAIT);
    // The API never returns it again, and the page does not keep it.
    const { targets } = await rig.admin<{ targets: { name: string }[] }>("GET", "/api/targets");
    expect(targets.some((t) => t.name === "archive")).toBe(true);
    expect(JSON.stringify(targets)).not.toContain(value);
    await page.getByRole("button", { name: "Done" }).click();
    expect(await secret.count()).toBe(0);
    await page.reload();
    await row.waitFor(WAIT);
    expect(await secret.count()).toBe(0);
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

  it("recovers the dead deliveries of a time window, counted first", async () => {
    type Listed = { events: { id: string; receivedAt: string }[] };
    const deadOf = (query = "") =>
      rig.admin<Listed>("GET", `/api/events?deliveryStatus=dead&targetId=${flaky}${query}`);
    const { ids } = await rig.callbacks([
      ...generateCallbacks("message-failed", { errorCode: 4720 }),
      ...generateCallbacks("message-failed", { errorCode: 4720 }),
    ]);
    const dead = async () => (await deadOf()).events.filter((e) => ids.includes(e.id));
    await expect.poll(async () => (await dead()).length, { timeout: 30_000 }).toBe(ids.length);
    const since = (await dead()).map((e) => e.receivedAt).sort()[0] ?? "";
    // Older dead deliveries (recovered above, dead again) lie outside the window.
    await expect
      .poll(async () => (await deadOf(`&until=${since}`)).events.length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const inWindow = (await deadOf(`&since=${encodeURIComponent(since)}`)).events.length;
    expect(inWindow).toBe(ids.length);

    // The window is in the URL (to the millisecond); the target is chosen in the page.
    await page.goto(`${rig.relay.url}/dead-letters?since=${encodeURIComponent(since)}`);
    await page.getByLabel("Target").selectOption(flaky);
    await page.waitForURL(/targetId=/, WAIT);
    expect(new URL(page.url()).searchParams.get("since")).toBe(since);
    expect(await page.getByLabel("Received from").inputValue()).not.toBe("");
    const plural = `${inWindow} dead deliver${inWindow === 1 ? "y" : "ies"}`;
    await page.locator(".count", { hasText: plural }).waitFor(WAIT);
    const asked: string[] = [];
    const record = (dialog: { message(): string }) => asked.push(dialog.message());
    page.on("dialog", record);
    await page.getByRole("button", { name: `Recover ${inWindow}` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Recovery queued ${plural.replace(" dead", "")}` })
      .waitFor(WAIT);
    page.off("dialog", record);
    expect(asked).toEqual([`Recover ${plural} in this time window?`]);
  });

  it("draws the overview charts", async () => {
    await page.getByRole("link", { name: "Overview" }).click();
    await page.locator(".chart canvas").first().waitFor(WAIT);
    // The per-minute series are counted from the events API: wait until they hold events.
    await page.locator('.chart [role="img"][aria-label*="Totals: message-"]').first().waitFor(WAIT);
    await page.getByText("Events per minute by type").waitFor(WAIT);
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
    await page.locator('.chart [role="img"][aria-label*="Totals: message-"]').first().waitFor(WAIT);
    await shot(page, "overview", true);
  });
});
