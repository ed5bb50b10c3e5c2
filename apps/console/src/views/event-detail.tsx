/**
 * One event: summary, Bandwidth context, raw vs normalized, validation issues, and per target
 * the attempt timeline, with replay (one target or all) and "copy as curl".
 */

import { useState } from "preact/hooks";
import { api, describeFailure } from "../api.ts";
import { Badge, CopyButton, ErrorBox, Notice, useAction } from "../components.tsx";
import { useApi } from "../data.ts";
import { formatTime } from "../format.ts";
import type { EventDetail } from "../types.ts";
import { BandwidthContext } from "./bandwidth-context.tsx";
import { DeliveryTimeline } from "./deliveries.tsx";
import { RawAndNormalized } from "./json-view.tsx";

/** A curl that sends the raw event to the relay again, as Bandwidth did (password elided). */
function curlFor(event: EventDetail): string {
  const body = JSON.stringify([event.raw]).replace(/'/g, "'\\''");
  return [
    `curl -s -u "bandwidth:$CALLBACK_PASSWORD" -H 'content-type: application/json' \\`,
    `  -d '${body}' \\`,
    `  ${location.origin}/callbacks`,
  ].join("\n");
}

export function EventDetailView({ id }: { id: string }) {
  const loaded = useApi<{ event: EventDetail }>(`/api/events/${encodeURIComponent(id)}`);
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const event = loaded.data?.event;

  const replay = (targetId?: string) =>
    action.run(async () => {
      const result = await api<{ queued: number }>(
        "POST",
        `/api/events/${encodeURIComponent(id)}/replay`,
        targetId ? { targetId } : {},
      );
      setNotice(`Replay queued: ${result.queued} deliver${result.queued === 1 ? "y" : "ies"}.`);
      loaded.reload();
    }, describeFailure);

  return (
    <section>
      <p>
        <a href="/events">← Events</a>
      </p>
      <ErrorBox error={loaded.error} />
      {event && (
        <>
          <div class="title-row">
            <h1>
              {event.type ?? "Event"} <Badge value={event.status} />
            </h1>
            <span class="spacer" />
            <button type="button" class="secondary" onClick={loaded.reload}>
              Refresh
            </button>
            {event.status !== "quarantined" && (
              <button type="button" disabled={action.busy} onClick={() => replay()}>
                Replay to all targets
              </button>
            )}
            <CopyButton text={curlFor(event)} label="Copy as curl" />
          </div>
          {notice && <Notice>{notice}</Notice>}
          <ErrorBox error={action.error} />
          <dl class="facts">
            <dt>Event id</dt>
            <dd class="mono">{event.id}</dd>
            <dt>Received</dt>
            <dd>{formatTime(event.receivedAt)}</dd>
            <dt>Message</dt>
            <dd class="mono">
              {event.messageId ?? "—"} · {event.direction ?? "—"} · owner {event.owner ?? "—"}
            </dd>
            {event.applicationId && (
              <>
                <dt>Application</dt>
                <dd class="mono">{event.applicationId}</dd>
              </>
            )}
            {event.traceparent && (
              <>
                <dt>traceparent</dt>
                <dd class="mono">{event.traceparent}</dd>
              </>
            )}
          </dl>
          <h2>Bandwidth context</h2>
          <BandwidthContext event={event} />
          {event.issues && (
            <section class="card issues" aria-labelledby="issues-title">
              <h2 id="issues-title">
                Validation issues ({event.issueCount ?? event.issues.length}): quarantined
              </h2>
              <ul>
                {event.issues.map((issue) => (
                  <li key={`${issue.path}-${issue.message}`}>
                    <code>{issue.path || "(the event)"}</code>: {issue.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <h2>Raw and normalized</h2>
          <RawAndNormalized
            raw={event.raw}
            normalized={event.normalized}
            issuePaths={(event.issues ?? []).map((i) => i.path)}
          />
          <h2>Deliveries</h2>
          {event.deliveries.length === 0 && (
            <p class="muted">
              {event.status === "quarantined"
                ? "A quarantined event is never forwarded."
                : "No target wanted this event."}
            </p>
          )}
          {event.deliveries.map((d) => (
            <DeliveryTimeline key={d.targetId} delivery={d} onReplay={replay} busy={action.busy} />
          ))}
        </>
      )}
    </section>
  );
}
