/**
 * The REDUNDANT draw of `contracts/libraries/DrawLib.sol` and `RedundantLib`, bit for bit in TypeScript
 * (browser-safe): the seed, each provider's ticket and key per draw, and when its turn comes. Workers use it to
 * schedule their claims without a call per draw, the web app to show who may claim when, and the fairness
 * simulation (`draw.test.ts`) to run tens of thousands of draws. A test checks it against the Solidity library on a
 * chain (test/integration/draw.test.ts).
 *
 * Turn of provider p on draw j:  createdAt + floor(key(ticket(seed, j, p)) * drawStep * totalStake / (stake * 2^64))
 * with key(t) = 64 - log2(t + 1) in Q64.64 (32 computed fractional bits) — an exponential race weighted by stake.
 */
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

const ONE = 1n << 64n;
const FRACTION_BITS = 32n;

/** floor(log2(x)) for x >= 1. */
function msb(x: bigint): bigint {
  let n = 0n;
  while (x > 1n) {
    x >>= 1n;
    n += 1n;
  }
  return n;
}

/** log2(x) in Q64.64 for 1 <= x <= 2^64, 32 fractional bits, truncated exactly like DrawLib.log2Q64. */
export function log2Q64(x: bigint): bigint {
  if (x < 1n || x > ONE) throw new RangeError(`log2Q64: expected 1 <= x <= 2^64, got ${x}`);
  const n = msb(x);
  let r = n << 64n;
  let y = x << (127n - n);
  for (let i = 1n; i <= FRACTION_BITS; i++) {
    y = (y * y) >> 127n;
    if (y >= 1n << 128n) {
      y >>= 1n;
      r |= 1n << (64n - i);
    }
  }
  return r;
}

/** The draw seed RedundantLib fixes at the first claim: uint216(keccak256(abi.encode(blockhash, taskId))), never 0. */
export function drawSeed(seedBlockHash: Hex, taskId: bigint): bigint {
  const h = BigInt(
    keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [seedBlockHash, taskId])),
  );
  const seed = h & ((1n << 216n) - 1n);
  return seed === 0n ? 1n : seed;
}

/** The 64-bit ticket of `provider` for draw `draw`: uint64(keccak256(abi.encode(seed, draw, provider))). */
export function drawTicket(seed: bigint, draw: number, provider: Address): bigint {
  const h = BigInt(
    keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "uint256" }, { type: "address" }],
        [seed, BigInt(draw), provider],
      ),
    ),
  );
  return h & (ONE - 1n);
}

/** The key of a ticket: -log2((t + 1) / 2^64) in Q64.64, in [0, 64]. */
export function drawKey(ticket: bigint): bigint {
  return (64n << 64n) - log2Q64(ticket + 1n);
}

/** Seconds after submission from which the turn comes (DrawLib.turnDelay, rounded down). */
export function turnDelay(key: bigint, stake: bigint, totalStake: bigint, step: number | bigint): bigint {
  if (stake <= 0n) throw new RangeError("turnDelay: the stake must be positive");
  return (key * BigInt(step) * totalStake) / (stake << 64n);
}

export interface TurnParams {
  seed: bigint;
  /** TaskSpec.createdAt. */
  createdAt: number;
  redundancy: number;
  /** Round.drawsTaken: bit i set when draw i is taken. */
  drawsTaken: number;
  provider: Address;
  stake: bigint;
  totalStake: bigint;
  /** SettlementParams.drawStep. */
  drawStep: number;
}

/**
 * When `provider` may take its best free draw (what TaskMarket.claimableAt returns): the draw index and the unix
 * time; `null` when no draw is free.
 */
export function bestTurn(p: TurnParams): { draw: number; notBefore: number } | null {
  let best: { draw: number; notBefore: number } | null = null;
  for (let j = 0; j < p.redundancy; j++) {
    if ((p.drawsTaken >> j) & 1) continue;
    const at =
      p.createdAt +
      Number(turnDelay(drawKey(drawTicket(p.seed, j, p.provider)), p.stake, p.totalStake, p.drawStep));
    if (best === null || at < best.notBefore) best = { draw: j, notBefore: at };
  }
  return best;
}
