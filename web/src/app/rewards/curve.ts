/**
 * The contribution curve drawn on the rewards page: m(C) = 1 + 9·e^(−C / 1,000,000 CPU-hours), the closed form the
 * contract's fixed-point curve is tested against (sdk/src/rewards/compute.ts, multiplierFloat).
 */
import { multiplierFloat } from "@eai/sdk/rewards/compute";

export const DECAY_CPU_HOURS = 1_000_000;

export interface CurveGeometry {
  width: number;
  height: number;
  /** Largest compute on the x axis, in CPU-hours. */
  maxCpuHours: number;
}

/** x, y in the SVG's coordinates of compute `cpuHours` (y: multiplier 1 at the bottom, 10 at the top). */
export function curvePoint(g: CurveGeometry, cpuHours: number): { x: number; y: number } {
  const m = multiplierFloat(cpuHours * 3600);
  const x = (Math.min(cpuHours, g.maxCpuHours) / g.maxCpuHours) * g.width;
  const y = g.height - ((m - 1) / 9) * g.height;
  return { x, y };
}

/** An SVG path of the curve with `steps` segments. */
export function curvePath(g: CurveGeometry, steps = 100): string {
  const parts: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const { x, y } = curvePoint(g, (i / steps) * g.maxCpuHours);
    parts.push(`${i === 0 ? "M" : "L"}${x.toFixed(2)},${y.toFixed(2)}`);
  }
  return parts.join(" ");
}
