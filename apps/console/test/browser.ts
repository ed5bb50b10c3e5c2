/**
 * The browser-test rig: the relay under a real `wrangler dev` (the relay's own helper, so the
 * console is served exactly as `pnpm dev` and a deployment serve it), two local receivers (one
 * answering 204, one always 500 so its deliveries die fast), and headless Chromium driven by
 * playwright-core. Everything is on 127.0.0.1 and everything started is stopped by `close()`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import {
  startWranglerDev,
  testRelayVars,
  type WranglerDev,
} from "../../relay/test-e2e/wrangler-dev.ts";
import { CHROMIUM } from "../scripts/chromium.ts";

export const ADMIN_TOKEN = "console-test-admin-token";
export const CALLBACK_PASSWORD = "console-test-callback-password";

function receiver(status: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(status).end(status >= 400 ? "receiver says no" : undefined));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/hook` });
    }),
  );
}

export interface Rig {
  relay: WranglerDev;
  goodUrl: string;
  badUrl: string;
  context: BrowserContext;
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  callbacks(events: unknown[]): Promise<{ ids: string[] }>;
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const profile = mkdtempSync(join(tmpdir(), "bw-relay-console-chromium-"));
  const [relay, good, bad, context] = await Promise.all([
    startWranglerDev(
      testRelayVars({ adminToken: ADMIN_TOKEN, callbackPassword: CALLBACK_PASSWORD }),
    ),
    receiver(204),
    receiver(500),
    chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 860 },
      // Without the background-networking flags Chromium's own connections are refused on a
      // closed network and slow every start; the profile is new for every run.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    }),
  ]);
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${relay.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  const callbacks = async (events: unknown[]) => {
    const response = await fetch(`${relay.url}/callbacks`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`bandwidth:${CALLBACK_PASSWORD}`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(events),
    });
    if (!response.ok) throw new Error(`POST /callbacks: ${response.status}`);
    return (await response.json()) as { ids: string[] };
  };
  return {
    relay,
    goodUrl: good.url,
    badUrl: bad.url,
    context,
    admin,
    callbacks,
    close: async () => {
      await context.close().catch(() => {});
      good.server.close();
      bad.server.close();
      await relay.stop();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
