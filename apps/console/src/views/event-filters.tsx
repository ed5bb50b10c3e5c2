/** The filter form of the events list; every field is an API parameter and a URL parameter. */
import { useEffect, useState } from "preact/hooks";
import { type Filters, toQuery } from "../filters.ts";
import { isoToLocalInput, localInputToIso } from "../format.ts";
import { navigate } from "../router.ts";
import { EVENT_STATUSES, EVENT_TYPES, type Target } from "../types.ts";

const TEXT_FIELDS: [keyof Filters, string, string][] = [
  ["owner", "Owner", "+15551234567"],
  ["from", "From number", "+15557654321"],
  ["to", "To number", "+15551234567"],
  ["messageId", "Message id", ""],
  ["tag", "Tag", ""],
  ["errorCode", "Error code", "4432"],
  ["text", "Text contains", ""],
];

export function EventFilters({ filters, targets }: { filters: Filters; targets: Target[] }) {
  const [draft, setDraft] = useState<Filters>(filters);
  useEffect(() => setDraft(filters), [filters]);

  const apply = (next: Filters) => navigate(`/events${toQuery(next)}`, true);
  const set = (key: keyof Filters, value: string, now = false) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    // Choices apply at once; typed fields wait for Enter or "Apply" so typing stays cheap.
    if (now) apply(next);
  };
  const select = (key: keyof Filters, label: string, options: [string, string][]) => (
    <div class="field">
      <label for={`f-${key}`}>{label}</label>
      <select
        id={`f-${key}`}
        value={draft[key] ?? ""}
        onChange={(e) => set(key, e.currentTarget.value, true)}
      >
        <option value="">any</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <form
      class="filters"
      aria-label="Event filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply(draft);
      }}
    >
      {select(
        "type",
        "Type",
        EVENT_TYPES.map((t) => [t, t]),
      )}
      {select("direction", "Direction", [
        ["in", "in"],
        ["out", "out"],
      ])}
      {select(
        "status",
        "Status",
        EVENT_STATUSES.map((s) => [s, s]),
      )}
      {select(
        "targetId",
        "Target",
        targets.map((t) => [t.id, t.name]),
      )}
      {TEXT_FIELDS.map(([key, label, placeholder]) => (
        <div class="field" key={key}>
          <label for={`f-${key}`}>{label}</label>
          <input
            id={`f-${key}`}
            value={draft[key] ?? ""}
            placeholder={placeholder}
            inputMode={key === "errorCode" ? "numeric" : undefined}
            onInput={(e) => set(key, e.currentTarget.value)}
          />
        </div>
      ))}
      {(["since", "until"] as const).map((key) => (
        <div class="field" key={key}>
          <label for={`f-${key}`}>{key === "since" ? "Received from" : "Received until"}</label>
          <input
            id={`f-${key}`}
            type="datetime-local"
            value={isoToLocalInput(draft[key] ?? "")}
            onChange={(e) => set(key, localInputToIso(e.currentTarget.value), true)}
          />
        </div>
      ))}
      <div class="field actions">
        <button type="submit">Apply</button>
        <button type="button" class="secondary" onClick={() => apply({})}>
          Clear
        </button>
      </div>
    </form>
  );
}
