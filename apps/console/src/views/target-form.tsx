/**
 * Create or edit a target. Lists are comma-separated; on edit, only changed fields are sent,
 * because the API refuses masked values (`********`) sent back as they were shown.
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

interface Draft {
  name: string;
  url: string;
  eventTypes: string;
  directions: string;
  owners: string;
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
