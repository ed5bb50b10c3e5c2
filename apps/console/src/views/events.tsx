/**
 * Events, newest first. Live: events from the tail join the top of the first page, but only
 * while the reader is at the top and has not paused; otherwise they wait behind a
 * "N new events" button, in a strip whose height is reserved, so the rows being read never
 * move.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { Badge, ErrorBox, PartialNotice } from "../components.tsx";
import { useApi } from "../data.ts";
import { filtersFrom, matches, toQuery } from "../filters.ts";
import { formatTime } from "../format.ts";
import { subscribeTail } from "../live.ts";
import { navigate, useLocation } from "../router.ts";
import type { EventList, EventStatus, EventSummary, Target } from "../types.ts";
import { EventFilters } from "./event-filters.tsx";

const RANK: Record<string, number> = { delivered: 1, failed: 2, dead: 3 };

/** The event's status again after a delivery changed: pending wins, else the worst. */
function rollUp(event: EventSummary): EventStatus {
  if (event.deliveries.length === 0) return event.status;
  if (event.deliveries.some((d) => d.status === "pending")) return "pending";
  return event.deliveries.reduce<EventStatus>(
    (worst, d) => ((RANK[d.status] ?? 0) > (RANK[worst] ?? 0) ? d.status : worst),
    "delivered",
  );
}

export function EventsView() {
  const loc = useLocation();
  const query = loc.query.toString();
  const filters = useMemo(() => filtersFrom(new URLSearchParams(query)), [query]);
  const cursor = loc.query.get("cursor");
  const list = useApi<EventList>(`/api/events${toQuery(filters, cursor ? { cursor } : {})}`);
  const targets = useApi<{ targets: Target[] }>("/api/targets");
  const [rows, setRows] = useState<EventSummary[]>([]);
  const [waiting, setWaiting] = useState<EventSummary[]>([]);
  const [maybe, setMaybe] = useState(0);
  const [paused, setPaused] = useState(false);
  const [connected, setConnected] = useState(false);
  const state = useRef({ paused, cursor, filters });
  state.current = { paused, cursor, filters };
  const shown = useRef(rows);
  shown.current = rows;

  // Live events since the list was last answered: one that arrives while the list is being
  // fetched may be missing from its answer (stored after the query ran), so it is kept.
  const arrived = useRef<EventSummary[]>([]);
  useLayoutEffect(() => {
    arrived.current = [];
  }, [query]);

  // A layout effect: the new answer replaces the rows within the same commit, so no paint shows
  // the old rows with the table no longer busy.
  useLayoutEffect(() => {
    const answer = list.data?.events ?? [];
    const fresh = arrived.current.filter((e) => !answer.some((a) => a.id === e.id));
    arrived.current = [];
    const live = !state.current.paused && !state.current.cursor && window.scrollY < 40;
    setRows(live ? [...fresh, ...answer] : answer);
    setWaiting(live ? [] : fresh);
    setMaybe(0);
  }, [list.data]);

  useEffect(
    () =>
      subscribeTail((message) => {
        if ("delivery" in message) {
          const d = message.delivery;
          const update = (events: EventSummary[]) =>
            events.map((e) => {
              if (e.id !== d.eventId) return e;
              const deliveries = e.deliveries.some((x) => x.targetId === d.targetId)
                ? e.deliveries.map((x) =>
                    x.targetId === d.targetId
                      ? {
                          ...x,
                          status: d.status,
                          lastStatusCode: d.statusCode,
                          nextAttemptAt: d.nextAttemptAt,
                          attemptCount: d.attempt,
                        }
                      : x,
                  )
                : [
                    ...e.deliveries,
                    {
                      targetId: d.targetId,
                      status: d.status,
                      attemptCount: d.attempt,
                      lastStatusCode: d.statusCode,
                      nextAttemptAt: d.nextAttemptAt,
                    },
                  ];
              const next = { ...e, deliveries };
              return { ...next, status: rollUp(next) };
            });
          setRows(update);
          setWaiting(update);
          arrived.current = update(arrived.current);
          return;
        }
        const { paused, cursor, filters } = state.current;
        const verdict = matches(message.event, filters);
        if (verdict === false) return;
        if (verdict === "unknown") {
          setMaybe((n) => n + 1);
          return;
        }
        // The list may have been fetched after the event was stored: never show it twice.
        const event = message.event;
        if (shown.current.some((e) => e.id === event.id)) return;
        const add = (list: EventSummary[]) =>
          list.some((e) => e.id === event.id) ? list : [event, ...list];
        arrived.current = [event, ...arrived.current].slice(0, 500);
        const atTop = window.scrollY < 40;
        if (!paused && !cursor && atTop) setRows((r) => add(r).slice(0, 500));
        else setWaiting(add);
      }, setConnected),
    [],
  );

  const showWaiting = () => {
    if (cursor) {
      navigate(`/events${toQuery(filters)}`);
      return;
    }
    setRows((r) => [...waiting, ...r]);
    setWaiting([]);
    window.scrollTo({ top: 0 });
  };

  // Resuming at the top of the first page shows what waited; anywhere else it keeps waiting
  // behind the button, so the rows being read stay put.
  const toggleLive = () => {
    setPaused(!paused);
    if (paused && !cursor && window.scrollY < 40) {
      setRows((r) => [...waiting, ...r].slice(0, 500));
      setWaiting([]);
    }
  };

  return (
    <section>
      <div class="title-row">
        <h1>Events</h1>
        <span class={`live-dot ${connected && !paused ? "on" : ""}`} aria-hidden="true" />
        <span class="muted">
          {connected ? (paused ? "live: paused" : "live") : "live: connecting…"}
        </span>
        <button type="button" class="secondary" aria-pressed={paused} onClick={toggleLive}>
          {paused ? "Resume live" : "Pause live"}
        </button>
      </div>
      <EventFilters filters={filters} targets={targets.data?.targets ?? []} />
      {/* Always there, one button high: a notice appearing never pushes the table down. */}
      <div class="new-events-bar" aria-live="polite">
        {waiting.length > 0 && (
          <button type="button" class="new-events" onClick={showWaiting}>
            {waiting.length} new event{waiting.length === 1 ? "" : "s"}: show
          </button>
        )}
        {maybe > 0 && (
          <button type="button" class="new-events" onClick={list.reload}>
            {maybe} new event{maybe === 1 ? "" : "s"} may match these filters: refresh
          </button>
        )}
      </div>
      <ErrorBox error={list.error} />
      <PartialNotice failed={list.data?.failedShards ?? []} reload={list.reload} />
      <div class="table-wrap">
        <table class="events" aria-busy={list.loading}>
          <caption class="visually-hidden">Events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Type</th>
              <th scope="col">Dir</th>
              <th scope="col">Owner</th>
              <th scope="col">Message</th>
              <th scope="col">Status</th>
              <th scope="col">Deliveries</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id} data-event-id={e.id}>
                <td>
                  <a href={`/events/${e.id}`}>{formatTime(e.receivedAt)}</a>
                </td>
                <td>
                  {e.type ?? "—"}
                  {e.errorCode !== null && (
                    <span class="muted">
                      {" "}
                      {e.errorCode} {e.errorName}
                    </span>
                  )}
                </td>
                <td>{e.direction ?? "—"}</td>
                <td class="mono">{e.owner ?? "—"}</td>
                <td class="mono ellipsis">{e.messageId ?? "—"}</td>
                <td>
                  <Badge value={e.status} />
                </td>
                <td>
                  {e.deliveries.map((d) => (
                    <span key={d.targetId} class="delivery-chip">
                      {d.targetName ?? d.targetId.slice(0, 12)} <Badge value={d.status} />
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && !list.loading && <p class="muted">No events match.</p>}
      <nav class="pager" aria-label="Pages">
        {cursor && <a href={`/events${toQuery(filters)}`}>← Newest</a>}
        {list.data?.nextCursor && (
          <a href={`/events${toQuery(filters, { cursor: list.data.nextCursor })}`}>Older →</a>
        )}
      </nav>
    </section>
  );
}
