import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseTransaction,
  recoverMessageAddress,
  recoverTransactionAddress,
  recoverTypedDataAddress,
  toHex,
  type Hex,
  type TransactionSerialized,
} from "viem";
import { ErrorCode, TestWallet, type WalletAnswer } from "./wallet.ts";

// Hardhat's public dev key #1 (never used on a real chain).
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const CHAIN = 31337;

/** A fake RPC (the node is outside the unit): answers what viem asks while preparing a transaction. */
let server: Server;
let rpcUrl: string;
const rawTransactions: Hex[] = [];
const rpcMethods: string[] = [];
const REVERT_DATA = "0xdeadbeef";

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const { id, method, params } = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      rpcMethods.push(method);
      const reply = (payload: object) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ jsonrpc: "2.0", id, ...payload }));
      };
      switch (method) {
        case "eth_chainId":
          return reply({ result: toHex(CHAIN) });
        case "eth_blockNumber":
          return reply({ result: "0x10" });
        case "eth_getTransactionCount":
          return reply({ result: "0x7" });
        case "eth_maxPriorityFeePerGas":
          return reply({ result: "0x3b9aca00" });
        case "eth_getBlockByNumber":
          return reply({
            result: {
              number: "0x10",
              baseFeePerGas: "0x3b9aca00",
              timestamp: "0x1",
              hash: `0x${"11".repeat(32)}`,
            },
          });
        case "eth_estimateGas": {
          const [tx] = params as [{ data?: string }];
          if (tx.data === "0xbad0")
            return reply({ error: { code: 3, message: "execution reverted", data: REVERT_DATA } });
          return reply({ result: "0x5208" });
        }
        case "eth_sendRawTransaction":
          rawTransactions.push((params as [Hex])[0]);
          return reply({ result: `0x${"ab".repeat(32)}` });
        default:
          return reply({ error: { code: -32601, message: `method ${method} not found` } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function newWallet(chainId = 1) {
  return new TestWallet({ privateKey: KEY, chainId, chains: [{ id: 1 }, { id: CHAIN, rpcUrl }] });
}
function result(answer: WalletAnswer): unknown {
  if ("error" in answer) throw new Error(`unexpected error ${answer.error.code}: ${answer.error.message}`);
  return answer.result;
}
function errorCode(answer: WalletAnswer): number | undefined {
  return "error" in answer ? answer.error.code : undefined;
}

describe("TestWallet", () => {
  it("hands out the account only once the page asked for it", async () => {
    const wallet = newWallet();
    expect(result(await wallet.request({ method: "eth_accounts" }))).toEqual([]);
    expect(result(await wallet.request({ method: "eth_requestAccounts" }))).toEqual([ADDRESS]);
    expect(result(await wallet.request({ method: "eth_accounts" }))).toEqual([ADDRESS]);
    result(await wallet.request({ method: "wallet_revokePermissions", params: [{ eth_accounts: {} }] }));
    expect(result(await wallet.request({ method: "eth_accounts" }))).toEqual([]);
    const permissions = result(
      await wallet.request({ method: "wallet_requestPermissions", params: [{ eth_accounts: {} }] }),
    );
    expect(permissions).toEqual([
      { parentCapability: "eth_accounts", caveats: [{ type: "restrictReturnedAccounts", value: [ADDRESS] }] },
    ]);
  });

  it("starts on the wrong chain, refuses unknown chains and emits chainChanged on a switch", async () => {
    const wallet = newWallet(1);
    expect(result(await wallet.request({ method: "eth_chainId" }))).toBe("0x1");
    // Chain 1 has no RPC here: node methods are refused rather than sent anywhere.
    expect(errorCode(await wallet.request({ method: "eth_blockNumber" }))).toBe(ErrorCode.chainDisconnected);
    expect(
      errorCode(await wallet.request({ method: "wallet_switchEthereumChain", params: [{ chainId: "0x5" }] })),
    ).toBe(ErrorCode.unrecognizedChain);
    const switched = await wallet.request({
      method: "wallet_switchEthereumChain",
      params: [{ chainId: "0x7a69" }],
    });
    expect(result(switched)).toBeNull();
    expect(switched.events).toEqual([{ event: "chainChanged", data: "0x7a69" }]);
    expect(wallet.chainId).toBe(CHAIN);
    // Forwarded to the chain's RPC.
    expect(result(await wallet.request({ method: "eth_blockNumber" }))).toBe("0x10");
    // Switching to the chain it is on emits nothing.
    expect(
      (await wallet.request({ method: "wallet_switchEthereumChain", params: [{ chainId: "0x7a69" }] }))
        .events,
    ).toEqual([]);
  });

  it("adds a chain it does not know and switches to it", async () => {
    const wallet = newWallet(1);
    const added = await wallet.request({
      method: "wallet_addEthereumChain",
      params: [{ chainId: "0x539", chainName: "other", rpcUrls: [rpcUrl] }],
    });
    expect(result(added)).toBeNull();
    expect(added.events).toEqual([{ event: "chainChanged", data: "0x539" }]);
    expect(
      errorCode(
        await wallet.request({
          method: "wallet_addEthereumChain",
          params: [{ chainId: "0x2", rpcUrls: ["x"] }],
        }),
      ),
    ).toBe(ErrorCode.invalidParams);
  });

  it("signs messages and typed data with its key, only for its own account once connected", async () => {
    const wallet = newWallet(CHAIN);
    const message = toHex("hello EAI");
    expect(errorCode(await wallet.request({ method: "personal_sign", params: [message, ADDRESS] }))).toBe(
      ErrorCode.unauthorized,
    );
    await wallet.request({ method: "eth_requestAccounts" });
    const signature = result(
      await wallet.request({ method: "personal_sign", params: [message, ADDRESS] }),
    ) as Hex;
    expect(await recoverMessageAddress({ message: { raw: message }, signature })).toBe(ADDRESS);
    expect(
      errorCode(
        await wallet.request({
          method: "personal_sign",
          params: [message, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"],
        }),
      ),
    ).toBe(ErrorCode.unauthorized);

    // A permit, serialised the way viem's JSON-RPC account does (uint256 values as decimal strings).
    const typed = {
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      domain: {
        name: "EAI",
        version: "1",
        chainId: CHAIN,
        verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      },
      message: {
        owner: ADDRESS,
        spender: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        value: "1000000000000000000",
        nonce: "0",
        deadline: "1900000000",
      },
    } as const;
    const typedSignature = result(
      await wallet.request({ method: "eth_signTypedData_v4", params: [ADDRESS, JSON.stringify(typed)] }),
    ) as Hex;
    const recovered = await recoverTypedDataAddress({
      domain: typed.domain,
      types: { Permit: typed.types.Permit },
      primaryType: "Permit",
      message: { ...typed.message, value: 10n ** 18n, nonce: 0n, deadline: 1_900_000_000n },
      signature: typedSignature,
    });
    expect(recovered).toBe(ADDRESS);
    expect(errorCode(await wallet.request({ method: "eth_signTypedData_v4", params: [ADDRESS, "{}"] }))).toBe(
      ErrorCode.invalidParams,
    );
  });

  it("signs transactions locally and sends them raw to the RPC", async () => {
    const wallet = newWallet(CHAIN);
    await wallet.request({ method: "eth_requestAccounts" });
    const to = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    const sent = await wallet.request({
      method: "eth_sendTransaction",
      params: [{ from: ADDRESS.toLowerCase(), to, data: "0x1234", value: "0x5" }],
    });
    expect(result(sent)).toBe(`0x${"ab".repeat(32)}`);
    const raw = rawTransactions.at(-1)! as TransactionSerialized;
    const tx = parseTransaction(raw);
    expect(tx).toMatchObject({
      chainId: CHAIN,
      to: to.toLowerCase(),
      data: "0x1234",
      value: 5n,
      nonce: 7,
      gas: 21000n,
    });
    expect(await recoverTransactionAddress({ serializedTransaction: raw })).toBe(ADDRESS);
    expect(rpcMethods).not.toContain("eth_sendTransaction");
  });

  it("passes a revert's code and data through, and refuses transactions from other accounts", async () => {
    const wallet = newWallet(CHAIN);
    await wallet.request({ method: "eth_requestAccounts" });
    const reverted = await wallet.request({
      method: "eth_sendTransaction",
      params: [{ from: ADDRESS, to: ADDRESS, data: "0xbad0" }],
    });
    expect("error" in reverted && reverted.error).toMatchObject({ code: 3, data: REVERT_DATA });
    const foreign = await wallet.request({
      method: "eth_sendTransaction",
      params: [{ from: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", to: ADDRESS }],
    });
    expect(errorCode(foreign)).toBe(ErrorCode.unauthorized);
  });

  it("answers malformed and unsupported requests with EIP-1193 errors", async () => {
    const wallet = newWallet(CHAIN);
    expect(errorCode(await wallet.request(null))).toBe(ErrorCode.invalidParams);
    expect(errorCode(await wallet.request({ method: "wallet_watchAsset", params: [] }))).toBe(
      ErrorCode.unsupportedMethod,
    );
    expect(errorCode(await wallet.request({ method: "eth_sign", params: [] }))).toBe(
      ErrorCode.unsupportedMethod,
    );
    // The node's own error comes back unchanged.
    expect(await wallet.request({ method: "eth_nonsense" })).toMatchObject({
      error: { code: -32601, message: "method eth_nonsense not found" },
    });
  });

  it("emits accountsChanged when the user picks another account, only once connected", async () => {
    const wallet = newWallet(CHAIN);
    const other = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
    expect(wallet.switchAccount(other)).toEqual([]);
    await wallet.request({ method: "eth_requestAccounts" });
    expect(wallet.switchAccount(KEY)).toEqual([{ event: "accountsChanged", data: [ADDRESS] }]);
  });
});
