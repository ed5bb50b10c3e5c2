/** A tiny fetch-on-render hook: what each view loads, with its error and a reload. */
import { useCallback, useEffect, useState } from "preact/hooks";
import { api, describeFailure } from "./api.ts";

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // The path the shown data answers. Until the new answer arrives, `loading` is true from the
  // very render that changed the path, so nothing reads the old answer as the new one.
  const [answered, setAnswered] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  // `generation` is in the dependencies only to re-run the fetch on reload().
  useEffect(() => {
    if (!path) return;
    let cancelled = false;
    setLoading(true);
    api<T>("GET", path)
      .then((result) => {
        if (cancelled) return;
        setData(result);
        setError(null);
        setAnswered(path);
      })
      .catch((err) => {
        if (cancelled) return;
        setError(describeFailure(err));
        setAnswered(path);
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [path, generation]);

  return { data, error, loading: loading || (path !== null && answered !== path), reload };
}

/**
 * Fetches every page of an event query up to `max` events (for counts and charts), with the
 * shards the relay could not read on any page: their events are missing from the answer.
 */
export async function fetchAllEvents<E>(
  query: string,
  max: number,
): Promise<{ events: E[]; failedShards: string[] }> {
  const events: E[] = [];
  const failed = new Set<string>();
  let cursor: string | null = null;
  do {
    const sep = query ? "&" : "?";
    const path: string = `/api/events${query}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: { events: E[]; nextCursor: string | null; failedShards: string[] } = await api(
      "GET",
      path,
    );
    events.push(...page.events);
    for (const shard of page.failedShards) failed.add(shard);
    cursor = page.nextCursor;
  } while (cursor && events.length < max);
  return { events, failedShards: [...failed] };
}
