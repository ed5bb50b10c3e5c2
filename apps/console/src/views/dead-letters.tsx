/**
 * Dead letters: deliveries that used up their attempts, by target and time window, and bulk
 * recovery showing the count before it runs. POST /api/deliveries/retry has no time window,
 * so without one it is used as is (one call); with a window, each dead delivery in it is
 * replayed to its target (POST /api/events/:id/replay), one call per delivery.
 */
import { useEffect, useState } from "preact/hooks";
import { api, describeFailure } from "../api.ts";
import { Badge, ErrorBox, Notice, PartialNotice, useAction } from "../components.tsx";
import { fetchAllEvents, useApi } from "../data.ts";
import { type Filters, filtersFrom, toQuery } from "../filters.ts";
import { formatTime, isoToLocalInput, localInputToIso } from "../format.ts";
import { navigate, useLocation } from "../router.ts";
import type { EventSummary, Target } from "../types.ts";

const MAX = 5000;

interface Dead {
  eventId: string;
  targetId: string;
  targetName: string | null | undefined;
  event: EventSummary;
}

export function DeadLetters() {
  const loc = useLocation();
  const query = loc.query.toString();
  const targets = useApi<{ targets: Target[] }>("/api/targets");
  const [dead, setDead] = useState<Dead[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [failedShards, setFailedShards] = useState<string[]>([]);
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const all = filtersFrom(new URLSearchParams(query));
  const filters: Filters = { targetId: all.targetId, since: all.since, until: all.until };
  const windowed = Boolean(filters.since || filters.until);

  // Re-counts when the scope (`query`) changes and after a recovery (`generation`).
  useEffect(() => {
    let cancelled = false;
    setDead(null);
    fetchAllEvents<EventSummary>(toQuery({ ...filters, deliveryStatus: "dead" }), MAX)
      .then(({ events, failedShards }) => {
        if (cancelled) return;
        setFailedShards(failedShards);
        setDead(
          events.flatMap((event) =>
            event.deliveries
              .filter(
                (d) =>
                  d.status === "dead" && (!filters.targetId || d.targetId === filters.targetId),
              )
              .map((d) => ({
                eventId: event.id,
                targetId: d.targetId,
                targetName: d.targetName,
                event,
              })),
          ),
        );
        setLoadError(null);
      })
      .catch((err) => !cancelled && setLoadError(describeFailure(err)));
    return () => {
      cancelled = true;
    };
  }, [query, generation]);

  const set = (key: keyof Filters, value: string) =>
    navigate(`/dead-letters${toQuery({ ...filters, [key]: value })}`, true);

  const recover = () => {
    const count = dead?.length ?? 0;
    const scope = windowed ? "in this time window" : "of every time";
    if (!confirm(`Recover ${count} dead deliver${count === 1 ? "y" : "ies"} ${scope}?`)) return;
    void action.run(async () => {
      let queued = 0;
      if (!windowed) {
        const body = filters.targetId
          ? { status: "dead", targetId: filters.targetId }
          : { status: "dead" };
        queued = (await api<{ queued: number }>("POST", "/api/deliveries/retry", body)).queued;
      } else {
        for (const d of dead ?? []) {
          const r = await api<{ queued: number }>("POST", `/api/events/${d.eventId}/replay`, {
            targetId: d.targetId,
          });
          queued += r.queued;
        }
      }
      setNotice(`Recovery queued ${queued} deliver${queued === 1 ? "y" : "ies"}.`);
      setGeneration((g) => g + 1);
    }, describeFailure);
  };

  return (
    <section>
      <h1>Dead letters</h1>
      <form class="filters" aria-label="Dead-letter scope" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="d-target">Target</label>
          <select
            id="d-target"
            value={filters.targetId ?? ""}
            onChange={(e) => set("targetId", e.currentTarget.value)}
          >
            <option value="">every target</option>
            {(targets.data?.targets ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        {(["since", "until"] as const).map((key) => (
          <div class="field" key={key}>
            <label for={`d-${key}`}>{key === "since" ? "Received from" : "Received until"}</label>
            <input
              id={`d-${key}`}
              type="datetime-local"
              value={isoToLocalInput(filters[key] ?? "")}
              onChange={(e) => set(key, localInputToIso(e.currentTarget.value))}
            />
          </div>
        ))}
      </form>
      <ErrorBox error={loadError ?? action.error} />
      <PartialNotice failed={failedShards} reload={() => setGeneration((g) => g + 1)} />
      {notice && <Notice>{notice}</Notice>}
      <div class="title-row">
        <p class="count" aria-live="polite">
          {dead === null
            ? "Counting…"
            : `${dead.length} dead deliver${dead.length === 1 ? "y" : "ies"}${dead.length >= MAX || failedShards.length > 0 ? " (at least)" : ""}`}
        </p>
        <button
          type="button"
          disabled={action.busy || !dead || dead.length === 0}
          onClick={recover}
        >
          {action.busy ? "Recovering…" : `Recover ${dead?.length ?? "…"}`}
        </button>
      </div>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Dead deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Event</th>
              <th scope="col">Target</th>
              <th scope="col">Last status</th>
            </tr>
          </thead>
          <tbody>
            {(dead ?? []).slice(0, 200).map((d) => (
              <tr key={`${d.eventId}-${d.targetId}`}>
                <td>
                  <a href={`/events/${d.eventId}`}>{formatTime(d.event.receivedAt)}</a>
                </td>
                <td>
                  {d.event.type} <Badge value={d.event.status} />
                </td>
                <td>{d.targetName ?? d.targetId}</td>
                <td>
                  {d.event.deliveries.find((x) => x.targetId === d.targetId)?.lastStatusCode ??
                    "no answer"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
