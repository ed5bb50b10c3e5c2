/**
 * What Bandwidth's side says about an event: the error code's name, class and whether sending
 * again can help (from @bw-relay/schema's table, the same one the relay uses), the segment
 * count (Bandwidth's own, else an estimate from the text), and the media links.
 */
import { countSegments, describeErrorCode } from "@bw-relay/schema";
import type { EventDetail } from "../types.ts";

interface MessageView {
  text?: unknown;
  segmentCount?: unknown;
  media?: unknown;
}

export function BandwidthContext({ event }: { event: EventDetail }) {
  const source = (event.normalized ?? event.raw) as {
    message?: MessageView;
    errorCode?: unknown;
  } | null;
  const message = source?.message ?? {};
  const code = event.errorCode ?? (typeof source?.errorCode === "number" ? source.errorCode : null);
  const described = code === null ? null : describeErrorCode(code);
  const text = typeof message.text === "string" ? message.text : null;
  const estimate = text === null ? null : countSegments(text);
  const media = Array.isArray(message.media)
    ? message.media.filter((m): m is string => typeof m === "string")
    : [];
  return (
    <dl class="facts">
      {described && (
        <>
          <dt>Error code</dt>
          <dd>
            <strong>{described.code}</strong> {event.errorName ?? described.name} ·{" "}
            {described.category}
            {" · "}
            {described.retryable ? (
              <span class="ok-text">retryable (a service error: sending again may work)</span>
            ) : (
              <span class="error-text">not retryable (sending again gives the same result)</span>
            )}
          </dd>
        </>
      )}
      <dt>Segments</dt>
      <dd>
        {typeof message.segmentCount === "number"
          ? `${message.segmentCount} (from Bandwidth)`
          : estimate
            ? `${estimate.segments} estimated (${estimate.encoding}, ${estimate.units} units)`
            : "—"}
      </dd>
      <dt>Media</dt>
      <dd>
        {media.length === 0 ? (
          "none"
        ) : (
          <ul class="plain">
            {media.map((url) => (
              <li key={url}>
                <a href={url} target="_blank" rel="noreferrer noopener">
                  {url}
                </a>
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}
