/** Per target: the attempt timeline of one event's delivery, and its replay button. */
import { Badge } from "../components.tsx";
import { formatMs, formatTime, relative } from "../format.ts";
import type { DeliveryDetail } from "../types.ts";

export function DeliveryTimeline({
  delivery,
  onReplay,
  busy,
}: {
  delivery: DeliveryDetail;
  onReplay: (targetId: string) => void;
  busy: boolean;
}) {
  const name = delivery.targetName ?? `${delivery.targetId} (deleted)`;
  return (
    <article class="card delivery" data-target-id={delivery.targetId}>
      <header class="title-row">
        <h3>{name}</h3>
        <Badge value={delivery.status} />
        <span class="muted">
          {delivery.attemptCount} attempt{delivery.attemptCount === 1 ? "" : "s"} this round
        </span>
        <span class="spacer" />
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => onReplay(delivery.targetId)}
        >
          Replay to {delivery.targetName ?? "this target"}
        </button>
      </header>
      {delivery.status === "pending" && delivery.nextAttemptAt && (
        <p>
          Next retry {relative(delivery.nextAttemptAt)} ({formatTime(delivery.nextAttemptAt)})
        </p>
      )}
      {delivery.lastError && <p class="error-text">Last error: {delivery.lastError}</p>}
      {delivery.attempts.length === 0 ? (
        <p class="muted">No attempt yet.</p>
      ) : (
        <ol class="timeline">
          {delivery.attempts.map((a) => (
            <li
              key={`${a.at}-${a.attempt}`}
              class={a.statusCode !== null && a.statusCode < 300 ? "ok" : "ko"}
            >
              <span class="mono">#{a.attempt}</span> {formatTime(a.at)} ·{" "}
              <strong>{a.statusCode ?? "no answer"}</strong> · {formatMs(a.durationMs)}
              {a.error && <span class="error-text"> · {a.error}</span>}
              {a.responseExcerpt && (
                <details>
                  <summary>Response excerpt</summary>
                  <pre>{a.responseExcerpt}</pre>
                </details>
              )}
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
