/**
 * Targets: state, success rate, p95 latency and oldest pending per target (from /api/stats),
 * and every action the API has: create, edit, pause/resume, test delivery, rotate secret.
 */
import { useEffect, useState } from "preact/hooks";
import { api, describeFailure } from "../api.ts";
import { Badge, ErrorBox, Notice, useAction } from "../components.tsx";
import { useApi } from "../data.ts";
import { formatMs, formatRate } from "../format.ts";
import { observedP95, recordLatency } from "../latency.ts";
import { subscribeTail } from "../live.ts";
import type { Stats, Target, TargetStats, TargetTestResult } from "../types.ts";
import { SecretOnce } from "./secret-once.tsx";
import { TargetForm } from "./target-form.tsx";

function p95Of(stats: TargetStats | undefined, id: string): string {
  const reported = stats?.latencyMs?.p95;
  if (reported !== undefined && reported !== null) return formatMs(reported);
  const seen = observedP95(id);
  return seen ? `${formatMs(seen.p95)} (live, ${seen.samples})` : "—";
}

export function TargetsView() {
  const targets = useApi<{ targets: Target[] }>("/api/targets");
  const stats = useApi<Stats>("/api/stats");
  const action = useAction();
  const [editing, setEditing] = useState<Target | "new" | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Delivery outcomes change the numbers: refresh the stats at most every 2 s while live.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = subscribeTail((message) => {
      recordLatency(message);
      if ("delivery" in message && !timer) {
        timer = setTimeout(() => {
          timer = undefined;
          stats.reload();
        }, 2000);
      }
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [stats.reload]);

  const refresh = () => {
    targets.reload();
    stats.reload();
  };
  const run = (work: () => Promise<string | undefined>) =>
    action.run(async () => {
      const message = await work();
      if (message) setNotice(message);
      refresh();
    }, describeFailure);

  const setEnabled = (t: Target, enabled: boolean) =>
    run(async () => {
      await api("PATCH", `/api/targets/${t.id}`, { enabled });
      return `${t.name} ${enabled ? "resumed" : "paused"}.`;
    });
  const test = (t: Target) =>
    run(async () => {
      const r = await api<TargetTestResult>("POST", `/api/targets/${t.id}/test`);
      return `Test delivery to ${t.name}: ${r.statusCode ?? "no answer"} in ${formatMs(r.durationMs)}${r.error ? ` (${r.error})` : ""}${r.responseExcerpt ? `: ${r.responseExcerpt.slice(0, 200)}` : ""}`;
    });
  const rotate = (t: Target) => {
    if (!confirm(`Rotate the signing secret of ${t.name}? The old one keeps signing for 24 h.`))
      return;
    void run(async () => {
      const r = await api<{ secret: string }>("POST", `/api/targets/${t.id}/rotate-secret`);
      setSecret({ name: t.name, secret: r.secret });
      return undefined;
    });
  };
  const remove = (t: Target) => {
    if (!confirm(`Delete ${t.name}? Its pending deliveries are marked failed.`)) return;
    void run(async () => {
      await api("DELETE", `/api/targets/${t.id}`);
      return `${t.name} deleted.`;
    });
  };

  const statsFor = (id: string) => stats.data?.targets.find((s) => s.id === id);
  return (
    <section>
      <div class="title-row">
        <h1>Targets</h1>
        <span class="spacer" />
        <button type="button" onClick={() => setEditing("new")}>
          New target
        </button>
      </div>
      {secret && <SecretOnce {...secret} onClose={() => setSecret(null)} />}
      {notice && <Notice>{notice}</Notice>}
      <ErrorBox error={targets.error ?? stats.error ?? action.error} />
      {editing && (
        <TargetForm
          target={editing === "new" ? null : editing}
          onCancel={() => setEditing(null)}
          onDone={(result) => {
            setEditing(null);
            if (result.secret) setSecret({ name: result.target.name, secret: result.secret });
            setNotice(`${result.target.name} saved.`);
            refresh();
          }}
        />
      )}
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Targets and their delivery health</caption>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">State</th>
              <th scope="col">Success</th>
              <th scope="col">p95 latency</th>
              <th scope="col">Oldest pending</th>
              <th scope="col">Pending / dead</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {(targets.data?.targets ?? []).map((t) => {
              const s = statsFor(t.id);
              return (
                <tr key={t.id} data-target-id={t.id}>
                  <th scope="row">
                    {t.name}
                    <div class="muted mono ellipsis">{t.url}</div>
                  </th>
                  <td>
                    <Badge value={t.state} />
                    {t.stateReason && <div class="muted">{t.stateReason}</div>}
                  </td>
                  <td>{formatRate(s?.successRate)}</td>
                  <td>{p95Of(s, t.id)}</td>
                  <td>{formatMs(s?.oldestPendingAgeMs)}</td>
                  <td>
                    {s ? `${s.deliveries.pending} / ${s.deliveries.dead}` : "—"}{" "}
                    {s && s.deliveries.dead > 0 && (
                      <a href={`/dead-letters?targetId=${t.id}`}>recover</a>
                    )}
                  </td>
                  <td class="actions">
                    {t.enabled ? (
                      <button
                        type="button"
                        class="secondary"
                        disabled={action.busy}
                        onClick={() => setEnabled(t, false)}
                      >
                        Pause
                      </button>
                    ) : null}
                    {!t.enabled || t.state !== "active" ? (
                      <button
                        type="button"
                        class="secondary"
                        disabled={action.busy}
                        onClick={() => setEnabled(t, true)}
                      >
                        Resume
                      </button>
                    ) : null}
                    <button
                      type="button"
                      class="secondary"
                      disabled={action.busy}
                      onClick={() => test(t)}
                    >
                      Test
                    </button>
                    <button type="button" class="secondary" onClick={() => setEditing(t)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      disabled={action.busy}
                      onClick={() => rotate(t)}
                    >
                      Rotate secret
                    </button>
                    <a href={`/events?targetId=${t.id}`}>Events</a>
                    <button
                      type="button"
                      class="danger"
                      disabled={action.busy}
                      onClick={() => remove(t)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {targets.data?.targets.length === 0 && <p class="muted">No targets yet.</p>}
    </section>
  );
}
