/**
 * "zk-mlp input v1": the blob a ZK task's input URI points to (after decryption), UTF-8 JSON:
 *
 *   { "v": 1, "x": [49 integers 0..15], "salt": "<decimal field element>" }   quantised pixels, or
 *   { "v": 1, "image": [784 integers 0..255], "salt": "…" }                  a 28 × 28 image (quantised on read)
 *
 * `salt` is the input commitment's salt (omitted = 0): the task's input commitment is Poseidon(packed x, salt).
 * Requesters write it (`writeZkInput`, via `encodeZkInput` of `@eai/sdk/tasks/request`), workers read it
 * (`readZkInput`). Browser-safe: no Node.js APIs.
 */
import { quantiseImage } from "./image.ts";
import { MNIST_MLP_SPEC, SNARK_SCALAR_FIELD } from "./spec.ts";

/** A zk-mlp input blob that cannot be read; the message says which field is wrong. */
export class ZkInputError extends Error {
  constructor(message: string) {
    super(`zk-mlp input: ${message}`);
    this.name = "ZkInputError";
  }
}

/** A read zk-mlp input: the quantised pixels and the commitment's salt. */
export interface ZkInput {
  x: number[];
  salt: bigint;
}

const FIELD_DECIMAL = /^\d{1,78}$/;

function integers(value: unknown, n: number, max: number, what: string): number[] {
  if (
    !Array.isArray(value) ||
    value.length !== n ||
    value.some((e) => !Number.isInteger(e) || (e as number) < 0 || (e as number) > max)
  )
    throw new ZkInputError(`${what}: expected ${n} integers in 0..${max}`);
  return value as number[];
}

/** Encodes "zk-mlp input v1" from quantised pixels. @throws ZkInputError for pixels or a salt out of range. */
export function writeZkInput(x: readonly number[], salt = 0n): Uint8Array {
  const pixels = integers([...x], MNIST_MLP_SPEC.nIn, 2 ** MNIST_MLP_SPEC.xBits - 1, "x");
  if (salt < 0n || salt >= SNARK_SCALAR_FIELD)
    throw new ZkInputError(`salt: expected a field element (0 ≤ salt < p), got ${salt}`);
  return new TextEncoder().encode(JSON.stringify({ v: 1, x: pixels, salt: salt.toString() }));
}

/** Reads "zk-mlp input v1" (an `image` is quantised). @throws ZkInputError saying what was wrong. */
export function readZkInput(bytes: Uint8Array): ZkInput {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ZkInputError("expected UTF-8 JSON { v: 1, x | image, salt }");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new ZkInputError("expected an object");
  const o = json as { v?: unknown; x?: unknown; image?: unknown; salt?: unknown };
  if (o.v !== 1) throw new ZkInputError(`expected v = 1, got ${JSON.stringify(o.v)}`);
  const salt = o.salt === undefined ? "0" : o.salt;
  if (typeof salt !== "string" || !FIELD_DECIMAL.test(salt) || BigInt(salt) >= SNARK_SCALAR_FIELD)
    throw new ZkInputError("salt: expected a decimal string below the field modulus");
  let x: number[];
  if (o.x !== undefined) x = integers(o.x, MNIST_MLP_SPEC.nIn, 2 ** MNIST_MLP_SPEC.xBits - 1, "x");
  else if (o.image !== undefined) {
    const side = MNIST_MLP_SPEC.imageSide;
    x = quantiseImage(Uint8Array.from(integers(o.image, side * side, 255, "image")));
  } else throw new ZkInputError("expected x (49 pixels) or image (784 bytes)");
  return { x, salt: BigInt(salt) };
}
