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
        <text className={styles.tick} x={PAD.left} y={H - 6} textAnchor="start">
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
                return (
                  <rect
                    key={i}
                    x={PAD.left + slot * i + (slot - width) / 2}
                    y={yTop}
                    width={width}
                    height={PAD.top + PLOT_H - yTop}
                  />
                );
              })}
            </g>
          ) : (
            series.map((s, k) => (
              <g key={s.name} className={styles[`series${k}`]}>
                {linePaths(s.values, top).map((d) => (
                  <path key={d} className={styles.line} d={d} />
                ))}
                {s.values.map((v, i) =>
                  v === null || !Number.isFinite(v) ? null : (
                    <circle
                      key={i}
                      className={styles.dot}
                      cx={x(i, n)}
                      cy={y(v, top)}
                      r={n > 40 ? 1.5 : 2.5}
                    />
                  ),
                )}
              </g>
            ))
          )}
        </svg>
      )}
      {props.kind === "line" && series.length > 1 && (
        <ul className={styles.legend} aria-hidden="true">
          {series.map((s, k) => (
            <li key={s.name}>
              <span className={`${styles.swatch} ${styles[`series${k}`]}`} />
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
