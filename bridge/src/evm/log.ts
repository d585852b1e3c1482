// Structured logs of the bridge daemons: one JSON object per line (time, level, daemon, msg, fields), like the
// worker's pino output, and counters served as Prometheus text on /metrics.

export type Level = "debug" | "info" | "warn" | "error";
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger writing JSON lines to `write` (stdout by default) at `level` and above. */
export function jsonLogger(
  daemon: string,
  level: Level = "info",
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const emit =
    (l: Level) =>
    (msg: string, fields: Fields = {}) => {
      if (ORDER[l] < ORDER[level]) return;
      const line = JSON.stringify(
        { time: new Date().toISOString(), level: l, daemon, msg, ...fields },
        (_k, v) => (typeof v === "bigint" ? v.toString() : (v as unknown)),
      );
      write(`${line}\n`);
    };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** Named counters and gauges with labels, rendered in the Prometheus text format. */
export class Counters {
  readonly #prefix: string;
  readonly #values = new Map<
    string,
    { help: string; type: "counter" | "gauge"; series: Map<string, number> }
  >();

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  #metric(name: string, help: string, type: "counter" | "gauge") {
    let m = this.#values.get(name);
    if (!m) {
      m = { help, type, series: new Map() };
      this.#values.set(name, m);
    }
    return m;
  }

  inc(name: string, help: string, labels: Record<string, string> = {}, by = 1): void {
    const m = this.#metric(name, help, "counter");
    const key = labelText(labels);
    m.series.set(key, (m.series.get(key) ?? 0) + by);
  }

  set(name: string, help: string, value: number, labels: Record<string, string> = {}): void {
    this.#metric(name, help, "gauge").series.set(labelText(labels), value);
  }

  get(name: string, labels: Record<string, string> = {}): number {
    return this.#values.get(name)?.series.get(labelText(labels)) ?? 0;
  }

  render(): string {
    const out: string[] = [];
    for (const [name, m] of this.#values) {
      const full = `${this.#prefix}_${name}`;
      out.push(`# HELP ${full} ${m.help}`, `# TYPE ${full} ${m.type}`);
      for (const [labels, v] of m.series) out.push(`${full}${labels} ${v}`);
    }
    return `${out.join("\n")}\n`;
  }
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",")}}`;
}
