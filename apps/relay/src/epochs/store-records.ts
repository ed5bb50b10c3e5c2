import { shardStub } from "../bindings.ts";
import type { RelayEnv } from "../config.ts";
import { describeError } from "../describe-error.ts";
import { HttpError } from "../http/errors.ts";
import { planIngest } from "../shard/ingest-plan.ts";
import type { EventSummary, IngestOutcome, IngestRecord } from "../shard/types.ts";
import { closedShardFilter } from "./closed-filters.ts";
import { type KeyFilter, mayHold, recordKey } from "./key-filter.ts";
import { shardEpochs } from "./live-shards.ts";
import { type RouteStep, routeSteps, shardName } from "./model.ts";

/** What storing a request's records came to. */
export interface StoreResult {
  accepted: number;
  duplicates: number;
  quarantined: number;
  /** The events stored (not the duplicates), for the live tail. */
  stored: EventSummary[];
}

/**
 * Stores a request's records durably, each in its message's shard: offered to the oldest live
 * epoch first, where a closed epoch keeps only the messages it holds, then to the next
 * (src/epochs/model.ts). With one epoch, one step. Records still declined by the newest epoch
 * this instance knows mean a newer one opened elsewhere: the history is re-read once.
 * Throws 503 when a shard cannot be reached; what was stored stays, so Bandwidth's retry
 * counts it as duplicates.
 */
export async function storeRecords(env: RelayEnv, records: IngestRecord[]): Promise<StoreResult> {
  const totals: StoreResult = { accepted: 0, duplicates: 0, quarantined: 0, stored: [] };
  let pending = records;
  let first = true;
  for (const fresh of [false, true]) {
    const steps = routeSteps(await shardEpochs(env, { fresh }));
    for (const step of steps) {
      if (pending.length === 0) break;
      const { outcomes, repeats } = await storeStep(env, step, pending, first);
      first = false;
      totals.duplicates += repeats;
      const declined = new Set<string>();
      for (const outcome of outcomes) {
        totals.accepted += outcome.accepted;
        totals.duplicates += outcome.duplicates;
        totals.quarantined += outcome.quarantined;
        totals.stored.push(...outcome.stored);
        for (const id of outcome.declined ?? []) declined.add(id);
      }
      pending = pending.filter((r) => declined.has(r.id));
    }
    if (pending.length === 0) return totals;
  }
  console.error(`${pending.length} event(s) declined by every shard epoch known`);
  throw new HttpError(
    503,
    "storage_unavailable",
    "The events could not be stored; retry the request.",
  );
}

/** One epoch's step: its shards in parallel, one shard's calls in turn. */
async function storeStep(
  env: RelayEnv,
  step: RouteStep,
  records: IngestRecord[],
  dropRepeats: boolean,
): Promise<{ outcomes: IngestOutcome[]; repeats: number }> {
  const plan = planIngest(records, step.shardCount);
  // The newest epoch takes everything: no route, the steady state's one plain call.
  const route = step.openUntil === null ? undefined : { openUntil: step.openUntil };
  const results = await Promise.allSettled(
    [...plan.calls].map(async ([index, calls]) => {
      const outcomes: IngestOutcome[] = [];
      let offered = calls;
      // A closed shard's key filter names the records it certainly does not hold: they go on to
      // the next epoch without a call (it was built once the shard knew it was closed).
      const filter = route && (await closedShardFilter(env, step.epoch, index, route.openUntil));
      if (filter) {
        const sorted = sortByFilter(filter, calls);
        offered = sorted.offered;
        outcomes.push({
          accepted: 0,
          duplicates: 0,
          quarantined: 0,
          stored: [],
          declined: sorted.declined,
        });
      }
      const shard = shardStub(env, shardName(step.epoch, index));
      for (const call of offered) outcomes.push(await shard.ingest(call, route));
      return outcomes;
    }),
  );
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0) {
    console.error(`ingest failed in ${failed.length} shard(s)`, describeError(failed[0]?.reason));
    // Some shards may have committed: Bandwidth's retry is safe, those events count as duplicates.
    throw new HttpError(
      503,
      "storage_unavailable",
      "The events could not be stored; retry the request.",
    );
  }
  return {
    outcomes: results.flatMap((r) => (r.status === "fulfilled" ? r.value : [])),
    repeats: dropRepeats ? plan.repeats : 0,
  };
}

/** A shard's calls without the records its filter rules out, and the ids of those. */
function sortByFilter(
  filter: KeyFilter,
  calls: readonly IngestRecord[][],
): { offered: IngestRecord[][]; declined: string[] } {
  const offered: IngestRecord[][] = [];
  const declined: string[] = [];
  for (const call of calls) {
    const kept: IngestRecord[] = [];
    for (const record of call) {
      if (mayHold(filter, recordKey(record))) kept.push(record);
      else declined.push(record.id);
    }
    if (kept.length > 0) offered.push(kept);
  }
  return { offered, declined };
}
