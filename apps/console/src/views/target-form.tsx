/**
 * Create or edit a target. Lists are comma-separated, headers one `Name: value` a line; on
 * edit, only changed fields are sent, because the API refuses masked values (`********`) sent
 * back as they were shown: headers left as shown keep their real values.
 */
import { useState } from "preact/hooks";
import { api, describeFailure } from "../api.ts";
import { ErrorBox, useAction } from "../components.tsx";
import type { Target } from "../types.ts";

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** `Name: value` lines into a header record (a line without a colon is a name with no value). */
function headersOf(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    if (name) headers[name] = colon < 0 ? "" : line.slice(colon + 1).trim();
  }
  return headers;
}

interface Draft {
  name: string;
  url: string;
  eventTypes: string;
  directions: string;
  owners: string;
  applicationIds: string;
  headers: string;
  maxAttempts: string;
  timeoutMs: string;
}

function draftOf(t: Target | null): Draft {
  return {
    name: t?.name ?? "",
    url: t?.url ?? "",
    eventTypes: t?.eventTypes.join(", ") ?? "",
    directions: t?.directions.join(", ") ?? "",
    owners: t?.owners.join(", ") ?? "",
    applicationIds: t?.applicationIds.join(", ") ?? "",
    headers: Object.entries(t?.headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join("\n"),
    maxAttempts: String(t?.maxAttempts ?? 10),
    timeoutMs: String(t?.timeoutMs ?? 10000),
  };
}

function body(d: Draft): Record<string, unknown> {
  return {
    name: d.name.trim(),
    url: d.url.trim(),
    eventTypes: list(d.eventTypes),
    directions: list(d.directions),
    owners: list(d.owners),
    applicationIds: list(d.applicationIds),
    headers: headersOf(d.headers),
    maxAttempts: Number(d.maxAttempts),
    timeoutMs: Number(d.timeoutMs),
  };
}

export function TargetForm({
  target,
  onDone,
  onCancel,
}: {
  target: Target | null;
  onDone: (result: { target: Target; secret?: string }) => void;
  onCancel: () => void;
}) {
  const initial = draftOf(target);
  const [draft, setDraft] = useState(initial);
  const action = useAction();
  const field = (
    key: keyof Draft,
    label: string,
    hint?: string,
    inputMode: "text" | "url" | "numeric" = "text",
  ) => (
    <div class="field">
      <label for={`t-${key}`}>{label}</label>
      <input
        id={`t-${key}`}
        type="text"
        inputMode={inputMode}
        value={draft[key]}
        required={key === "name" || key === "url"}
        aria-describedby={hint ? `t-${key}-hint` : undefined}
        onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
      />
      {hint && (
        <small id={`t-${key}-hint`} class="muted">
          {hint}
        </small>
      )}
    </div>
  );

  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      if (!target) {
        onDone(await api<{ target: Target; secret: string }>("POST", "/api/targets", body(draft)));
        return;
      }
      const before = body(initial);
      const after = body(draft);
      const changed = Object.fromEntries(
        Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])),
      );
      onDone(await api<{ target: Target }>("PATCH", `/api/targets/${target.id}`, changed));
    }, describeFailure);
  };

  return (
    <form
      class="card target-form"
      onSubmit={submit}
      aria-label={target ? `Edit ${target.name}` : "New target"}
    >
      <h2>{target ? `Edit ${target.name}` : "New target"}</h2>
      <div class="grid">
        {field("name", "Name")}
        {field("url", "URL", "https://…; query values are shown masked", "url")}
        {field("eventTypes", "Event types", "comma-separated; empty: every type")}
        {field("directions", "Directions", "in, out; empty: both")}
        {field("owners", "Owners", "comma-separated numbers; empty: all")}
        {field("applicationIds", "Application ids", "comma-separated; empty: all")}
        <div class="field">
          <label for="t-headers">Headers</label>
          <textarea
            id="t-headers"
            rows={3}
            value={draft.headers}
            aria-describedby="t-headers-hint"
            onInput={(e) => setDraft({ ...draft, headers: e.currentTarget.value })}
          />
          <small id="t-headers-hint" class="muted">
            one <code>Name: value</code> a line; configured values show as ******** and keep their
            real value unless you change them
          </small>
        </div>
        {field("maxAttempts", "Max attempts", "1–50", "numeric")}
        {field("timeoutMs", "Timeout (ms)", "1000–30000", "numeric")}
      </div>
      <ErrorBox error={action.error} />
      <div class="title-row">
        <button type="submit" disabled={action.busy}>
          {target ? "Save" : "Create"}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
