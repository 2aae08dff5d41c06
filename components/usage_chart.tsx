/**
 * A small bar chart of daily figures, drawn on the server as inline SVG: no script, no inline
 * styles (the CSP allows neither; bars are positioned with SVG attributes and colored by the
 * stylesheet). Accessible: the SVG is an image with a title and a description summing up the
 * figures, each bar has its own title (a tooltip), and pages put the same figures in a table.
 *
 * @module
 */

/** One bar. */
export interface ChartPoint {
  /** `YYYY-MM-DD`. */
  date: string;
  value: number;
}

const WIDTH = 600;
const HEIGHT = 160;
const TOP = 16;
const BOTTOM = 22;

/** "Nov 2" from `2026-11-02`. */
function dayLabel(date: string): string {
  return Temporal.PlainDate.from(date).toLocaleString("en-US", { month: "short", day: "numeric" });
}

/**
 * A bar chart of `points` (oldest first).
 *
 * @example
 * ```tsx
 * <UsageChart id="entries" title="Time entries created per day" unit="entries" points={series} />
 * ```
 */
export function UsageChart(
  { id, title, unit, points }: { id: string; title: string; unit: string; points: ChartPoint[] },
) {
  const max = Math.max(0, ...points.map((p) => p.value));
  const total = points.reduce((n, p) => n + p.value, 0);
  const slot = WIDTH / Math.max(1, points.length);
  const plot = HEIGHT - TOP - BOTTOM;
  const first = points[0]?.date;
  const last = points.at(-1)?.date;
  const desc = points.length
    ? `${points.length} days from ${dayLabel(first!)} to ${dayLabel(last!)}: ${
      total.toLocaleString("en-US")
    } ${unit} in all, at most ${max.toLocaleString("en-US")} in a day.`
    : "No data.";
  return (
    <figure class="usage-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="none"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        <line class="axis" x1="0" y1={HEIGHT - BOTTOM} x2={WIDTH} y2={HEIGHT - BOTTOM} />
        {points.map((p, i) => {
          const h = max === 0 ? 0 : Math.max(p.value > 0 ? 1 : 0, (p.value / max) * plot);
          return (
            <rect
              key={p.date}
              class="bar"
              x={(i * slot + slot * 0.15).toFixed(1)}
              y={(HEIGHT - BOTTOM - h).toFixed(1)}
              width={(slot * 0.7).toFixed(1)}
              height={h.toFixed(1)}
              data-date={p.date}
              data-value={p.value}
            >
              <title>{`${dayLabel(p.date)}: ${p.value.toLocaleString("en-US")} ${unit}`}</title>
            </rect>
          );
        })}
        <text class="label" x="0" y={TOP - 4}>{`max ${max.toLocaleString("en-US")}`}</text>
        {first && <text class="label" x="0" y={HEIGHT - 6}>{dayLabel(first)}</text>}
        {last && (
          <text class="label" x={WIDTH} y={HEIGHT - 6} text-anchor="end">{dayLabel(last)}</text>
        )}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
