"use client";
import { useEffect, useId, useMemo, useRef, useState, type PointerEvent } from "react";
import { quantiseImage } from "@eai/sdk/zk/image";
import { pickSampleDigit, type SampleDigit } from "@/lib/sample-digits.ts";
import { PixelGrid } from "./pixel-grid.tsx";
import styles from "./digit-pad.module.css";

/** Side of the drawing grid: MNIST's 28×28. */
export const PAD_SIDE = 28;
const PIXELS = PAD_SIDE * PAD_SIDE;

/** A blank 28×28 image. */
export function blankImage(): Uint8Array {
  return new Uint8Array(PIXELS);
}

/** True when no pixel is inked. */
export function isBlank(image: Uint8Array): boolean {
  return image.every((v) => v === 0);
}

/**
 * Inks a round brush at (x, y) (grid units, may be fractional) onto `image` in place: full intensity within 0.75
 * pixels of the centre, fading to nothing at 2 pixels, so strokes look like MNIST's ~2–3 pixel wide soft lines.
 * Pixels only get brighter.
 */
export function stamp(image: Uint8Array, x: number, y: number): void {
  for (let row = Math.floor(y - 2); row <= Math.ceil(y + 2); row++) {
    if (row < 0 || row >= PAD_SIDE) continue;
    for (let col = Math.floor(x - 2); col <= Math.ceil(x + 2); col++) {
      if (col < 0 || col >= PAD_SIDE) continue;
      const d = Math.hypot(col + 0.5 - x, row + 0.5 - y);
      const v = d <= 0.75 ? 255 : d >= 2 ? 0 : Math.round((255 * (2 - d)) / 1.25);
      const i = row * PAD_SIDE + col;
      if (v > (image[i] as number)) image[i] = v;
    }
  }
}

/** Inks a straight stroke from (x0, y0) to (x1, y1), stamping every quarter pixel. */
export function stroke(image: Uint8Array, x0: number, y0: number, x1: number, y1: number): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 4));
  for (let s = 0; s <= steps; s++) stamp(image, x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps);
}

export interface DigitPadProps {
  /** The 28×28 image (row-major, 0 = background, 255 = ink). */
  value: Uint8Array;
  onChange: (image: Uint8Array) => void;
  disabled?: boolean;
  /** id of an element describing an error with the drawing (aria-describedby). */
  errorId?: string;
}

/**
 * The digits model's input: a 28×28 drawing canvas (mouse, pen and touch), "Clear drawing", "Use a sample digit"
 * (a real held-out MNIST digit; the keyboard alternative, since the canvas takes no focus) and a preview of the
 * 7×7 4-bit input the circuit will see, quantised with the SDK's `quantiseImage`.
 */
export function DigitPad({ value, onChange, disabled = false, errorId }: DigitPadProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const working = useRef<Uint8Array>(value);
  const [sample, setSample] = useState<SampleDigit | undefined>(undefined);
  const hintId = useId();
  const previewCaptionId = useId();
  const quantised = useMemo(() => quantiseImage(value), [value]);

  useEffect(() => {
    working.current = value;
    const canvas = canvasRef.current;
    let ctx: CanvasRenderingContext2D | null = null;
    try {
      ctx = canvas?.getContext("2d") ?? null;
    } catch {
      ctx = null; // no 2D canvas (e.g. a test DOM): the preview still shows the input
    }
    if (!ctx) return;
    const data = ctx.createImageData(PAD_SIDE, PAD_SIDE);
    for (let i = 0; i < PIXELS; i++) {
      const v = value[i] as number;
      data.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(data, 0, 0);
  }, [value]);

  function gridPoint(e: PointerEvent<HTMLCanvasElement>): { x: number; y: number } | null {
    const rect = e.currentTarget.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) return null;
    return {
      x: ((e.clientX - rect.left) / rect.width) * PAD_SIDE,
      y: ((e.clientY - rect.top) / rect.height) * PAD_SIDE,
    };
  }

  function paint(to: { x: number; y: number }) {
    const next = working.current.slice();
    const from = last.current ?? to;
    stroke(next, from.x, from.y, to.x, to.y);
    last.current = to;
    working.current = next;
    onChange(next);
  }

  return (
    <div className={styles.pad}>
      <div className={styles.drawing}>
        <canvas
          ref={canvasRef}
          width={PAD_SIDE}
          height={PAD_SIDE}
          className={styles.canvas}
          role="img"
          aria-label="Digit drawing pad"
          aria-describedby={[hintId, errorId].filter(Boolean).join(" ")}
          aria-disabled={disabled || undefined}
          onPointerDown={(e) => {
            if (disabled || (e.pointerType === "mouse" && e.button !== 0)) return;
            e.preventDefault();
            e.currentTarget.setPointerCapture?.(e.pointerId);
            last.current = null;
            const p = gridPoint(e);
            if (p) paint(p);
          }}
          onPointerMove={(e) => {
            if (disabled || last.current === null) return;
            const p = gridPoint(e);
            if (p) paint(p);
          }}
          onPointerUp={() => (last.current = null)}
          onPointerCancel={() => (last.current = null)}
          onLostPointerCapture={() => (last.current = null)}
        />
        <p id={hintId} className="hint">
          Draw one digit (0–9) large and centred, white on black, with a mouse, pen or finger. Without a
          pointer, use a sample digit.
        </p>
        <div className={styles.buttons}>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={disabled}
            onClick={() => {
              setSample(undefined);
              last.current = null;
              onChange(blankImage());
            }}
          >
            Clear drawing
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={disabled}
            onClick={() => {
              const next = pickSampleDigit(sample);
              setSample(next);
              last.current = null;
              onChange(next.image.slice());
            }}
          >
            Use a sample digit
          </button>
        </div>
        <p className="muted" aria-live="polite" data-testid="sample-note">
          {sample
            ? `Sample: a held-out MNIST "${sample.label}" (mnist package, sample ${sample.index}).`
            : null}
        </p>
      </div>
      <div className={styles.preview}>
        <PixelGrid
          pixels={quantised}
          caption="What the model sees: 7 × 7 pixels, values 0–15"
          captionId={previewCaptionId}
        />
      </div>
    </div>
  );
}
