// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { BarChart, LineChart, axisMax, chartSummary, linePaths } from "./charts.tsx";

afterEach(cleanup);

const LABELS = ["2026-01-01", "2026-01-02", "2026-01-03"];

describe("chart helpers", () => {
  it("summarises each series: span, latest and highest value", () => {
    expect(
      chartSummary({
        title: "Tasks per day",
        labels: LABELS,
        series: [{ name: "Tasks", values: [2, 9, 4] }],
      }),
    ).toBe("Tasks per day, 3 points from 2026-01-01 to 2026-01-03: latest 4, highest 9 (2026-01-02).");
    expect(
      chartSummary({
        title: "Scores",
        labels: LABELS.slice(0, 1),
        series: [
          { name: "Trust", values: [50] },
          { name: "Availability", values: [null] },
        ],
        format: (v) => `${v} %`,
      }),
    ).toBe(
      "Scores, 1 point (2026-01-01): Trust latest 50 %, highest 50 % (2026-01-01); Availability no values.",
    );
    expect(chartSummary({ title: "Latency", labels: [], series: [] })).toBe("Latency: no data yet.");
  });

  it("scales to the largest value, or to a fixed maximum", () => {
    expect(axisMax([{ name: "a", values: [1, null, 7] }])).toBe(7);
    expect(axisMax([{ name: "a", values: [0, null] }])).toBe(1);
    expect(axisMax([{ name: "a", values: [3] }], 100)).toBe(100);
  });

  it("splits a line at missing values", () => {
    const paths = linePaths([1, 2, null, 3], 3);
    expect(paths).toHaveLength(2);
    expect(paths[0]).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
    expect(paths[1]).toMatch(/^M[\d.]+,[\d.]+$/);
    expect(linePaths([null, null], 1)).toEqual([]);
  });
});

describe("BarChart", () => {
  it("is a captioned figure whose SVG is named by the summary, with a data table", () => {
    render(
      <BarChart
        title="Tasks per day"
        labels={LABELS}
        series={[{ name: "Tasks submitted", values: [2, 0, 4] }]}
      />,
    );
    const figure = screen.getByRole("figure", { name: "Tasks per day" });
    const img = within(figure).getByRole("img");
    expect(img.getAttribute("aria-labelledby")).toBeTruthy();
    expect(within(figure).getByRole("img", { name: /latest 4, highest 4/ })).toBe(img);
    // one bar per positive value
    expect(img.querySelectorAll("rect")).toHaveLength(2);
    const table = within(figure).getByRole("table", { name: "Tasks per day: data" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(4);
    expect(rows[3]?.textContent).toBe("2026-01-034");
  });

  it("says when there is no data instead of drawing an empty chart", () => {
    render(<BarChart title="Volume per day" labels={[]} series={[{ name: "Volume", values: [] }]} />);
    const figure = screen.getByRole("figure", { name: "Volume per day" });
    expect(within(figure).queryByRole("img")).toBeNull();
    expect(figure.textContent).toContain("No data yet.");
  });
});

describe("LineChart", () => {
  it("draws one path group per series with a legend, and formats the table values", () => {
    render(
      <LineChart
        title="Trust and availability"
        labels={LABELS}
        labelName="Time"
        series={[
          { name: "Trust", values: [50, 55.5, 60] },
          { name: "Availability", values: [50, null, 52] },
        ]}
        format={(v) => `${v.toFixed(1)} %`}
        max={100}
      />,
    );
    const figure = screen.getByRole("figure", { name: "Trust and availability" });
    const svg = within(figure).getByRole("img");
    expect(svg.querySelectorAll("path")).toHaveLength(3); // trust: 1 path; availability: 2 (gap)
    // Each series has its own marker shape: trust circles, availability squares.
    expect(svg.querySelectorAll('[data-series="Trust"] circle')).toHaveLength(3);
    expect(svg.querySelectorAll('[data-series="Availability"] rect')).toHaveLength(2);
    expect(svg.textContent).toContain("100.0 %");
    const table = within(figure).getByRole("table");
    expect(within(table).getByRole("columnheader", { name: "Time" })).toBeTruthy();
    expect(within(table).getAllByRole("row")[2]?.textContent).toBe("2026-01-0255.5 %no value");
  });
});

describe("LineChart with coinciding and single points", () => {
  it("keeps two equal series apart: different line styles and markers, both drawn, and a legend", () => {
    render(
      <LineChart
        title="Trust and availability"
        labels={LABELS}
        series={[
          { name: "Trust", values: [50, 60, 70] },
          { name: "Availability", values: [50, 60, 70] },
        ]}
        max={100}
      />,
    );
    const figure = screen.getByRole("figure", { name: "Trust and availability" });
    const svg = within(figure).getByRole("img");
    const trust = svg.querySelector('[data-series="Trust"] path');
    const availability = svg.querySelector('[data-series="Availability"] path');
    // The same points, so the same path: what tells them apart is the class (wide solid vs dashed on top).
    expect(trust?.getAttribute("d")).toBe(availability?.getAttribute("d"));
    expect(trust?.getAttribute("class")).not.toBe(availability?.getAttribute("class"));
    expect(availability?.getAttribute("class")).toMatch(/line1/);
    // The dashed series is drawn after (above) the solid one.
    const groups = [...svg.querySelectorAll("[data-series]")].map((g) => g.getAttribute("data-series"));
    expect(groups).toEqual(["Trust", "Availability"]);
    // The legend names both and repeats each one's line and marker.
    const legend = figure.querySelector("ul");
    expect([...(legend?.querySelectorAll("li") ?? [])].map((li) => li.textContent)).toEqual([
      "Trust",
      "Availability",
    ]);
    expect(legend?.querySelectorAll("li")[1]?.querySelector("path")?.getAttribute("class")).toMatch(/line1/);
    expect(legend?.querySelectorAll("li")[1]?.querySelector("rect")).toBeTruthy();
  });

  it("writes a single point's value beside its marker and says a line needs a second point", () => {
    render(
      <LineChart
        title="Trust and availability"
        labels={["2026-01-01 10:00"]}
        series={[
          { name: "Trust", values: [50] },
          { name: "Availability", values: [50] },
        ]}
        format={(v) => `${v} %`}
        max={100}
      />,
    );
    const figure = screen.getByRole("figure", { name: "Trust and availability" });
    const svg = within(figure).getByRole("img");
    const values = [...svg.querySelectorAll("[data-series] text")].map((t) => t.textContent);
    expect(values).toEqual(["Trust 50 %", "Availability 50 %"]);
    // On opposite sides of the marker, so equal values do not overlap.
    const anchors = [...svg.querySelectorAll("[data-series] text")].map((t) => t.getAttribute("text-anchor"));
    expect(anchors).toEqual(["end", "start"]);
    expect(figure.textContent).toContain(
      "One point so far (2026-01-01 10:00): a line appears with the next one.",
    );
    // The point's label sits under it (centred), not at the left edge.
    const tick = [...svg.querySelectorAll("text")].find((t) => t.textContent === "2026-01-01 10:00");
    expect(tick?.getAttribute("text-anchor")).toBe("middle");
  });

  it("labels a lone bar with its value", () => {
    render(
      <BarChart title="Tasks per day" labels={["2026-01-01"]} series={[{ name: "Tasks", values: [3] }]} />,
    );
    const figure = screen.getByRole("figure", { name: "Tasks per day" });
    const svg = within(figure).getByRole("img");
    expect(svg.querySelector("g rect + text")?.textContent).toBe("3");
    expect(figure.textContent).toContain("One point so far (2026-01-01).");
  });
});
