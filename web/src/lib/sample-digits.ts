/**
 * Real held-out MNIST digits for the digits model's "Use a sample digit" button (the keyboard alternative to
 * drawing). The JSON records where each sample comes from; the test checks it against the `mnist` package and the
 * committed model.
 */
import { z } from "zod";
import raw from "./sample-digits.json";

/** One 28×28 grayscale digit (row-major bytes, 0 = background) with its true label. */
export interface SampleDigit {
  label: number;
  /** Index of the sample in the mnist package's file for its digit. */
  index: number;
  image: Uint8Array;
}

const fileSchema = z.object({
  source: z.string(),
  samples: z
    .array(
      z.object({
        label: z.number().int().min(0).max(9),
        index: z.number().int().min(0),
        pixels: z.string().min(1),
      }),
    )
    .min(1),
});

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Every shipped sample, decoded and checked (28×28 bytes each). */
export const SAMPLE_DIGITS: readonly SampleDigit[] = fileSchema.parse(raw).samples.map((s) => {
  const image = decodeBase64(s.pixels);
  if (image.length !== 784) throw new Error(`sample digit ${s.label}#${s.index}: expected 784 pixels`);
  return { label: s.label, index: s.index, image };
});

/** A random sample other than `previous` (so pressing the button twice changes the picture). */
export function pickSampleDigit(previous?: SampleDigit, random: () => number = Math.random): SampleDigit {
  const choices = SAMPLE_DIGITS.filter((s) => s !== previous);
  const pool = choices.length > 0 ? choices : SAMPLE_DIGITS;
  return pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))] as SampleDigit;
}
