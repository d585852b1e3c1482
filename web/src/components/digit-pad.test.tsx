// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { quantiseImage } from "@eai/sdk/zk/image";
import { SAMPLE_DIGITS } from "@/lib/sample-digits.ts";
import { DigitPad, blankImage, isBlank, stamp, stroke } from "./digit-pad.tsx";

afterEach(cleanup);

// jsdom has no PointerEvent: a MouseEvent with the pointer fields is what browsers deliver to these handlers.
class TestPointerEvent extends MouseEvent {
  readonly pointerId: number;
  readonly pointerType: string;
  constructor(type: string, init: PointerEventInit = {}) {
    super(type, init);
    this.pointerId = init.pointerId ?? 0;
    this.pointerType = init.pointerType ?? "mouse";
  }
}
if (!("PointerEvent" in window)) Object.assign(window, { PointerEvent: TestPointerEvent });

beforeEach(() => {
  // jsdom has no 2D canvas; the pad must work without one (the preview table shows the input).
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
});

function Harness({ onChange }: { onChange?: (image: Uint8Array) => void }) {
  const [image, setImage] = useState(blankImage);
  return (
    <DigitPad
      value={image}
      onChange={(next) => {
        setImage(next);
        onChange?.(next);
      }}
    />
  );
}

function previewValues(): number[] {
  const table = screen.getByRole("table", { name: /What the model sees/ });
  return within(table)
    .getAllByRole("cell")
    .map((c) => Number(c.textContent));
}

describe("brush", () => {
  it("inks a soft round dot that only brightens pixels", () => {
    const image = blankImage();
    stamp(image, 14, 14);
    expect(image[13 * 28 + 13]).toBe(255);
    expect(image[13 * 28 + 14]).toBe(255);
    expect(image[14 * 28 + 15]).toBeGreaterThan(0);
    expect(image[14 * 28 + 15]).toBeLessThan(255);
    expect(image[14 * 28 + 17]).toBe(0);
    image[0] = 200;
    stamp(image, 0.5, 0.5); // corner: no out-of-range writes, 200 → 255
    expect(image[0]).toBe(255);
    expect(image.length).toBe(784);
  });

  it("strokes connect points without gaps", () => {
    const image = blankImage();
    stroke(image, 4.5, 14.5, 24.5, 14.5);
    for (let col = 4; col <= 24; col++) expect(image[14 * 28 + col]).toBe(255);
    expect(isBlank(image)).toBe(false);
    expect(isBlank(blankImage())).toBe(true);
  });
});

describe("DigitPad", () => {
  it("exposes the accessible names of the UI contract and keeps the canvas out of the tab order", () => {
    render(<Harness />);
    const canvas = screen.getByRole("img", { name: "Digit drawing pad" });
    expect(canvas.tagName).toBe("CANVAS");
    expect(canvas.getAttribute("tabindex")).toBeNull();
    expect(screen.getByRole("button", { name: "Clear drawing" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Use a sample digit" })).toBeTruthy();
    expect(previewValues()).toEqual(Array(49).fill(0));
  });

  it("fills the pad with a held-out MNIST digit and previews its 7×7 quantisation", () => {
    const changes: Uint8Array[] = [];
    render(<Harness onChange={(i) => changes.push(i)} />);
    fireEvent.click(screen.getByRole("button", { name: "Use a sample digit" }));
    const image = changes.at(-1) as Uint8Array;
    const sample = SAMPLE_DIGITS.find((s) => s.image.every((v, i) => v === image[i]));
    expect(sample).toBeDefined();
    expect(previewValues()).toEqual(quantiseImage(image));
    expect(previewValues().some((v) => v > 0)).toBe(true);
    expect(screen.getByTestId("sample-note").textContent).toContain(`"${sample?.label}"`);

    fireEvent.click(screen.getByRole("button", { name: "Clear drawing" }));
    expect(isBlank(changes.at(-1) as Uint8Array)).toBe(true);
    expect(previewValues()).toEqual(Array(49).fill(0));
    expect(screen.getByTestId("sample-note").textContent).toBe("");
  });

  it("draws with a pointer, mapping screen to grid coordinates", () => {
    const changes: Uint8Array[] = [];
    render(<Harness onChange={(i) => changes.push(i)} />);
    const canvas = screen.getByRole("img", { name: "Digit drawing pad" });
    canvas.getBoundingClientRect = () =>
      ({ left: 100, top: 50, width: 280, height: 280, right: 380, bottom: 330, x: 100, y: 50 }) as DOMRect;
    // Grid (14, 5) to (14, 23): a vertical "1" through the middle (10 screen px per grid px).
    fireEvent.pointerDown(canvas, { clientX: 245, clientY: 105, pointerId: 1, pointerType: "pen" });
    fireEvent.pointerMove(canvas, { clientX: 245, clientY: 285, pointerId: 1, pointerType: "pen" });
    fireEvent.pointerUp(canvas, { pointerId: 1 });
    // A move without a pressed pointer draws nothing.
    const count = changes.length;
    fireEvent.pointerMove(canvas, { clientX: 110, clientY: 60, pointerId: 1, pointerType: "pen" });
    expect(changes.length).toBe(count);

    const image = changes.at(-1) as Uint8Array;
    for (let row = 5; row <= 23; row++) expect(image[row * 28 + 14]).toBe(255);
    expect(image[0]).toBe(0);
    const expected = quantiseImage(image);
    expect(previewValues()).toEqual(expected);
    // The middle column of the 7×7 grid (source columns 12..14) carries the stroke.
    expect(expected[3 * 7 + 3]).toBeGreaterThan(0);
    expect(expected[3 * 7 + 0]).toBe(0);
  });

  it("ignores input while disabled", () => {
    const onChange = vi.fn();
    render(<DigitPad value={blankImage()} onChange={onChange} disabled />);
    const canvas = screen.getByRole("img", { name: "Digit drawing pad" });
    canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: 28, height: 28 }) as DOMRect;
    fireEvent.pointerDown(canvas, { clientX: 14, clientY: 14, pointerId: 1, pointerType: "pen" });
    expect(onChange).not.toHaveBeenCalled();
    expect((screen.getByRole("button", { name: "Use a sample digit" }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });
});
