import { keccak256 } from "viem";
import { describe, expect, it } from "vitest";
import { taskBinding } from "./binding.ts";
import { SNARK_SCALAR_FIELD } from "./spec.ts";

const market = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const provider = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const word = (hex: string): string => hex.replace(/^0x/, "").toLowerCase().padStart(64, "0");

describe("taskBinding", () => {
  it("is keccak256(abi.encode(chainid, market, taskId, provider)) mod p", () => {
    const encoded =
      `0x${word((31337).toString(16))}${word(market)}${word((7).toString(16))}${word(provider)}` as const;
    const expected = BigInt(keccak256(encoded)) % SNARK_SCALAR_FIELD;
    expect(taskBinding({ chainId: 31337, market, taskId: 7n, provider })).toBe(expected);
    expect(expected).toBeLessThan(SNARK_SCALAR_FIELD);
  });

  it("changes with each of chain, market, task and provider", () => {
    const base = taskBinding({ chainId: 1, market, taskId: 1, provider });
    expect(taskBinding({ chainId: 2, market, taskId: 1, provider })).not.toBe(base);
    expect(taskBinding({ chainId: 1, market: provider, taskId: 1, provider })).not.toBe(base);
    expect(taskBinding({ chainId: 1, market, taskId: 2, provider })).not.toBe(base);
    expect(taskBinding({ chainId: 1, market, taskId: 1, provider: market })).not.toBe(base);
    expect(
      taskBinding({ chainId: 1, market: market.toLowerCase() as `0x${string}`, taskId: 1, provider }),
    ).toBe(base);
  });
});
