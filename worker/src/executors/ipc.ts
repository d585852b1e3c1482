/**
 * Length-prefixed frames between the worker and its sandbox child processes (one stream socket per child).
 *
 *   offset  size  field
 *   0       4     frame length F (uint32 little-endian): bytes after this field, at most the decoder's limit
 *   4       4     header length H (uint32 little-endian), H ≤ min(F − 4, 64 KiB)
 *   8       H     header: UTF-8 JSON object (checked with zod by whoever reads it)
 *   8+H     F−4−H payload: raw bytes (model, input, output)
 *
 * The decoder never buffers more than one frame of at most `maxFrameBytes`: a peer that announces a larger frame,
 * a header that is not a JSON object, or a stream that ends inside a frame is a `FrameError`. Both sides use it;
 * the worker treats any `FrameError` from a child as that child's failure (never its own).
 * Kept free of TypeScript-only runtime syntax so Node runs it directly in the child processes.
 */

export const FRAME_HEADER_MAX = 64 * 1024;

export interface Frame {
  header: Record<string, unknown>;
  payload: Uint8Array<ArrayBuffer>;
}

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/** One frame: header (a JSON object) and optional payload. @throws FrameError when the header is too large. */
export function encodeFrame(
  header: Record<string, unknown>,
  payload: Uint8Array = new Uint8Array(0),
): Buffer {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  if (json.length > FRAME_HEADER_MAX)
    throw new FrameError(`frame header of ${json.length} bytes exceeds ${FRAME_HEADER_MAX}`);
  const out = Buffer.allocUnsafe(8 + json.length + payload.length);
  out.writeUInt32LE(4 + json.length + payload.length, 0);
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  out.set(payload, 8 + json.length);
  return out;
}

/** Incremental decoder: `push` chunks as they arrive, get the complete frames back. */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #failed: FrameError | undefined;

  constructor(maxFrameBytes: number) {
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 8 || maxFrameBytes > 0xffff_ffff)
      throw new RangeError(`maxFrameBytes: expected an integer in [8, 2^32 - 1], got ${maxFrameBytes}`);
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received and not yet returned as a frame. */
  get buffered(): number {
    return this.#buffered;
  }

  /** @throws FrameError on an oversized or malformed frame (and on every later call). */
  push(chunk: Uint8Array): Frame[] {
    if (this.#failed) throw this.#failed;
    if (chunk.length > 0) {
      this.#chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.#buffered += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (this.#buffered < 4) return frames;
      const length = this.#peekLength();
      if (length > this.maxFrameBytes || length < 4) {
        this.#failed = new FrameError(
          length < 4
            ? `frame length ${length} is too short for its header length field`
            : `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`,
        );
        this.#chunks = [];
        throw this.#failed;
      }
      if (this.#buffered < 4 + length) return frames;
      const bytes = this.#take(4 + length);
      try {
        frames.push(parseFrame(bytes));
      } catch (err) {
        this.#failed = err instanceof FrameError ? err : new FrameError(String(err));
        this.#chunks = [];
        throw this.#failed;
      }
    }
  }

  /** Call when the stream ended. @throws FrameError when it ended inside a frame. */
  end(): void {
    if (this.#failed) throw this.#failed;
    if (this.#buffered > 0)
      throw new FrameError(`stream ended inside a frame (${this.#buffered} bytes of an incomplete frame)`);
  }

  #peekLength(): number {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= 4) return first.readUInt32LE(0);
    return Buffer.concat(this.#chunks).readUInt32LE(0);
  }

  #take(n: number): Buffer {
    const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    const frame = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return frame;
  }
}

function parseFrame(bytes: Buffer): Frame {
  const headerLength = bytes.readUInt32LE(4);
  if (headerLength > FRAME_HEADER_MAX || 8 + headerLength > bytes.length)
    throw new FrameError(
      `frame header length ${headerLength} is out of range for a ${bytes.length}-byte frame`,
    );
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch {
    throw new FrameError("frame header is not UTF-8 JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    throw new FrameError("frame header is not a JSON object");
  // Copy the payload out so the frame does not pin the (possibly larger) receive buffer.
  return {
    header: header as Record<string, unknown>,
    payload: new Uint8Array(bytes.subarray(8 + headerLength)),
  };
}
