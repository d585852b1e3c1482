import { mkdtemp, readFile, rm, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { privateKeyToAccount } from "viem/accounts";
import { evmAddressToBytes32, messageId, type BridgeMessage } from "../message.ts";
import { recoverSigner, signMessage, type Attestation } from "./attest.ts";
import { parseConfig, validatorConfigSchema, watchdogConfigSchema } from "./config.ts";
import { loadAccount } from "./keys.ts";
import { ValidatorStore } from "./store.ts";

const HUB = "0x00000000000000000000000000000000000000a1";
const SPOKE = "0x00000000000000000000000000000000000000b2";
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

function validator(overrides: Record<string, unknown> = {}) {
  return {
    chains: [
      { chainId: 31337, rpcUrl: "http://127.0.0.1:8545", role: "hub", bridge: HUB },
      { chainId: 31338, rpcUrl: "http://127.0.0.1:9545", role: "spoke", bridge: SPOKE },
    ],
    key: { env: "KEY" },
    stateDir: "/tmp/v",
    listen: { port: 7601 },
    ...overrides,
  };
}

describe("bridge daemon config", () => {
  it("accepts a hub and a spoke with the defaults filled in", () => {
    const c = parseConfig(validatorConfigSchema, validator(), "validator");
    expect(c.chains[0]!.confirmations).toBe(12);
    expect(c.listen.host).toBe("127.0.0.1");
    expect(c.pollIntervalMs).toBe(2000);
  });

  it.each([
    ["two hubs", { chains: validator().chains.map((c) => ({ ...c, role: "hub" })) }, /exactly one hub/],
    ["no spoke", { chains: validator().chains.slice(0, 1) }, /hub and at least one spoke/],
    [
      "the same chain twice",
      { chains: [validator().chains[0], { ...validator().chains[1], chainId: 31337 }] },
      /chain 31337 twice/,
    ],
    [
      "a Solana chain id on the EVM daemon",
      { chains: [validator().chains[0], { ...validator().chains[1], chainId: 1_000_000_101 }] },
      /EVM chain id/,
    ],
    ["a public listen address", { listen: { host: "0.0.0.0", port: 7601 } }, /loopback/],
    ["a key in the file", { key: { privateKey: KEY } }, /key/],
    ["a fractional cap", { maxMessageWei: "1.5" }, /whole number of wei/],
    ["an unknown field", { extra: 1 }, /extra|Unrecognized/],
  ])("refuses %s", (_what, overrides, message) => {
    expect(() => parseConfig(validatorConfigSchema, validator(overrides), "validator")).toThrow(message);
  });

  it("watchdog: at least one violating check before it pauses", () => {
    const base = { chains: validator().chains, key: { env: "KEY" } };
    expect(parseConfig(watchdogConfigSchema, base, "watchdog").violationChecks).toBe(2);
    expect(() => parseConfig(watchdogConfigSchema, { ...base, violationChecks: 0 }, "watchdog")).toThrow(
      /violationChecks/,
    );
  });
});

describe("bridge keys", () => {
  it("reads a key from the variable the config names, and says which one is missing or bad", async () => {
    const account = await loadAccount({ env: "K" }, { K: KEY });
    expect(account.address).toBe(privateKeyToAccount(KEY).address);
    await expect(loadAccount({ env: "K" }, {})).rejects.toThrow(/K is not set/);
    await expect(loadAccount({ env: "K" }, { K: "0x1234" })).rejects.toThrow(
      /32-byte hex key \(6 characters/,
    );
    await expect(loadAccount({ keystore: "/nonexistent", passwordEnv: "P" }, {})).rejects.toThrow(
      /P is not set/,
    );
  });
});

describe("validator store", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const message: BridgeMessage = {
    version: 1,
    srcChain: 31337n,
    dstChain: 31338n,
    nonce: 1n,
    sender: evmAddressToBytes32("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
    recipient: evmAddressToBytes32("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
    amount8: 100n * 10n ** 8n,
  };

  async function attestation(seq: number): Promise<Attestation> {
    const account = privateKeyToAccount(KEY);
    const domain = { chainId: 31338n, verifyingContract: SPOKE as `0x${string}` };
    const m = { ...message, nonce: BigInt(seq) };
    const signature = await signMessage(account, m, domain);
    expect(await recoverSigner(m, domain, signature)).toBe(account.address);
    return {
      seq,
      kind: "bridgeIn",
      msgId: messageId(m),
      message: m,
      domain: { chainId: 31338n, verifyingContract: "0x00000000000000000000000000000000000000B2" },
      signer: account.address,
      signature,
      source: { block: 5n, tx: `0x${"11".repeat(32)}` },
    };
  }

  it("keeps attestations, cursors and pending outflows across a restart, and drops a torn last line", async () => {
    dir = await mkdtemp(join(tmpdir(), "eai-bridge-store-"));
    const a = await ValidatorStore.open(dir);
    await a.append(await attestation(1));
    await a.append(await attestation(2));
    await a.setCursor(31337n, 42n);
    await a.addPending({ msgId: "0xabc", srcChain: 31338n, dstChain: 31337n, amountWei: 7n });
    // A crash in the middle of the third append.
    await appendFile(join(dir, "attestations.jsonl"), '{"seq":3,"kind":"bri');
    const b = await ValidatorStore.open(dir);
    expect(b.count).toBe(2);
    expect(b.nextSeq).toBe(3);
    expect(b.since(1, 10).map((x) => x.seq)).toEqual([2]);
    expect(b.cursor(31337n)).toBe(42n);
    expect(b.pendingFrom(31338n)).toBe(7n);
    expect(b.hasSigned("bridgeIn", 31338n, messageId({ ...message, nonce: 2n }))).toBe(true);
    // The torn line is gone from the file, so the next append does not land behind it.
    const text = await readFile(join(dir, "attestations.jsonl"), "utf8");
    expect(text.split("\n")).toHaveLength(3); // two lines and the final newline
    expect(text).not.toContain('{"seq":3');
    await b.append(await attestation(3));
    expect((await ValidatorStore.open(dir)).count).toBe(3);
  });

  it("refuses a corrupt line that is not the last", async () => {
    dir = await mkdtemp(join(tmpdir(), "eai-bridge-store-"));
    await writeFile(join(dir, "attestations.jsonl"), '{"seq":1}\n{"seq":2}\n');
    await expect(ValidatorStore.open(dir)).rejects.toThrow(/line 1/);
  });
});
