/**
 * Overview: events per minute by type and by status over the last hour (bucketed here from
 * GET /api/events, then kept current from the live tail), deliveries by outcome (the relay's
 * counters), per-target lag (from /api/stats) and the shard epochs (from /api/shards).
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { describeFailure } from "../api.ts";
import { ErrorBox, PartialNotice } from "../components.tsx";
import { fetchAllEvents, useApi } from "../data.ts";
import { formatMs } from "../format.ts";
import { subscribeTail } from "../live.ts";
import type { EventSummary, Stats } from "../types.ts";
import { Bars, type Series, TimeChart } from "./chart.tsx";
import { Shards } from "./shards.tsx";

const MINUTES = 60;
const MAX_EVENTS = 5000;

function perMinute(events: EventSummary[], key: (e: EventSummary) => string, now: number) {
  const end = Math.floor(now / 60_000) * 60;
  const xs = Array.from({ length: MINUTES }, (_, i) => end - (MINUTES - 1 - i) * 60);
  const byKey = new Map<string, number[]>();
  for (const e of events) {
    const minute = Math.floor(Date.parse(e.receivedAt) / 60_000) * 60;
    const index = xs.indexOf(minute);
    if (index < 0) continue;
    const k = key(e);
    const values = byKey.get(k) ?? new Array<number>(MINUTES).fill(0);
    values[index] = (values[index] ?? 0) + 1;
    byKey.set(k, values);
  }
  const series: Series[] = [...byKey]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, values]) => ({ label, values }));
  return { xs, series };
}

export function Overview() {
  const stats = useApi<Stats>("/api/stats");
  const [events, setEvents] = useState<EventSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const [failedShards, setFailedShards] = useState<string[]>([]);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const since = new Date(Date.now() - MINUTES * 60_000).toISOString();
    fetchAllEvents<EventSummary>(`?since=${encodeURIComponent(since)}`, MAX_EVENTS)
      .then((answer) => {
        setEvents(answer.events);
        setFailedShards(answer.failedShards);
        setError(null);
      })
      .catch((err) => setError(describeFailure(err)));
    let pending: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribeTail((message) => {
      if ("event" in message) setEvents((list) => [message.event, ...list]);
      // Batch redraws and stats refreshes: one per 2 s however busy the tail is.
      if (!pending) {
        pending = setTimeout(() => {
          pending = undefined;
          setNow(Date.now());
          stats.reload();
        }, 2000);
      }
    });
    return () => {
      clearTimeout(pending);
      stop();
    };
  }, [stats.reload, generation]);

  const byType = useMemo(() => perMinute(events, (e) => e.type ?? "(none)", now), [events, now]);
  const byStatus = useMemo(() => perMinute(events, (e) => e.status, now), [events, now]);
  const s = stats.data;
  const outcomes: [string, number][] = s
    ? Object.entries(s.counters)
        .filter(([k]) => k.startsWith("deliveries_"))
        .map(([k, n]) => [k.slice("deliveries_".length), n])
    : [];

  return (
    <section>
      <h1>Overview</h1>
      <ErrorBox error={error ?? stats.error} />
      <PartialNotice failed={failedShards} reload={() => setGeneration((g) => g + 1)} />
      {s && (
        <dl class="kpis">
          <div>
            <dt>Events stored</dt>
            <dd>{s.events.total}</dd>
          </div>
          <div>
            <dt>Pending deliveries</dt>
            <dd>{s.pending}</dd>
          </div>
          <div>
            <dt>Oldest pending</dt>
            <dd>{formatMs(s.oldestPendingAgeMs)}</dd>
          </div>
          <div>
            <dt>Quarantined</dt>
            <dd>
              <a href="/events?status=quarantined">{s.events.byStatus.quarantined ?? 0}</a>
            </dd>
          </div>
          <div>
            <dt>Dead</dt>
            <dd>
              <a href="/dead-letters">{s.targets.reduce((n, t) => n + t.deliveries.dead, 0)}</a>
            </dd>
          </div>
        </dl>
      )}
      <div class="charts">
        <TimeChart
          title="Events per minute by type (last hour)"
          xs={byType.xs}
          series={byType.series}
        />
        <TimeChart
          title="Events per minute by status (last hour)"
          xs={byStatus.xs}
          series={byStatus.series}
        />
        <Bars
          title="Delivery attempts by outcome (since the relay started)"
          rows={outcomes}
          format={String}
        />
        <Bars
          title="Per-target lag: average acceptance → delivery"
          rows={(s?.targets ?? [])
            .filter((t) => t.lagMs.avg !== null)
            .map((t) => [t.name, t.lagMs.avg ?? 0])}
          format={formatMs}
        />
        <Bars
          title="Per-target oldest pending delivery"
          rows={(s?.targets ?? [])
            .filter((t) => t.oldestPendingAgeMs !== null)
            .map((t) => [t.name, t.oldestPendingAgeMs ?? 0])}
          format={formatMs}
        />
      </div>
      <Shards />
    </section>
  );
}
