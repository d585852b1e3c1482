import { describe, expect, it } from "vitest";
import { curvePath, curvePoint } from "./curve.ts";

const G = { width: 500, height: 200, maxCpuHours: 5_000_000 };

describe("the contribution curve", () => {
  it("starts at 10× at the top left and falls toward 1× at the bottom", () => {
    expect(curvePoint(G, 0)).toEqual({ x: 0, y: 0 });
    const oneDecay = curvePoint(G, 1_000_000);
    expect(oneDecay.x).toBe(100);
    expect(oneDecay.y).toBeCloseTo(200 - (9 / Math.E / 9) * 200, 9);
    expect(curvePoint(G, 5_000_000).y).toBeGreaterThan(198);
  });

  it("draws a path of steps + 1 points", () => {
    const path = curvePath(G, 10);
    expect(path.startsWith("M0.00,0.00")).toBe(true);
    expect(path.split(" ")).toHaveLength(11);
  });
});
