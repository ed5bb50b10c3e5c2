/** Small pieces every view uses: status badges, copy buttons, error and busy states. */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

/** A status word in a coloured pill; the word itself carries the meaning, not only colour. */
export function Badge({ value }: { value: string | null | undefined }) {
  const text = value ?? "—";
  return (
    <span class={`badge badge-${text.replace(/[^a-z_]/g, "")}`}>{text.replace("_", " ")}</span>
  );
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard refused (http origin, permissions): fall back on a hidden textarea.
      const area = document.createElement("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return (
    <button type="button" class="secondary" onClick={copy}>
      {done ? "Copied" : label}
    </button>
  );
}

export function ErrorBox({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error}
    </p>
  );
}

/** An answer some shards could not give lacks their events: say which, and offer to ask again. */
export function PartialNotice({ failed, reload }: { failed: string[]; reload: () => void }) {
  if (failed.length === 0) return null;
  return (
    <Notice>
      This may be missing events: the relay could not read {failed.join(", ")}.{" "}
      <button type="button" class="secondary" onClick={reload}>
        Try again
      </button>
    </Notice>
  );
}

/** A polite live region: screen readers hear results of actions without losing their place. */
export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status" aria-live="polite">
      {children}
    </p>
  );
}

/** Runs an async action once at a time, keeping its error for display. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  run: (action: () => Promise<void>, describe: (err: unknown) => string) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<void>, describe: (err: unknown) => string) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
