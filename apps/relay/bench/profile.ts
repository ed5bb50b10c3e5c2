/**
 * Where the relay's accept path spends CPU: starts the relay under `wrangler dev`, drives
 * `POST /callbacks` as the accept benchmark does, and takes a V8 CPU profile of the Worker's
 * isolate (which also runs its Durable Objects) through wrangler's inspector port. Prints
 * the functions by self and inclusive share of samples, mapped back to the TypeScript
 * sources, and writes $TMPDIR/bw-relay-accept.cpuprofile (open it in Chrome DevTools).
 * Not part of `pnpm bench`: `npx -y pnpm@12 exec node bench/profile.ts` (BENCH_DURATION=8).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { callbackBodies, runLoad } from "./lib/load.ts";
import {
  appDir,
  listenOnLoopback,
  removeWorkDir,
  startWrangler,
  workDir,
} from "./lib/processes.ts";
import { createTarget } from "./lib/relay-api.ts";
import { BASIC_AUTH, RELAY_VARS } from "./settings.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const INSPECTOR_PORT = 8794;
const relay = await startWrangler({
  name: "relay-profile",
  cwd: appDir,
  port: 8790,
  inspectorPort: INSPECTOR_PORT,
  vars: { ...RELAY_VARS, ALLOW_HTTP_TARGETS: "true" },
});
// BENCH_PROFILE_TARGET=1: one target configured and receiving, as BENCH_ACCEPT_TARGET=1.
const receiver =
  process.env.BENCH_PROFILE_TARGET === "1"
    ? await listenOnLoopback(
        createServer((req, res) => {
          req.resume();
          req.on("end", () => res.writeHead(204).end());
        }),
        8799,
      )
    : null;
if (receiver)
  await createTarget(relay.url, { name: "profile-receiver", url: "http://127.0.0.1:8799/hook" });
const load = {
  url: relay.url,
  headers: { authorization: BASIC_AUTH },
  connections: 16,
  nextBody: callbackBodies(`p${Date.now().toString(36)}`),
};
await runLoad({ ...load, durationSec: 2 });

// wrangler's inspector proxy accepts local origins only.
const ws = new WebSocket(`ws://127.0.0.1:${INSPECTOR_PORT}/ws`, {
  headers: { origin: "http://127.0.0.1" },
} as unknown as string[]);
await new Promise((resolve, reject) => {
  ws.addEventListener("open", resolve);
  ws.addEventListener("error", () => reject(new Error("cannot connect to the inspector")));
});
let lastId = 0;
const replies = new Map<number, (result: unknown) => void>();
ws.addEventListener("message", (e) => {
  const message = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
  if (message.id !== undefined) replies.get(message.id)?.(message.result);
});
const call = <T>(method: string, params: object = {}) =>
  new Promise<T>((resolve) => {
    const id = ++lastId;
    replies.set(id, resolve as (result: unknown) => void);
    ws.send(JSON.stringify({ id, method, params }));
  });

await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 200 });
await call("Profiler.start");
const result = await runLoad({ ...load, durationSec: Number(process.env.BENCH_DURATION ?? 8) });
const { profile } = await call<{ profile: Profile }>("Profiler.stop");
ws.close();
await relay.stop();
receiver?.closeAllConnections();
receiver?.close();

// Map bundle positions back to the sources (wrangler writes index.js.map beside the bundle).
const buildDir = join(workDir, "relay-profile-build");
const map = new SourceMap(JSON.parse(readFileSync(join(buildDir, "index.js.map"), "utf8")));
const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  if (!url.endsWith("index.js")) return name;
  const entry = map.findEntry(lineNumber, columnNumber) as {
    originalSource?: string;
    originalLine?: number;
  };
  if (!entry.originalSource) return name;
  const source = relative(join(appDir, "..", ".."), resolve(buildDir, entry.originalSource));
  return `${name} ${source}:${(entry.originalLine ?? 0) + 1}`;
};

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const hits = new Map<number, number>();
for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, count] of hits) {
  const node = byId.get(id) as ProfileNode;
  self.set(label(node), (self.get(label(node)) ?? 0) + count);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const name = label(byId.get(cur) as ProfileNode);
    if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + count);
    seen.add(name);
  }
}
const total = profile.samples.length;
const show = (title: string, table: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [name, count] of [...table].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((100 * count) / total).toFixed(1).padStart(6)}%  ${name}`);
  }
};
console.log(
  `\nrelay: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms; ${total} samples`,
);
show("self time (share of samples, idle included)", self, 20);
show("inclusive time", inclusive, 30);
const out = join(tmpdir(), "bw-relay-accept.cpuprofile");
writeFileSync(out, JSON.stringify(profile));
console.log(`\nprofile written to ${out}`);
removeWorkDir();
