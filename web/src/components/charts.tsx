/**
 * Small charts drawn as inline SVG (no chart library: the overview's JavaScript stays small). Every chart is a
 * `<figure>` with a caption, a one-sentence summary (also the SVG's accessible name) and a visually hidden data
 * table, so a screen reader gets the numbers, not a picture.
 */
import { useId } from "react";
import styles from "./charts.module.css";

/** One named series of values, aligned with the chart's labels; `null` is a gap (no value that day). */
export interface ChartSeries {
  name: string;
  values: readonly (number | null)[];
}

export interface ChartProps {
  /** Caption, e.g. "Tasks per day". */
  title: string;
  /** X labels, one per value (e.g. days). */
  labels: readonly string[];
  /** Bar charts draw the first series; line charts draw up to four. */
  series: readonly ChartSeries[];
  /** Name of the label column of the data table (default "Day"). */
  labelName?: string;
  /** Value formatter for ticks, summary and table (default: grouped number). */
  format?: (value: number) => string;
  /** Fixed upper bound of the value axis (default: the largest value). */
  max?: number;
}

const W = 320;
const H = 160;
const PAD = { top: 12, right: 8, bottom: 22, left: 44 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

const defaultFormat = (v: number) => v.toLocaleString("en-US", { maximumFractionDigits: 2 });

/** Upper bound of the value axis: the given max, else the largest value (1 when all are 0 or missing). */
export function axisMax(series: readonly ChartSeries[], max?: number): number {
  if (max !== undefined && max > 0) return max;
  let top = 0;
  for (const s of series) for (const v of s.values) if (v !== null && Number.isFinite(v) && v > top) top = v;
  return top > 0 ? top : 1;
}

/**
 * The chart in one sentence, e.g. "Tasks per day, 30 days from 2026-01-01 to 2026-01-30: latest 4, highest 9
 * (2026-01-12)." Series without any value say so.
 */
export function chartSummary(props: Pick<ChartProps, "title" | "labels" | "series" | "format">): string {
  const format = props.format ?? defaultFormat;
  const { labels, series } = props;
  if (labels.length === 0) return `${props.title}: no data yet.`;
  const span =
    labels.length === 1
      ? `1 point (${labels[0]})`
      : `${labels.length} points from ${labels[0]} to ${labels[labels.length - 1]}`;
  const parts = series.map((s) => {
    let latest: number | null = null;
    let best: { value: number; label: string } | null = null;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      latest = v;
      if (best === null || v > best.value) best = { value: v, label: labels[i] ?? "" };
    }
    const name = series.length > 1 ? `${s.name} ` : "";
    if (latest === null || best === null) return `${name}no values`;
    return `${name}latest ${format(latest)}, highest ${format(best.value)} (${best.label})`;
  });
  return `${props.title}, ${span}: ${parts.join("; ")}.`;
}

function x(i: number, n: number): number {
  return n <= 1 ? PAD.left + PLOT_W / 2 : PAD.left + (PLOT_W * i) / (n - 1);
}

function y(value: number, top: number): number {
  return PAD.top + PLOT_H - (PLOT_H * Math.max(0, Math.min(value, top))) / top;
}

/** Line segments of a series, split at gaps. */
export function linePaths(values: readonly (number | null)[], top: number): string[] {
  const paths: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length) paths.push(current.join(" "));
      current = [];
      return;
    }
    current.push(`${current.length ? "L" : "M"}${x(i, values.length).toFixed(1)},${y(v, top).toFixed(1)}`);
  });
  if (current.length) paths.push(current.join(" "));
  return paths;
}

function Frame({
  top,
  labels,
  format,
}: {
  top: number;
  labels: readonly string[];
  format: (v: number) => string;
}) {
  const baseline = PAD.top + PLOT_H;
  const first = labels[0];
  const last = labels.length > 1 ? labels[labels.length - 1] : undefined;
  return (
    <g aria-hidden="true">
      <line className={styles.grid} x1={PAD.left} x2={W - PAD.right} y1={PAD.top} y2={PAD.top} />
      <line className={styles.axis} x1={PAD.left} x2={W - PAD.right} y1={baseline} y2={baseline} />
      <text className={styles.tick} x={PAD.left - 4} y={PAD.top + 4} textAnchor="end">
        {format(top)}
      </text>
      <text className={styles.tick} x={PAD.left - 4} y={baseline + 4} textAnchor="end">
        {format(0)}
      </text>
      {first !== undefined && (
        // One point sits in the middle of the plot: its label goes under it.
        <text
          className={styles.tick}
          x={labels.length === 1 ? x(0, 1) : PAD.left}
          y={H - 6}
          textAnchor={labels.length === 1 ? "middle" : "start"}
        >
          {first}
        </text>
      )}
      {last !== undefined && (
        <text className={styles.tick} x={W - PAD.right} y={H - 6} textAnchor="end">
          {last}
        </text>
      )}
    </g>
  );
}

function DataTable({ title, labels, series, labelName, format }: Required<Omit<ChartProps, "max">>) {
  return (
    // A table ignores a 1px width, so the visually hidden box is a wrapper.
    <div className={styles.srOnly}>
      <table>
        <caption>{title}: data</caption>
        <thead>
          <tr>
            <th scope="col">{labelName}</th>
            {series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={`${label}-${i}`}>
              <th scope="row">{label}</th>
              {series.map((s) => {
                const v = s.values[i];
                return <td key={s.name}>{v === null || v === undefined ? "no value" : format(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A data point's marker; each series has its own shape (circle, square, diamond, triangle) as well as its own
 * colour and dash, so lines that coincide (trust = availability) stay distinguishable.
 */
function Marker({ k, cx, cy, size }: { k: number; cx: number; cy: number; size: number }) {
  const shape = k % 4;
  if (shape === 0) return <circle className={styles.dot} cx={cx} cy={cy} r={size} />;
  if (shape === 1) {
    const d = size * 0.9;
    return <rect className={styles.dot} x={cx - d} y={cy - d} width={2 * d} height={2 * d} />;
  }
  const r = size * 1.3;
  const points =
    shape === 2
      ? `${cx},${cy - r} ${cx + r},${cy} ${cx},${cy + r} ${cx - r},${cy}`
      : `${cx},${cy - r} ${cx + r},${cy + r * 0.8} ${cx - r},${cy + r * 0.8}`;
  return <polygon className={styles.dot} points={points} />;
}

function ChartFigure(props: ChartProps & { kind: "bar" | "line" }) {
  const id = useId();
  const format = props.format ?? defaultFormat;
  const labelName = props.labelName ?? "Day";
  const series = props.kind === "bar" ? props.series.slice(0, 1) : props.series.slice(0, 4);
  const summary = chartSummary({ ...props, series, format });
  const top = axisMax(series, props.max);
  const n = props.labels.length;
  return (
    <figure className={styles.chart} aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{props.title}</figcaption>
      <p className={styles.summary} id={`${id}-summary`}>
        {summary}
      </p>
      {n === 0 ? (
        <p className={styles.empty}>No data yet.</p>
      ) : (
        <svg
          className={styles.svg}
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-labelledby={`${id}-summary`}
          focusable="false"
        >
          <Frame top={top} labels={props.labels} format={format} />
          {props.kind === "bar" ? (
            <g className={styles.bar}>
              {series[0]?.values.map((v, i) => {
                if (v === null || !Number.isFinite(v) || v <= 0) return null;
                const slot = PLOT_W / n;
                const width = Math.max(1, Math.min(24, slot * 0.7));
                const yTop = y(v, top);
                const left = PAD.left + slot * i + (slot - width) / 2;
                return (
                  <g key={i}>
                    <rect x={left} y={yTop} width={width} height={PAD.top + PLOT_H - yTop} />
                    {n === 1 && (
                      // A lone bar fills the axis: its value is written above it.
                      <text
                        className={styles.pointValue}
                        x={left + width / 2}
                        y={yTop - 4}
                        textAnchor="middle"
                      >
                        {format(v)}
                      </text>
                    )}
                  </g>
                );
              })}
            </g>
          ) : (
            series.map((s, k) => (
              <g key={s.name} className={styles[`series${k}`]} data-series={s.name}>
                {linePaths(s.values, top).map((d) => (
                  <path key={d} className={`${styles.line} ${styles[`line${k}`]}`} d={d} />
                ))}
                {s.values.map((v, i) =>
                  v === null || !Number.isFinite(v) ? null : (
                    <Marker
                      key={i}
                      k={k}
                      cx={x(i, n)}
                      cy={y(v, top)}
                      size={n > 40 ? 1.5 : n === 1 ? 4 : 2.5}
                    />
                  ),
                )}
                {n === 1 &&
                  s.values[0] !== null &&
                  s.values[0] !== undefined &&
                  Number.isFinite(s.values[0]) && (
                    // A single point has no line to read: its value is written beside its marker (series
                    // alternate sides, so equal values stay readable).
                    <text
                      className={styles.pointValue}
                      x={x(0, 1) + (k % 2 === 0 ? -10 : 10)}
                      y={y(s.values[0], top) + 4 + Math.floor(k / 2) * 12}
                      textAnchor={k % 2 === 0 ? "end" : "start"}
                    >
                      {series.length > 1 ? `${s.name} ${format(s.values[0])}` : format(s.values[0])}
                    </text>
                  )}
              </g>
            ))
          )}
        </svg>
      )}
      {n === 1 && (
        <p className={styles.note}>
          One point so far ({props.labels[0]})
          {props.kind === "line" ? ": a line appears with the next one" : ""}.
        </p>
      )}
      {props.kind === "line" && series.length > 1 && n > 0 && (
        <ul className={styles.legend} aria-hidden="true">
          {series.map((s, k) => (
            <li key={s.name}>
              <svg className={styles.swatch} viewBox="0 0 24 10" width={24} height={10} focusable="false">
                <g className={styles[`series${k}`]}>
                  <path className={`${styles.line} ${styles[`line${k}`]}`} d="M1,5 L23,5" />
                  <Marker k={k} cx={12} cy={5} size={2.5} />
                </g>
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
      )}
      <DataTable
        title={props.title}
        labels={props.labels}
        series={series}
        labelName={labelName}
        format={format}
      />
    </figure>
  );
}

/** A bar chart of one series (e.g. tasks per day). */
export function BarChart(props: ChartProps) {
  return <ChartFigure {...props} kind="bar" />;
}

/** A line chart of up to four series (e.g. trust and availability over time); `null` values leave gaps. */
export function LineChart(props: ChartProps) {
  return <ChartFigure {...props} kind="line" />;
}
