// @eai/sdk/bridge and `eai bridge send|status` against the bridge daemons' two-anvil harness (bridge/test/evm-harness.ts:
// hub 31337 with the vault, L2 31338 with the spoke, three validators 2 of 3) with the validators and, from the
// first test on, the relayer running in-process as in bridge/test/evm-daemons.test.ts. One harness per file.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEther, parseEventLogs, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  parseConfig,
  relayerConfigSchema,
  validatorConfigSchema,
  type EvmChainConfig,
} from "../../../bridge/src/evm/config.ts";
import { jsonLogger } from "../../../bridge/src/evm/log.ts";
import { BridgeRelayer } from "../../../bridge/src/evm/relayer.ts";
import { BridgeValidator } from "../../../bridge/src/evm/validator.ts";
import {
  accounts,
  BRIDGE_TEST_PORTS,
  HUB_CHAIN,
  L2_CHAIN,
  privateKeyOf,
  startBridgeNet,
  waitFor,
  type BridgeNet,
} from "../../../bridge/test/evm-harness.ts";
import { freePort } from "../../../test/support/ports.ts";
import { main } from "../cli/main.ts";
import { bridgeVaultAbi, eaiSpokeTokenAbi, eaiTokenAbi, spokeBridgeAbi } from "../generated/abis.ts";
import {
  base58Decode,
  base58Encode,
  bridgeSend,
  BridgeSendError,
  bridgeStatus,
  checkBridgeSend,
  checkBridgeSendLocally,
  encodeRecipient,
  parseBridgeConfig,
  waitForDelivery,
  type BridgeConfig,
  type BridgeStatus,
} from "./index.ts";

const MNEMONIC = "test test test test test test test test test test test junk";
/** A sender with no allowance on the vault (the harness's user has one): exercises the approval. */
const sender = mnemonicToAccount(MNEMONIC, { addressIndex: 8 });
const SOLANA_LOCAL = 1_000_000_101n;
const TON_LOCAL = 1_000_000_102n;
// Vectors from @solana/kit's address encoder and @ton/core's Address (computed once, bridge/ has them).
const SOLANA_KEY = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const SOLANA_HEX = "0x850f2d6e02a47af824d09ab69dc42d70cb28cbfa249fb7ee57b9d256c12762ef";
const TON_HASH = "0x83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8";
const TON_BOUNCEABLE = "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N";
const TON_NON_BOUNCEABLE = "UQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqEBI";
const TON_TESTNET = "kQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqKYH";
const TON_MASTERCHAIN = "Ef8HBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBz0p";

const quiet = jsonLogger("test", "error", () => {});
let net: BridgeNet;
let dir: string;
let config: BridgeConfig;
let configFile: string;
let validatorUrls: string[];
let validators: BridgeValidator[];
let relayer: BridgeRelayer | undefined;

function daemonChains(): EvmChainConfig[] {
  const common = { confirmations: 1, fromBlock: 0, maxBlockRange: 2_000 };
  return [
    { chainId: HUB_CHAIN, name: "hub", rpcUrl: net.hub.rpcUrl, role: "hub", bridge: net.vault, ...common },
    { chainId: L2_CHAIN, name: "l2", rpcUrl: net.l2.rpcUrl, role: "spoke", bridge: net.spoke, ...common },
  ];
}

function startRelayer(): void {
  if (relayer) return;
  relayer = new BridgeRelayer({
    config: parseConfig(
      relayerConfigSchema,
      { chains: daemonChains(), key: { env: "UNUSED" }, validators: validatorUrls, pollIntervalMs: 200 },
      "relayer",
    ),
    account: privateKeyToAccount(privateKeyOf(accounts.relayer)),
    logger: quiet,
  });
  relayer.start();
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const hubBalance = (a: Hex) =>
  net.hub.client.readContract({ address: net.token, abi: eaiTokenAbi, functionName: "balanceOf", args: [a] });
const l2Balance = (a: Hex) =>
  net.l2.client.readContract({
    address: net.spokeToken,
    abi: eaiSpokeTokenAbi,
    functionName: "balanceOf",
    args: [a],
  });
const hubNonce = (chain: bigint) =>
  net.hub.client.readContract({
    address: net.vault,
    abi: bridgeVaultAbi,
    functionName: "outboundNonce",
    args: [chain],
  });

beforeAll(async () => {
  net = await startBridgeNet();
  dir = await mkdtemp(join(tmpdir(), "eai-sdk-bridge-"));
  // Claimed ports (test/support/ports.ts), not ephemeral ones that could land in another file's claimed range.
  const listenPorts: number[] = [];
  for (let i = 0; i < accounts.validators.length; i++) listenPorts.push(await freePort(BRIDGE_TEST_PORTS));
  validators = accounts.validators.map(
    (v, i) =>
      new BridgeValidator({
        config: parseConfig(
          validatorConfigSchema,
          {
            chains: daemonChains(),
            key: { env: "UNUSED" },
            stateDir: join(dir, `validator-${i}`),
            listen: { port: listenPorts[i]! },
            pollIntervalMs: 200,
          },
          "validator",
        ),
        account: privateKeyToAccount(privateKeyOf(v)),
        logger: quiet,
      }),
  );
  const ports = await Promise.all(validators.map((v) => v.start()));
  validatorUrls = ports.map((p) => `http://127.0.0.1:${p}`);
  // The SDK reads the daemons' chain entries as they are.
  const file = { chains: daemonChains(), key: { env: "UNUSED" }, validators: validatorUrls };
  config = parseBridgeConfig(file);
  configFile = join(dir, "bridge.json");
  await writeFile(configFile, JSON.stringify(file));
  // The sender: 1000 EAI on the hub, no allowance.
  await net.send(net.hub, accounts.deployer, net.token, eaiTokenAbi, "transfer", [
    sender.address,
    parseEther("1000"),
  ]);
}, 180_000);

afterAll(async () => {
  await relayer?.stop();
  await Promise.all((validators ?? []).map((v) => v.stop()));
  await net?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("recipients (no chain)", () => {
  it("encodes an EVM address, a Solana key and a TON address (friendly and raw) as bytes32", () => {
    expect(encodeRecipient(31338n, sender.address).recipient).toBe(
      `0x${"0".repeat(24)}${sender.address.slice(2).toLowerCase()}`,
    );
    expect(encodeRecipient(SOLANA_LOCAL, SOLANA_KEY)).toEqual({ recipient: SOLANA_HEX, kind: "solana" });
    expect(base58Encode(base58Decode(SOLANA_KEY)!)).toBe(SOLANA_KEY);
    for (const t of [TON_BOUNCEABLE, TON_NON_BOUNCEABLE, TON_TESTNET, `0:${TON_HASH.slice(2)}`])
      expect(encodeRecipient(TON_LOCAL, t)).toEqual({ recipient: TON_HASH, kind: "ton" });
    // base64 (not url-safe) spelling of the same address
    expect(encodeRecipient(TON_LOCAL, TON_BOUNCEABLE.replace(/-/g, "+").replace(/_/g, "/")).recipient).toBe(
      TON_HASH,
    );
  });

  it("refuses bad recipients for each kind of destination before any chain is asked", () => {
    const bad: [bigint, string, RegExp][] = [
      [31338n, "0x1234", /20-byte address/],
      [
        31338n,
        "0x" + sender.address.slice(2, 10).toUpperCase() + sender.address.slice(10).toLowerCase(),
        /checksum/,
      ],
      [31338n, `0x${"0".repeat(40)}`, /zero/],
      [31338n, SOLANA_KEY, /EVM recipient/],
      [SOLANA_LOCAL, sender.address, /base58 public key/],
      [SOLANA_LOCAL, `${SOLANA_KEY.slice(0, -1)}0`, /base58 public key/], // '0' is not base58
      [SOLANA_LOCAL, "11111111111111111111111111111111", /zero public key/],
      [SOLANA_LOCAL, SOLANA_KEY.slice(0, 33), /32 bytes/],
      [TON_LOCAL, `${TON_BOUNCEABLE.slice(0, -1)}M`, /checksum/],
      [TON_LOCAL, TON_MASTERCHAIN, /workchain -1/],
      [TON_LOCAL, `-1:${TON_HASH.slice(2)}`, /workchain -1/],
      [TON_LOCAL, SOLANA_KEY, /TON recipient/],
      [TON_LOCAL, sender.address, /TON recipient/],
    ];
    for (const [chain, text, why] of bad) {
      let caught: unknown;
      try {
        checkBridgeSendLocally({ config, toChain: chain, to: text, amount: parseEther("1") });
      } catch (err) {
        caught = err;
      }
      expect(caught, `${chain} ${text}`).toBeInstanceOf(BridgeSendError);
      expect((caught as BridgeSendError).code, text).toBe("recipient");
      expect((caught as Error).message, text).toMatch(why);
    }
  });

  it("validates the bridge config with zod", () => {
    expect(() =>
      parseBridgeConfig({ chains: [{ chainId: 31337, rpcUrl: "x", role: "hub", bridge: "0x1" }] }),
    ).toThrow(/chains\.0\.rpcUrl.*chains\.0\.bridge|chains\.0\.rpcUrl/);
    expect(() =>
      parseBridgeConfig({
        chains: [{ chainId: 1_000_000_101, rpcUrl: "http://a", role: "spoke", bridge: net.spoke }],
      }),
    ).toThrow(/EVM chain id/);
  });
});

describe("bridgeSend and bridgeStatus on two anvil chains", () => {
  it("hub → L2: approves, locks, reports sent, signed by the validators, then delivered once relayed", async () => {
    const progress: string[] = [];
    const sent = await bridgeSend({
      config,
      account: sender,
      toChain: "l2",
      to: sender.address,
      amount: parseEther("25"),
      onProgress: (p) => progress.push(p.step),
    });
    expect(sent.queued).toBe(false);
    expect(sent.approveTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(progress).toEqual(["checked", "approving", "approved", "sending", "sent"]);
    expect(sent.nonce).toBe(await hubNonce(BigInt(L2_CHAIN)));
    const receipt = await net.hub.client.getTransactionReceipt({ hash: sent.txHash });
    const [log] = parseEventLogs({ abi: bridgeVaultAbi, logs: receipt.logs, eventName: "BridgeMessageSent" });
    expect(log!.args.msgId).toBe(sent.msgId);

    const first = await bridgeStatus({ config, msgId: sent.msgId });
    expect(["sent", "signed"]).toContain(first.state);
    expect(first.source?.txHash).toBe(sent.txHash);
    expect(first.amount).toBe(parseEther("25"));
    expect(first.recipient).toBe(sender.address);
    expect(first.destination?.executed).toBe(false);

    // No relayer yet: the validators sign (confirmations 1), the status counts their verified signatures.
    let signed: BridgeStatus | undefined;
    await waitFor("the message signed by 2 of 3", async () => {
      signed = await bridgeStatus({ config, msgId: sent.msgId });
      return signed.state === "signed";
    });
    expect(signed!.signatures!.threshold).toBe(2);
    expect(signed!.signatures!.signed).toBeGreaterThanOrEqual(2);
    for (const v of signed!.signatures!.validators.filter((r) => r.signed)) {
      expect(v.valid).toBe(true);
      expect(v.member).toBe(true);
    }

    startRelayer();
    const states: string[] = [];
    const done = await waitForDelivery({
      config,
      msgId: sent.msgId,
      intervalMs: 200,
      timeoutMs: 60_000,
      onProgress: (s, changed) => changed && states.push(s.state),
    });
    expect(done.state).toBe("delivered");
    expect(done.destination?.executed).toBe(true);
    expect(done.destination?.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await l2Balance(sender.address)).toBe(parseEther("25"));
  }, 120_000);

  it("L2 → hub with the CLI: eai bridge send --wait --json burns and is delivered; eai bridge status says so", async () => {
    const before = await hubBalance(sender.address);
    const env = { EAI_PRIVATE_KEY: privateKeyOf(sender), EAI_BRIDGE_CONFIG: configFile };
    const r = await cli(
      [
        "bridge",
        "send",
        "--from-chain",
        "l2",
        "--to-chain",
        "hub",
        "--to",
        sender.address,
        "--amount",
        "10",
        "--wait",
        "--timeout",
        "60",
        "--json",
      ],
      env,
    );
    expect(r.err).toMatch(/sending 10 EAI from l2 \(31338\)/);
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as Record<string, unknown> & { delivery: Record<string, unknown> };
    expect(out.queued).toBe(false);
    expect(out.amount).toBe("10");
    expect(out.approveTxHash).toBeUndefined();
    expect(out.delivery.state).toBe("delivered");
    expect(await hubBalance(sender.address)).toBe(before + parseEther("10"));
    expect(await l2Balance(sender.address)).toBe(parseEther("15"));

    const s = await cli([
      "bridge",
      "status",
      out.msgId as string,
      "--bridge-config",
      configFile,
      "--validators",
      validatorUrls.join(","),
    ]);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/^state: delivered$/m);
    expect(s.out).toMatch(/amount: 10 EAI/);
    expect(s.out).toMatch(/signed: [23]/);
  }, 120_000);

  it("an unknown message id is reported unknown; a malformed one is a usage error", async () => {
    const unknown = `0x${"ab".repeat(32)}` as Hex;
    const s = await bridgeStatus({ config, msgId: unknown });
    expect(s.state).toBe("unknown");
    expect(s.detail).toMatch(/no message .* hub \(31337\), l2 \(31338\)/);
    const r = await cli(["bridge", "status", unknown, "--bridge-config", configFile, "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { state: string }).state).toBe("unknown");
    const bad = await cli(["bridge", "status", "0x1234", "--bridge-config", configFile]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/MSG_ID: expected a message id/);
  });

  it("dust is refused before anything is sent (SDK and CLI)", async () => {
    const nonce = await hubNonce(BigInt(L2_CHAIN));
    const balance = await hubBalance(sender.address);
    await expect(
      bridgeSend({
        config,
        account: sender,
        toChain: L2_CHAIN,
        to: sender.address,
        amount: parseEther("1") + 1n,
      }),
    ).rejects.toMatchObject({ code: "dust", message: /refuses dust.*send 1 EAI/ });
    const r = await cli(
      [
        "bridge",
        "send",
        "--to-chain",
        "l2",
        "--to",
        sender.address,
        "--amount",
        "1.000000000000000001",
        "--bridge-config",
        configFile,
      ],
      { EAI_PRIVATE_KEY: privateKeyOf(sender) },
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dust/);
    const none = await cli([
      "bridge",
      "send",
      "--to-chain",
      "l2",
      "--to",
      sender.address,
      "--amount",
      "1",
      "--bridge-config",
      configFile,
    ]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/sends a transaction/);
    expect(await hubNonce(BigInt(L2_CHAIN))).toBe(nonce);
    expect(await hubBalance(sender.address)).toBe(balance);
  });

  it("a destination the source bridge has not enabled is refused before sending", async () => {
    const nonce = await hubNonce(SOLANA_LOCAL);
    await expect(
      bridgeSend({
        config,
        account: sender,
        toChain: "solana-local",
        to: SOLANA_KEY,
        amount: parseEther("1"),
      }),
    ).rejects.toMatchObject({
      code: "disabled",
      message: /solana-local \(1000000101\) is not enabled on the hub vault/,
    });
    await expect(
      checkBridgeSend({
        config,
        account: sender,
        toChain: 31_339n,
        to: sender.address,
        amount: parseEther("1"),
      }),
    ).rejects.toMatchObject({ code: "disabled" });
    expect(await hubNonce(SOLANA_LOCAL)).toBe(nonce);
    const r = await cli(
      [
        "bridge",
        "send",
        "--to-chain",
        "solana-local",
        "--to",
        SOLANA_KEY,
        "--amount",
        "1",
        "--bridge-config",
        configFile,
      ],
      { EAI_PRIVATE_KEY: privateKeyOf(sender) },
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not enabled/);
  });

  it("once enabled, Solana and TON recipients reach the message as the bytes32 the contracts carry", async () => {
    const limit = parseEther("1000000");
    for (const chain of [SOLANA_LOCAL, TON_LOCAL])
      await net.send(net.hub, accounts.deployer, net.vault, bridgeVaultAbi, "setChainLimits", [
        chain,
        limit,
        1n,
        limit,
        1n,
      ]);
    const sol = await bridgeSend({
      config,
      account: sender,
      toChain: "solana-local",
      to: SOLANA_KEY,
      amount: parseEther("2"),
    });
    expect(sol.message.recipient).toBe(SOLANA_HEX);
    const ton = await bridgeSend({
      config,
      account: sender,
      toChain: "ton-local",
      to: TON_NON_BOUNCEABLE,
      amount: parseEther("3"),
    });
    expect(ton.message.recipient).toBe(TON_HASH);
    const s = await bridgeStatus({ config, msgId: ton.msgId });
    expect(s.state).toBe("sent-unobservable");
    expect(s.recipient).toBe(`0:${TON_HASH.slice(2)}`);
  }, 60_000);

  it("a transfer over the outbound limit is sent but reported queued, then delivered once completed", async () => {
    // The deployer is the timelock in the harness: a 5 EAI outbound bucket toward the L2 (refill 1 wei/s).
    const cap = parseEther("1000000");
    await net.send(net.hub, accounts.deployer, net.vault, bridgeVaultAbi, "setChainLimits", [
      BigInt(L2_CHAIN),
      cap,
      cap / 86_400n,
      parseEther("5"),
      1n,
    ]);
    const plan = await checkBridgeSend({
      config,
      account: sender,
      toChain: "l2",
      to: sender.address,
      amount: parseEther("50"),
    });
    expect(plan.willQueue).toBe(true);
    expect(plan.warnings.join(" ")).toMatch(/over the outbound limit .* queued/);
    const warnings: string[] = [];
    const sent = await bridgeSend({
      config,
      account: sender,
      toChain: "l2",
      to: sender.address,
      amount: parseEther("50"),
      onProgress: (p) => p.step === "warning" && warnings.push(p.message),
    });
    expect(warnings).toHaveLength(1);
    expect(sent.queued).toBe(true);
    expect(sent.releasableAt).toBeGreaterThan(Date.now() / 1000);
    const s = await bridgeStatus({ config, msgId: sent.msgId });
    expect(s.state).toBe("queued-at-source");
    expect(s.source?.releasableAt).toBe(sent.releasableAt);
    expect(s.amount).toBe(parseEther("50"));
    const r = await cli(["bridge", "status", sent.msgId, "--bridge-config", configFile]);
    expect(r.out).toMatch(/state: queued-at-source/);

    // After the queue delay anyone completes it; the message is emitted and delivered.
    await net.hub.rpc("evm_increaseTime", [3601]);
    await net.hub.mine(1);
    await net.send(net.hub, accounts.attacker, net.vault, bridgeVaultAbi, "completeQueued", [sent.msgId]);
    const done = await waitForDelivery({ config, msgId: sent.msgId, intervalMs: 200, timeoutMs: 60_000 });
    expect(done.state).toBe("delivered");
    expect(await l2Balance(sender.address)).toBe(parseEther("65"));
  }, 120_000);

  it("a message over the destination's inbound limit is reported executed but queued there, with releasableAt", async () => {
    const cap = parseEther("1000000");
    await net.send(net.l2, accounts.deployer, net.spoke, spokeBridgeAbi, "setChainLimits", [
      BigInt(HUB_CHAIN),
      parseEther("1"),
      1n,
      cap,
      cap / 86_400n,
    ]);
    const sent = await bridgeSend({
      config,
      account: sender,
      toChain: "l2",
      to: sender.address,
      amount: parseEther("3"),
    });
    expect(sent.queued).toBe(false);
    const s = await waitForDelivery({ config, msgId: sent.msgId, intervalMs: 200, timeoutMs: 60_000 });
    expect(s.state).toBe("queued-at-destination");
    expect(s.destination?.executed).toBe(true);
    expect(s.destination?.queued).toBe(true);
    expect(s.destination?.releasableAt).toBeGreaterThan(Date.now() / 1000 + 3000);
    const r = await cli(["bridge", "status", sent.msgId, "--bridge-config", configFile, "--json"]);
    const out = JSON.parse(r.out) as { state: string; destination: { releasableAtIso: string } };
    expect(out.state).toBe("queued-at-destination");
    expect(out.destination.releasableAtIso).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  }, 120_000);
});
