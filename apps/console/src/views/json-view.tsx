/** Raw and normalized side by side; changed fields and fields with issues are marked. */
import { changedPaths, type JsonLine, missingByParent, toLines, touches } from "../json-lines.ts";

function JsonPane({
  title,
  value,
  changed,
  issues,
}: {
  title: string;
  value: unknown;
  changed: Set<string>;
  issues: Set<string>;
}) {
  const lines: JsonLine[] = toLines(value);
  // A field that is not there is marked on its parent's first line, as "missing: id".
  const notes = new Map<number, string>();
  for (const [parent, names] of missingByParent(lines, issues)) {
    notes.set(
      lines.findIndex((l) => l.path === parent),
      `missing: ${names.join(", ")}`,
    );
  }
  return (
    <figure class="json-pane">
      <figcaption>{title}</figcaption>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable block must be reachable by keyboard to scroll it */}
      <pre tabIndex={0}>
        {lines.map((line, i) => {
          // Only leaf lines are marked: marking an opening brace would mark the whole object.
          const isLeaf = !/[[{]$/.test(line.text) && !/^[\]}],?$/.test(line.text);
          const note = notes.get(i) ?? "";
          const issue = note !== "" || (line.path !== "" && isLeaf && touches(line.path, issues));
          const change = isLeaf && changed.has(line.path);
          const cls = issue ? "line issue" : change ? "line changed" : "line";
          return (
            <span
              key={i}
              class={cls}
              data-path={line.path}
              title={
                issue
                  ? note || `issue at ${line.path}`
                  : change
                    ? `changed by normalization: ${line.path}`
                    : undefined
              }
            >
              {"  ".repeat(line.indent)}
              {line.text}
              {issue ? "  ⚠" : change ? "  ✎" : ""}
              {note && <span class="note"> {note}</span>}
              {"\n"}
            </span>
          );
        })}
      </pre>
    </figure>
  );
}

export function RawAndNormalized({
  raw,
  normalized,
  issuePaths,
}: {
  raw: unknown;
  normalized: unknown;
  issuePaths: string[];
}) {
  const changed = normalized === null ? new Set<string>() : changedPaths(raw, normalized);
  const issues = new Set(issuePaths);
  return (
    <div>
      <p class="muted legend">
        <span class="legend-changed">✎ changed by normalization</span>{" "}
        <span class="legend-issue">⚠ validation issue</span> ({changed.size} field
        {changed.size === 1 ? "" : "s"} changed)
      </p>
      <div class="json-grid">
        <JsonPane title="Raw (as received)" value={raw} changed={changed} issues={issues} />
        {normalized === null ? (
          <figure class="json-pane">
            <figcaption>Normalized</figcaption>
            <p class="muted">None: the event is quarantined and never forwarded.</p>
          </figure>
        ) : (
          <JsonPane
            title="Normalized (as forwarded)"
            value={normalized}
            changed={changed}
            issues={issues}
          />
        )}
      </div>
    </div>
  );
}
