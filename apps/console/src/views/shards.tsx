/**
 * The shard epochs (GET /api/shards), read-only: how many shards new messages go to, and the
 * older counts whose shards still hold the messages they started (docs/scaling.md). Changing
 * the count is an operator action, left to the CLI and the API.
 */
import { Badge, ErrorBox } from "../components.tsx";
import { useApi } from "../data.ts";
import { formatTime } from "../format.ts";
import type { ShardEpoch, ShardEpochs } from "../types.ts";

/** Epoch 0 opened "at 0": it has been there from the start. */
const since = (e: ShardEpoch) =>
  Date.parse(e.since) === 0 ? "from the start" : formatTime(e.since);

export function Shards() {
  const shards = useApi<ShardEpochs>("/api/shards");
  const epochs = shards.data?.epochs ?? [];
  const current = epochs.find((e) => e.state === "current");
  const closed = epochs.some((e) => e.state === "closed");
  return (
    <section aria-labelledby="shards-title">
      <h2 id="shards-title">Shards</h2>
      <ErrorBox error={shards.error} />
      {current && (
        <p>
          New messages go to {current.shardCount} shard{current.shardCount === 1 ? "" : "s"} (epoch{" "}
          {current.epoch})
          {closed
            ? "; a closed epoch keeps the messages it started, and their later events, until it retires."
            : "."}
        </p>
      )}
      <p class="muted">
        Changing the shard count is an operator action: <code>bw-relay shards set COUNT</code> or{" "}
        <code>POST /api/shards</code>.
      </p>
      <div class="table-wrap">
        <table class="shards" aria-busy={shards.loading ? "true" : "false"}>
          <caption class="visually-hidden">Shard epochs, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Epoch</th>
              <th scope="col">Shards</th>
              <th scope="col">Since</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {epochs.map((e) => (
              <tr key={e.epoch} data-epoch={e.epoch}>
                <th scope="row">{e.epoch}</th>
                <td>{e.shardCount}</td>
                <td>{since(e)}</td>
                <td>
                  <Badge value={e.state} />
                  {e.retiredAt && <span class="muted"> {formatTime(e.retiredAt)}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
