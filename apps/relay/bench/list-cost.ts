/**
 * What a listing costs as the shard count grows (`BENCH_ONLY=list`, `pnpm bench:list`): for
 * each SHARD_COUNT (8, 64, 256 by default) a fresh relay under `wrangler dev` gets the same
 * events (one per message, so they spread over every shard), then `GET /api/events?limit=50`
 * is timed; and, for comparison, a listing by `messageId`, which asks one shard whatever the
 * count. A listing asks every shard, six at a time (src/bindings.ts), so its cost grows with
 * the count: this measures how much.
 */
import { callbackBodies, now } from "./lib/load.ts";
import { appDir, startWrangler } from "./lib/processes.ts";
import { percentile, printTable, round } from "./lib/report.ts";
import { ADMIN_HEADERS, BASIC_AUTH, RELAY_VARS } from "./settings.ts";

export interface ListCostOptions {
  shardCounts: number[];
  /** Events stored before timing. */
  events: number;
  /** Timed listings per count. */
  repeats: number;
}

export interface ListCostRow {
  shards: number;
  listP50Ms: number | null;
  listP95Ms: number | null;
  byMessageP50Ms: number | null;
  failedShards: number;
}

async function timed(url: string): Promise<{ ms: number; failedShards: number }> {
  const started = now();
  const res = await fetch(url, { headers: ADMIN_HEADERS });
  const body = (await res.json()) as { failedShards?: number[] };
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return { ms: now() - started, failedShards: body.failedShards?.length ?? 0 };
}

export async function runListCostBench(opts: ListCostOptions): Promise<ListCostRow[]> {
  console.log(
    `\n== listing cost by shard count: ${opts.events} events, ${opts.repeats} listings each ==`,
  );
  const rows: ListCostRow[] = [];
  for (const [i, shards] of opts.shardCounts.entries()) {
    const relay = await startWrangler({
      name: `list-${shards}`,
      cwd: appDir,
      port: 8797,
      inspectorPort: 8798 + (i % 2),
      vars: { ...RELAY_VARS, SHARD_COUNT: String(shards) },
    });
    try {
      const next = callbackBodies(`l${shards}`);
      let firstMessage = "";
      for (let sent = 0; sent < opts.events; sent++) {
        const body = next();
        firstMessage ||= (JSON.parse(body) as { message: { id: string } }[])[0]?.message.id ?? "";
        const res = await fetch(`${relay.url}/callbacks`, {
          method: "POST",
          headers: { authorization: BASIC_AUTH, "content-type": "application/json" },
          body,
        });
        if (!res.ok) throw new Error(`POST /callbacks answered ${res.status}`);
      }
      // One untimed listing wakes every shard, as a busy relay's would be.
      await timed(`${relay.url}/api/events?limit=50`);
      const list: number[] = [];
      const byMessage: number[] = [];
      let failedShards = 0;
      for (let r = 0; r < opts.repeats; r++) {
        const all = await timed(`${relay.url}/api/events?limit=50`);
        list.push(all.ms);
        failedShards += all.failedShards;
        byMessage.push((await timed(`${relay.url}/api/events?messageId=${firstMessage}`)).ms);
      }
      list.sort((a, b) => a - b);
      byMessage.sort((a, b) => a - b);
      const row: ListCostRow = {
        shards,
        listP50Ms: round(percentile(list, 50), 1),
        listP95Ms: round(percentile(list, 95), 1),
        byMessageP50Ms: round(percentile(byMessage, 50), 1),
        failedShards,
      };
      console.log(
        `  ${shards} shards: list p50 ${row.listP50Ms} ms, p95 ${row.listP95Ms} ms; by messageId p50 ${row.byMessageP50Ms} ms`,
      );
      rows.push(row);
    } finally {
      await relay.stop();
    }
  }
  printTable(
    "Listing cost by shard count",
    ["shards", "list p50 ms", "list p95 ms", "by messageId p50 ms", "failed shards"],
    rows.map((r) => [r.shards, r.listP50Ms, r.listP95Ms, r.byMessageP50Ms, r.failedShards]),
  );
  return rows;
}
