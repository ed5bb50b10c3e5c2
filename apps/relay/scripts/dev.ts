/**
 * `pnpm dev`: the whole flow on one machine, for a newcomer.
 * 1. copies .dev.vars.example to .dev.vars when missing;
 * 2. starts a demo receiver on 127.0.0.1:8788 that verifies each delivery's signature and
 *    prints the event;
 * 3. starts the relay with `wrangler dev` on 127.0.0.1:8787 (state persisted under .wrangler/);
 * 4. registers the receiver as a target and sends the reference sample callbacks, then fresh
 *    ones from the CLI's generator (`bw-relay trigger`), so every run shows new events.
 * Ctrl-C stops everything.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { generateCallbacks, generateLifecycle } from "@bw-relay/cli/generate";
import { exampleBodies } from "@bw-relay/fixtures";
import { verify } from "@bw-relay/schema";
import { appDir, ensureDevVars } from "./dev-vars.ts";
import { quiet } from "./quiet-wrangler.ts";

const RELAY = "http://127.0.0.1:8787";
const RECEIVER_PORT = Number(process.env.DEMO_RECEIVER_PORT ?? 8788);
const RECEIVER = `http://127.0.0.1:${RECEIVER_PORT}/bandwidth`;

const vars = ensureDevVars();
const adminHeaders = {
  authorization: `Bearer ${vars.ADMIN_TOKEN}`,
  "content-type": "application/json",
};

let secret = "";
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const check = await verify({
      payload: body,
      headers: req.headers as Record<string, string>,
      secrets: secret ? [secret] : [],
    });
    const [event] = JSON.parse(body) as { type: string; message: { id: string; text?: string } }[];
    console.log(
      `[receiver] ${check.ok ? "signature ok" : `signature not this run's (${check.reason}; left over from an earlier pnpm dev, signed with its target's secret?)`} ` +
        `attempt ${req.headers["bw-relay-attempt"]} ${event?.type} message ${event?.message.id}` +
        (event?.message.text ? ` "${event.message.text}"` : ""),
    );
    res.writeHead(check.ok ? 204 : 401).end();
  });
});
receiver.listen(RECEIVER_PORT, "127.0.0.1");

const wrangler = spawn(
  join(appDir, "node_modules", ".bin", "wrangler"),
  ["dev", "--ip", "127.0.0.1", "--port", "8787"],
  {
    cwd: appDir,
    stdio: ["inherit", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  },
);
if (wrangler.stdout) quiet(wrangler.stdout, process.stdout);
if (wrangler.stderr) quiet(wrangler.stderr, process.stderr);
const stop = () => {
  wrangler.kill("SIGINT");
  receiver.close();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
wrangler.on("exit", (code) => {
  receiver.close();
  process.exit(code ?? 0);
});

async function waitForRelay(): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${RELAY}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the relay did not start within 2 minutes");
}

async function setUpDemo(): Promise<void> {
  await waitForRelay();
  // The secret is shown only at creation: recreate the demo target to learn it again.
  const { targets } = (await (
    await fetch(`${RELAY}/api/targets`, { headers: adminHeaders })
  ).json()) as {
    targets: { id: string; name: string }[];
  };
  for (const t of targets.filter((t) => t.name === "demo-receiver")) {
    await fetch(`${RELAY}/api/targets/${t.id}`, { method: "DELETE", headers: adminHeaders });
  }
  const created = (await (
    await fetch(`${RELAY}/api/targets`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ name: "demo-receiver", url: RECEIVER }),
    })
  ).json()) as { target: { id: string }; secret: string };
  secret = created.secret;
  console.log(`[demo] registered ${RECEIVER} as target ${created.target.id}`);

  const basic = `Basic ${Buffer.from(`${vars.CALLBACK_USERNAME}:${vars.CALLBACK_PASSWORD}`).toString("base64")}`;
  for (const { name, body } of exampleBodies()) {
    const res = await fetch(`${RELAY}/callbacks`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body,
    });
    console.log(`[demo] POST /callbacks ${name}: ${res.status} ${await res.text()}`);
  }
  // The samples share one message id (the docs reuse it), so from the second run on they are
  // all duplicates. Fresh traffic from the CLI's generator (what `bw-relay trigger` sends)
  // shows the flow: an inbound MMS (sent twice, the way Bandwidth retries) and a message's
  // whole life, sending → sent → delivered.
  const [inbound] = generateCallbacks("message-received", {
    mediaCount: 1,
    text: "Hello from pnpm dev",
  });
  const fresh: [string, unknown][] = [
    ["fresh inbound MMS", inbound],
    ["the same again (a Bandwidth retry)", inbound],
    ...generateLifecycle("delivered").map((event): [string, unknown] => [event.type, event]),
  ];
  for (const [label, event] of fresh) {
    const res = await fetch(`${RELAY}/callbacks`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify([event]),
    });
    console.log(`[demo] POST /callbacks ${label}: ${res.status} ${await res.text()}`);
  }

  console.log(
    `[demo] open the console: ${RELAY}/ (token ${vars.ADMIN_TOKEN}); or, in another terminal: npx -y pnpm@12 cli events list   (cli tail, cli trigger sms, cli doctor)`,
  );
}

setUpDemo().catch((err) => {
  console.error(`[demo] ${err instanceof Error ? err.message : err}`);
});
