/**
 * scrypt (RFC 7914) for parameters OpenSSL refuses.
 *
 * OpenSSL (node:crypto) enforces N < 2^(16·r), which rejects valid keystores such as the Web3 Secret
 * Storage test vector (N = 2^18, r = 1, p = 8). `scryptKey` uses node:crypto when it can and this
 * pure-JS ROMix otherwise (PBKDF2-HMAC-SHA256 still comes from node:crypto). It runs on the event loop:
 * call it at start-up only.
 */
import { pbkdf2Sync, scrypt as nodeScrypt } from "node:crypto";

const rotl = (a: number, n: number) => (a << n) | (a >>> (32 - n));

/** Salsa20/8 core applied in place to the 16 words of `b`. */
function salsa208(b: Uint32Array): void {
  const j0 = b[0] as number;
  const j1 = b[1] as number;
  const j2 = b[2] as number;
  const j3 = b[3] as number;
  const j4 = b[4] as number;
  const j5 = b[5] as number;
  const j6 = b[6] as number;
  const j7 = b[7] as number;
  const j8 = b[8] as number;
  const j9 = b[9] as number;
  const j10 = b[10] as number;
  const j11 = b[11] as number;
  const j12 = b[12] as number;
  const j13 = b[13] as number;
  const j14 = b[14] as number;
  const j15 = b[15] as number;
  let x0 = j0;
  let x1 = j1;
  let x2 = j2;
  let x3 = j3;
  let x4 = j4;
  let x5 = j5;
  let x6 = j6;
  let x7 = j7;
  let x8 = j8;
  let x9 = j9;
  let x10 = j10;
  let x11 = j11;
  let x12 = j12;
  let x13 = j13;
  let x14 = j14;
  let x15 = j15;
  for (let i = 0; i < 8; i += 2) {
    // Column round
    x4 ^= rotl(x0 + x12, 7);
    x8 ^= rotl(x4 + x0, 9);
    x12 ^= rotl(x8 + x4, 13);
    x0 ^= rotl(x12 + x8, 18);
    x9 ^= rotl(x5 + x1, 7);
    x13 ^= rotl(x9 + x5, 9);
    x1 ^= rotl(x13 + x9, 13);
    x5 ^= rotl(x1 + x13, 18);
    x14 ^= rotl(x10 + x6, 7);
    x2 ^= rotl(x14 + x10, 9);
    x6 ^= rotl(x2 + x14, 13);
    x10 ^= rotl(x6 + x2, 18);
    x3 ^= rotl(x15 + x11, 7);
    x7 ^= rotl(x3 + x15, 9);
    x11 ^= rotl(x7 + x3, 13);
    x15 ^= rotl(x11 + x7, 18);
    // Row round
    x1 ^= rotl(x0 + x3, 7);
    x2 ^= rotl(x1 + x0, 9);
    x3 ^= rotl(x2 + x1, 13);
    x0 ^= rotl(x3 + x2, 18);
    x6 ^= rotl(x5 + x4, 7);
    x7 ^= rotl(x6 + x5, 9);
    x4 ^= rotl(x7 + x6, 13);
    x5 ^= rotl(x4 + x7, 18);
    x11 ^= rotl(x10 + x9, 7);
    x8 ^= rotl(x11 + x10, 9);
    x9 ^= rotl(x8 + x11, 13);
    x10 ^= rotl(x9 + x8, 18);
    x12 ^= rotl(x15 + x14, 7);
    x13 ^= rotl(x12 + x15, 9);
    x14 ^= rotl(x13 + x12, 13);
    x15 ^= rotl(x14 + x13, 18);
  }
  b[0] = x0 + j0;
  b[1] = x1 + j1;
  b[2] = x2 + j2;
  b[3] = x3 + j3;
  b[4] = x4 + j4;
  b[5] = x5 + j5;
  b[6] = x6 + j6;
  b[7] = x7 + j7;
  b[8] = x8 + j8;
  b[9] = x9 + j9;
  b[10] = x10 + j10;
  b[11] = x11 + j11;
  b[12] = x12 + j12;
  b[13] = x13 + j13;
  b[14] = x14 + j14;
  b[15] = x15 + j15;
}

/** BlockMix_salsa20/8 of `b` (2r 64-byte blocks as 32r words) into `y`. */
function blockMix(b: Uint32Array, y: Uint32Array, r: number, t: Uint32Array): void {
  t.set(b.subarray((2 * r - 1) * 16, 2 * r * 16));
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) t[k] = (t[k] as number) ^ (b[i * 16 + k] as number);
    salsa208(t);
    // Even blocks to the first half, odd blocks to the second.
    const dst = (i % 2 === 0 ? i / 2 : r + (i - 1) / 2) * 16;
    y.set(t, dst);
  }
}

function roMix(block: Uint32Array, r: number, n: number): void {
  const words = 32 * r;
  const v = new Uint32Array(words * n);
  const y = new Uint32Array(words);
  const t = new Uint32Array(16);
  const b = block;
  for (let i = 0; i < n; i++) {
    v.set(b, i * words);
    blockMix(b, y, r, t);
    b.set(y);
  }
  for (let i = 0; i < n; i++) {
    const j = (b[(2 * r - 1) * 16] as number) & (n - 1);
    for (let k = 0; k < words; k++) b[k] = (b[k] as number) ^ (v[j * words + k] as number);
    blockMix(b, y, r, t);
    b.set(y);
  }
}

/** Pure-JS scrypt (little-endian hosts; every supported Node platform is). */
export function scryptJs(
  password: Uint8Array,
  salt: Uint8Array,
  n: number,
  r: number,
  p: number,
  dkLen: number,
): Buffer {
  const bytes = pbkdf2Sync(password, salt, 1, p * 128 * r, "sha256");
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  for (let i = 0; i < p; i++) roMix(words.subarray(i * 32 * r, (i + 1) * 32 * r), r, n);
  return pbkdf2Sync(password, bytes, 1, dkLen, "sha256");
}

/** scrypt via node:crypto (async, off the event loop) when OpenSSL accepts the parameters, else `scryptJs`. */
export function scryptKey(
  password: Uint8Array,
  salt: Uint8Array,
  n: number,
  r: number,
  p: number,
  dkLen: number,
): Promise<Buffer> {
  const openSslAccepts = 16 * r > 63 || n < 2 ** (16 * r);
  if (!openSslAccepts) return Promise.resolve(scryptJs(password, salt, n, r, p, dkLen));
  const maxmem = 2 * 128 * r * (n + p + 2) + 1024 * 1024;
  return new Promise((resolve, reject) =>
    nodeScrypt(password, salt, dkLen, { N: n, r, p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}
