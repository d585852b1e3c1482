import {
  createWalletClient,
  custom,
  parseEther,
  recoverTypedDataAddress,
  serializeSignature,
  type Address,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it, vi } from "vitest";
import { PERMIT_TYPES, signPermit, type PermitClients } from "./permit.ts";

const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
const MARKET = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as Address;
const owner = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

describe("signPermit", () => {
  it("signs the ERC-2612 typed data of the token's domain and the owner's next nonce", async () => {
    const readContract = vi.fn(async ({ functionName, args }: { functionName: string; args?: unknown[] }) => {
      if (functionName === "eip712Domain") {
        return ["0x0f", "Elastic AI", "1", 31337n, TOKEN, `0x${"00".repeat(32)}`, []];
      }
      if (functionName === "nonces") {
        expect(args).toEqual([owner.address]);
        return 7n;
      }
      throw new Error(`unexpected read ${functionName}`);
    });
    const signTypedData = vi.fn((request: Parameters<typeof owner.signTypedData>[0]) =>
      owner.signTypedData(request),
    );
    const clients = {
      publicClient: { readContract },
      walletClient: { signTypedData },
    } as unknown as PermitClients;

    const permit = await signPermit(clients, {
      token: TOKEN,
      owner: owner.address,
      spender: MARKET,
      value: parseEther("2.5"),
      deadline: 999n,
    });

    const typed = signTypedData.mock.calls[0]?.[0];
    expect(typed).toMatchObject({
      account: owner.address,
      domain: { name: "Elastic AI", version: "1", chainId: 31337n, verifyingContract: TOKEN },
      primaryType: "Permit",
      message: { owner: owner.address, spender: MARKET, value: parseEther("2.5"), nonce: 7n, deadline: 999n },
    });
    expect(typed?.types).toBe(PERMIT_TYPES);
    expect(permit.deadline).toBe(999n);
    const signature = serializeSignature({ r: permit.r, s: permit.s, v: BigInt(permit.v) });
    const { account: _account, ...data } = typed as NonNullable<typeof typed> & { account: unknown };
    expect(await recoverTypedDataAddress({ ...data, signature })).toBe(owner.address);
  });

  it("works with a viem wallet client (an EIP-1193 wallet's eth_signTypedData_v4)", async () => {
    const request = vi.fn(async ({ method, params }: { method: string; params: unknown[] }) => {
      expect(method).toBe("eth_signTypedData_v4");
      const [address, json] = params as [string, string];
      expect(address.toLowerCase()).toBe(owner.address.toLowerCase());
      const parsed = JSON.parse(json) as { primaryType: string; message: Record<string, string> };
      expect(parsed.primaryType).toBe("Permit");
      expect(parsed.message.value).toBe(parseEther("1").toString());
      return owner.signTypedData({
        domain: { name: "Elastic AI", version: "1", chainId: 31337, verifyingContract: TOKEN },
        types: PERMIT_TYPES,
        primaryType: "Permit",
        message: { owner: owner.address, spender: MARKET, value: parseEther("1"), nonce: 0n, deadline: 5n },
      });
    });
    const walletClient = createWalletClient({ transport: custom({ request }) });
    const readContract = vi.fn(async ({ functionName }: { functionName: string }) =>
      functionName === "nonces" ? 0n : ["0x0f", "Elastic AI", "1", 31337n, TOKEN, `0x${"00".repeat(32)}`, []],
    );
    const permit = await signPermit(
      { publicClient: { readContract }, walletClient } as unknown as PermitClients,
      {
        token: TOKEN,
        owner: owner.address,
        spender: MARKET,
        value: parseEther("1"),
        deadline: 5n,
      },
    );
    expect([27, 28]).toContain(permit.v);
    expect(request).toHaveBeenCalledOnce();
  });
});
