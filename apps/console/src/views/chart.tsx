/** A small uPlot time-series chart (uPlot: ~50 kB, canvas, no framework) with a text fallback. */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export const PALETTE = [
  "#3b82f6",
  "#16a34a",
  "#d97706",
  "#dc2626",
  "#9333ea",
  "#0891b2",
  "#db2777",
  "#65a30d",
  "#78716c",
  "#4f46e5",
];

export interface Series {
  label: string;
  values: number[];
}

export function TimeChart({
  title,
  xs,
  series,
}: {
  title: string;
  xs: number[];
  series: Series[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(280, el.clientWidth);
    const axis = {
      stroke: "currentColor",
      grid: { stroke: "rgba(128,128,128,0.2)" },
      ticks: { stroke: "rgba(128,128,128,0.3)" },
    };
    const options: uPlot.Options = {
      width,
      height: 180,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      axes: [axis, { ...axis, size: 40 }],
      scales: { x: { time: true } },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 2,
          points: { show: false },
        })),
      ],
    };
    plot.current?.destroy();
    plot.current = new uPlot(options, [xs, ...series.map((s) => s.values)], el);
    // Follows the layout (laptop, phone, rotation) without re-creating the chart.
    const observer = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(280, el.clientWidth), height: 180 }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [xs, series]);

  const totals = series.map((s) => `${s.label}: ${s.values.reduce((a, b) => a + b, 0)}`).join(", ");
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}. Totals: ${totals || "none"}`} />
    </figure>
  );
}

/** Horizontal bars in HTML for categories (outcomes, targets): readable text, no canvas. */
export function Bars({
  title,
  rows,
  format,
}: {
  title: string;
  rows: [string, number][];
  format: (n: number) => string;
}) {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? (
        <p class="muted">Nothing yet.</p>
      ) : (
        <dl class="bars">
          {rows.map(([label, n], i) => (
            <div key={label} class="bar-row">
              <dt>{label}</dt>
              <dd>
                <span
                  class="bar"
                  style={{ width: `${(n / max) * 100}%`, background: PALETTE[i % PALETTE.length] }}
                />
                <span class="bar-value">{format(n)}</span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </figure>
  );
}
