// The EVM bridge daemons end to end on two anvil chains (hub 31337, L2 31338): three validators (2 of 3) watching at
// a finality of 3 blocks, a relayer reading their HTTP endpoints, and the supply watchdog. EAI goes hub → L2 → hub;
// a reorg before finality signs nothing; a validator fed a forged log by a lying RPC, whose key the attacker also
// holds (M − 1 = 1 compromised key), cannot move a token; and when the attacker holds M keys and mints on the L2
// without a lock on the hub, the watchdog pauses both bridges. The supply invariant is checked after every step.
import { createServer, type Server } from "node:http";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeAbiParameters, encodeEventTopics, parseEther, parseEventLogs, type Hex, type Log } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeVaultAbi, eaiSpokeTokenAbi, eaiTokenAbi, spokeBridgeAbi } from "@eai/sdk/abis";
import { evmAddressToBytes32, messageId, type BridgeMessage } from "../src/message.ts";
import { signMessage } from "../src/evm/attest.ts";
import {
  parseConfig,
  relayerConfigSchema,
  validatorConfigSchema,
  watchdogConfigSchema,
  type EvmChainConfig,
} from "../src/evm/config.ts";
import { jsonLogger, type Logger } from "../src/evm/log.ts";
import { BridgeRelayer } from "../src/evm/relayer.ts";
import { BridgeValidator } from "../src/evm/validator.ts";
import { SupplyWatchdog } from "../src/evm/watchdog.ts";
import { freePort } from "../../test/support/ports.ts";
import {
  accounts,
  BRIDGE_TEST_PORTS,
  HUB_CHAIN,
  L2_CHAIN,
  privateKeyOf,
  startBridgeNet,
  waitFor,
  type BridgeNet,
} from "./evm-harness.ts";

const CONFIRMATIONS = 3;
const quiet: Logger = jsonLogger("test", process.env.BRIDGE_TEST_LOG ? "info" : "error", (l) => {
  if (process.env.BRIDGE_TEST_LOG) process.stderr.write(l);
});

let net: BridgeNet;
let dir: string;
let validators: BridgeValidator[];
let relayer: BridgeRelayer;
let watchdog: SupplyWatchdog;
let liar: Server;
let flood: Server;
let floodUrl = "";

/**
 * A hostile "validator" endpoint for the relayer: pages of 500 signatures without end (`next` always grows), each
 * valid over a distinct message but by a key that is no member of any set. It must neither hold up the honest
 * validators' signatures nor fill the relayer's memory.
 */
async function floodingValidator(): Promise<string> {
  const stranger = privateKeyToAccount(`0x${"42".repeat(32)}`);
  const page: Record<string, unknown>[] = [];
  for (let i = 0; i < 500; i++) {
    const m: BridgeMessage = {
      version: 1,
      srcChain: BigInt(HUB_CHAIN),
      dstChain: BigInt(L2_CHAIN),
      nonce: 10_000n + BigInt(i),
      sender: evmAddressToBytes32(stranger.address),
      recipient: evmAddressToBytes32(stranger.address),
      amount8: 10n ** 8n,
    };
    const domain = { chainId: BigInt(L2_CHAIN), verifyingContract: net.spoke };
    page.push({
      kind: "bridgeIn",
      msgId: messageId(m),
      message: Object.fromEntries(
        Object.entries(m).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]),
      ),
      domain: { chainId: String(L2_CHAIN), verifyingContract: net.spoke },
      signer: stranger.address,
      signature: await signMessage(stranger, m, domain),
      source: { block: "1", tx: `0x${"ee".repeat(32)}` },
    });
  }
  flood = createServer((req, res) => {
    const after = Number(new URL(req.url ?? "/", "http://x").searchParams.get("after") ?? "0");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        signer: stranger.address,
        attestations: page.map((a, i) => ({ ...a, seq: after + i + 1 })),
        next: after + page.length,
      }),
    );
  });
  const floodPort = await freePort(BRIDGE_TEST_PORTS);
  await new Promise<void>((r) => flood.listen(floodPort, "127.0.0.1", r));
  const addr = flood.address();
  if (typeof addr !== "object" || !addr) throw new Error("no flood port");
  floodUrl = `http://127.0.0.1:${addr.port}`;
  return floodUrl;
}

function chains(hubRpc = net.hub.rpcUrl): EvmChainConfig[] {
  const common = { confirmations: CONFIRMATIONS, fromBlock: 0, maxBlockRange: 2_000 };
  return [
    { chainId: HUB_CHAIN, name: "hub", rpcUrl: hubRpc, role: "hub", bridge: net.vault, ...common },
    { chainId: L2_CHAIN, name: "l2", rpcUrl: net.l2.rpcUrl, role: "spoke", bridge: net.spoke, ...common },
  ];
}

/** A JSON-RPC proxy to the hub that adds `forged` to every eth_getLogs answer asking for the vault's range. */
async function lyingRpc(forged: () => Log | undefined): Promise<string> {
  liar = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      void (async () => {
        const upstream = await fetch(net.hub.rpcUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        const answer = (await upstream.json()) as { id: number; result?: unknown };
        const request = JSON.parse(body) as { method: string; params?: { fromBlock?: Hex; toBlock?: Hex }[] };
        const log = forged();
        if (request.method === "eth_getLogs" && Array.isArray(answer.result) && log) {
          const from = BigInt(request.params?.[0]?.fromBlock ?? "0x0");
          const to = BigInt(request.params?.[0]?.toBlock ?? "0x0");
          if (log.blockNumber !== null && log.blockNumber >= from && log.blockNumber <= to) {
            answer.result.push({
              ...log,
              blockNumber: `0x${log.blockNumber.toString(16)}`,
              logIndex: "0x63",
              transactionIndex: "0x0",
            });
          }
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      })();
    });
  });
  const liarPort = await freePort(BRIDGE_TEST_PORTS);
  await new Promise<void>((r) => liar.listen(liarPort, "127.0.0.1", r));
  const addr = liar.address();
  if (typeof addr !== "object" || !addr) throw new Error("no proxy port");
  return `http://127.0.0.1:${addr.port}`;
}

let forgedLog: Log | undefined;

/** The attacker, holding M = 2 validator keys, mints `message` on the L2 without a lock on the hub. */
async function mintWithKeys(message: BridgeMessage): Promise<void> {
  const domain = { chainId: BigInt(L2_CHAIN), verifyingContract: net.spoke };
  const signed = await Promise.all(
    accounts.validators.slice(0, 2).map(async (v) => ({
      signer: v.address,
      sig: await signMessage(privateKeyToAccount(privateKeyOf(v)), message, domain),
    })),
  );
  signed.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  await net.send(net.l2, accounts.attacker, net.spoke, spokeBridgeAbi, "bridgeIn", [
    message,
    signed.map((s) => s.sig),
  ]);
}

async function invariantHolds(): Promise<void> {
  const check = await watchdog.read();
  expect(check.violations).toEqual([]);
  expect(check.ok).toBe(true);
}

async function balanceL2(address: Hex): Promise<bigint> {
  return net.l2.client.readContract({
    address: net.spokeToken,
    abi: eaiSpokeTokenAbi,
    functionName: "balanceOf",
    args: [address],
  });
}
async function balanceHub(address: Hex): Promise<bigint> {
  return net.hub.client.readContract({
    address: net.token,
    abi: eaiTokenAbi,
    functionName: "balanceOf",
    args: [address],
  });
}

beforeAll(async () => {
  net = await startBridgeNet();
  dir = await mkdtemp(join(tmpdir(), "eai-bridge-"));
  const liarUrl = await lyingRpc(() => forgedLog);
  // Every server on a claimed port (test/support/ports.ts), none on an ephemeral one: port 0 can land in another
  // file's claimed range (test/support/ports.test.ts needs all of 45300-45319 free).
  const listenPorts: number[] = [];
  for (let i = 0; i < accounts.validators.length; i++) listenPorts.push(await freePort(BRIDGE_TEST_PORTS));
  validators = accounts.validators.map(
    (v, i) =>
      new BridgeValidator({
        config: parseConfig(
          validatorConfigSchema,
          {
            // The third validator reads the hub through the lying proxy.
            chains: chains(i === 2 ? liarUrl : net.hub.rpcUrl),
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
  relayer = new BridgeRelayer({
    config: parseConfig(
      relayerConfigSchema,
      {
        chains: chains(),
        key: { env: "UNUSED" },
        validators: [...ports.map((p) => `http://127.0.0.1:${p}`), await floodingValidator()],
        pollIntervalMs: 200,
      },
      "relayer",
    ),
    account: privateKeyToAccount(privateKeyOf(accounts.relayer)),
    logger: quiet,
  });
  relayer.start();
  watchdog = new SupplyWatchdog({
    config: parseConfig(
      watchdogConfigSchema,
      { chains: chains(), key: { env: "UNUSED" }, pollIntervalMs: 300, violationChecks: 2 },
      "watchdog",
    ),
    account: privateKeyToAccount(privateKeyOf(accounts.guardian)),
    logger: quiet,
  });
  watchdog.start();
}, 120_000);

afterAll(async () => {
  await watchdog?.stop();
  await relayer?.stop();
  await Promise.all((validators ?? []).map((v) => v.stop()));
  await new Promise<void>((r) => (liar ? liar.close(() => r()) : r()));
  await new Promise<void>((r) => (flood ? flood.close(() => r()) : r()));
  await net?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("EVM bridge daemons", () => {
  it("move EAI hub → L2 → hub once final, signers ascending, with the supply backed at every step", async () => {
    const user = accounts.user.address;
    const hubBefore = await balanceHub(user);
    await invariantHolds();
    await net.send(net.hub, accounts.user, net.vault, bridgeVaultAbi, "bridgeOut", [
      BigInt(L2_CHAIN),
      evmAddressToBytes32(user),
      parseEther("100"),
    ]);
    await invariantHolds(); // locked, not minted yet
    await waitFor("100 EAI on the L2", async () => (await balanceL2(user)) === parseEther("100"));
    await invariantHolds();
    // Every validator signed it (none refused), and a single relay minted it once.
    for (const v of validators)
      expect(v.counters.get("signed_total", { kind: "bridgeIn" })).toBeGreaterThanOrEqual(1);
    // The relayer counts its relay once the receipt is in, which may be after the balance shows.
    await waitFor(
      "the relayer to count one relay",
      () => relayer.counters.get("relayed_total", { kind: "bridgeIn" }) >= 1,
    );
    expect(relayer.counters.get("relayed_total", { kind: "bridgeIn" })).toBe(1);
    // The flooding endpoint was read (and dropped) on every poll, a bounded number of pages each time.
    expect(relayer.counters.get("non_member_total", { validator: floodUrl })).toBeGreaterThan(0);
    expect(relayer.pendingCount()).toBeLessThan(10);

    await net.send(net.l2, accounts.user, net.spoke, spokeBridgeAbi, "bridgeOut", [
      BigInt(HUB_CHAIN),
      evmAddressToBytes32(user),
      parseEther("40"),
    ]);
    await invariantHolds(); // burned, not unlocked yet
    await waitFor(
      "40 EAI back on the hub",
      async () => (await balanceHub(user)) === hubBefore - parseEther("60"),
    );
    await invariantHolds();
    const check = await watchdog.read();
    expect(check.spokeSupply).toBe(parseEther("60"));
    expect(check.outstanding).toBe(parseEther("60"));
    expect(check.locked).toBe(parseEther("60"));
    // The honest validators' accountant has nothing pending once the hub accounted the claim.
    await waitFor(
      "the accountant's pending list to empty",
      () => validators[0]!.store.pending().length === 0,
    );
  }, 120_000);

  it("a message reorged out before finality is never signed; the nonce's new message is", async () => {
    const user = accounts.user.address;
    const l2Before = await balanceL2(user);
    await net.hub.rpc("evm_setIntervalMining", [0]);
    const snapshot = await net.hub.rpc("evm_snapshot");
    const hashPromise = net.send(net.hub, accounts.user, net.vault, bridgeVaultAbi, "bridgeOut", [
      BigInt(L2_CHAIN),
      evmAddressToBytes32(user),
      parseEther("7"),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    await net.hub.mine(1);
    const receipt = await net.hub.client.getTransactionReceipt({ hash: await hashPromise });
    const [sent] = parseEventLogs({
      abi: bridgeVaultAbi,
      logs: receipt.logs,
      eventName: "BridgeMessageSent",
    });
    const reorged = sent!.args.msgId.toLowerCase();
    // Two blocks on top: still one short of final. The validators poll meanwhile.
    await net.hub.mine(CONFIRMATIONS - 1);
    await new Promise((r) => setTimeout(r, 1_500));
    await net.hub.rpc("evm_revert", [snapshot]);
    await net.hub.mine(CONFIRMATIONS + 2);
    await net.hub.rpc("evm_setIntervalMining", [1]);
    // The same nonce now carries another amount: a new message id.
    await net.send(net.hub, accounts.user, net.vault, bridgeVaultAbi, "bridgeOut", [
      BigInt(L2_CHAIN),
      evmAddressToBytes32(user),
      parseEther("9"),
    ]);
    await waitFor("9 EAI more on the L2", async () => (await balanceL2(user)) === l2Before + parseEther("9"));
    for (const v of validators) {
      expect(v.store.since(0, 10_000).some((a) => a.msgId === reorged)).toBe(false);
    }
    await invariantHolds();
  }, 120_000);

  it("a lying RPC and M − 1 compromised keys cannot mint on the L2", async () => {
    const attacker = accounts.attacker.address;
    const head = await net.hub.client.getBlockNumber();
    // A BridgeMessageSent the hub never emitted: 1M EAI to the attacker, nonce 999.
    const forged: BridgeMessage = {
      version: 1,
      srcChain: BigInt(HUB_CHAIN),
      dstChain: BigInt(L2_CHAIN),
      nonce: 999n,
      sender: evmAddressToBytes32(attacker),
      recipient: evmAddressToBytes32(attacker),
      amount8: 1_000_000n * 10n ** 8n,
    };
    const id = messageId(forged);
    const topics = encodeEventTopics({
      abi: bridgeVaultAbi,
      eventName: "BridgeMessageSent",
      args: { msgId: id, dstChain: forged.dstChain },
    });
    const data = encodeAbiParameters(
      [
        { type: "uint64" },
        {
          type: "tuple",
          components: [
            { name: "version", type: "uint8" },
            { name: "srcChain", type: "uint64" },
            { name: "dstChain", type: "uint64" },
            { name: "nonce", type: "uint64" },
            { name: "sender", type: "bytes32" },
            { name: "recipient", type: "bytes32" },
            { name: "amount8", type: "uint64" },
          ],
        },
      ],
      [forged.nonce, forged],
    );
    const lying = validators[2]!;
    const signedBefore = lying.counters.get("signed_total", { kind: "bridgeIn" });
    forgedLog = {
      address: net.vault,
      topics: topics as [Hex, ...Hex[]],
      data,
      blockNumber: head,
      blockHash: `0x${"ab".repeat(32)}`,
      transactionHash: `0x${"cd".repeat(32)}`,
      logIndex: 99,
      transactionIndex: 0,
      removed: false,
    };
    // The lying validator rescans from where it is; make it see the block again by resetting its hub cursor.
    await lying.store.setCursor(BigInt(HUB_CHAIN), head);
    await waitFor(
      "the lying validator to sign the forged message",
      () => lying.counters.get("signed_total", { kind: "bridgeIn" }) > signedBefore,
    );
    forgedLog = undefined;
    expect(lying.store.since(0, 10_000).some((a) => a.msgId === id.toLowerCase())).toBe(true);
    // The honest two never saw it; the relayer holds one signature, below the threshold, and relays nothing.
    for (const v of validators.slice(0, 2)) {
      expect(v.store.since(0, 10_000).some((a) => a.msgId === id.toLowerCase())).toBe(false);
    }
    const supplyBefore = await net.l2.client.readContract({
      address: net.spokeToken,
      abi: eaiSpokeTokenAbi,
      functionName: "totalSupply",
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await balanceL2(attacker)).toBe(0n);
    // The attacker submits the one signature itself: too few.
    const sig = await signMessage(privateKeyToAccount(privateKeyOf(accounts.validators[2]!)), forged, {
      chainId: BigInt(L2_CHAIN),
      verifyingContract: net.spoke,
    });
    await expect(
      net.send(net.l2, accounts.attacker, net.spoke, spokeBridgeAbi, "bridgeIn", [forged, [sig]]),
    ).rejects.toThrow(/BridgeTooFewSignatures/);
    expect(
      await net.l2.client.readContract({
        address: net.spokeToken,
        abi: eaiSpokeTokenAbi,
        functionName: "totalSupply",
      }),
    ).toBe(supplyBefore);
    await invariantHolds();
  }, 120_000);

  it("the validators' accountant holds a claim from the L2 that the hub never locked for", async () => {
    // The watchdog would pause the L2 before the attacker's claim is sent: stopped for this test, restarted after.
    await watchdog.stop();
    const attacker = accounts.attacker.address;
    const minted: BridgeMessage = {
      version: 1,
      srcChain: BigInt(HUB_CHAIN),
      dstChain: BigInt(L2_CHAIN),
      nonce: 2_000n,
      sender: evmAddressToBytes32(attacker),
      recipient: evmAddressToBytes32(attacker),
      amount8: 3_000n * 10n ** 8n,
    };
    await mintWithKeys(minted);
    const receipt = await net.l2.client.getTransactionReceipt({
      hash: await net.send(net.l2, accounts.attacker, net.spoke, spokeBridgeAbi, "bridgeOut", [
        BigInt(HUB_CHAIN),
        evmAddressToBytes32(attacker),
        parseEther("3000"),
      ]),
    });
    const [sent] = parseEventLogs({
      abi: spokeBridgeAbi,
      logs: receipt.logs,
      eventName: "BridgeMessageSent",
    });
    const claim = sent!.args.msgId.toLowerCase();
    // The hub holds 60 EAI for the L2: no honest validator signs a 3000 EAI claim on it, now or later (a signature
    // kept until honest locks raise the balance would drain them).
    await waitFor("every validator to hold the claim", () =>
      validators.every((v) => v.counters.get("held_total") >= 1),
    );
    for (const v of validators) expect(v.store.since(0, 10_000).some((a) => a.msgId === claim)).toBe(false);
    expect(await balanceHub(attacker)).toBe(0n);
  }, 120_000);

  it("with M keys the attacker mints unbacked EAI on the L2, and the watchdog pauses both bridges", async () => {
    const attacker = accounts.attacker.address;
    const forged: BridgeMessage = {
      version: 1,
      srcChain: BigInt(HUB_CHAIN),
      dstChain: BigInt(L2_CHAIN),
      nonce: 1_000n,
      sender: evmAddressToBytes32(attacker),
      recipient: evmAddressToBytes32(attacker),
      amount8: 5_000n * 10n ** 8n,
    };
    watchdog = new SupplyWatchdog({
      config: parseConfig(
        watchdogConfigSchema,
        { chains: chains(), key: { env: "UNUSED" }, pollIntervalMs: 300, violationChecks: 2 },
        "watchdog",
      ),
      account: privateKeyToAccount(privateKeyOf(accounts.guardian)),
      logger: quiet,
    });
    watchdog.start();
    await invariantHolds();
    await mintWithKeys(forged);
    expect(await balanceL2(attacker)).toBe(parseEther("5000"));
    await waitFor("the watchdog to trip", () => watchdog.tripped, 30_000);
    for (const [chain, bridge] of [
      [net.hub, net.vault],
      [net.l2, net.spoke],
    ] as const) {
      expect(
        await chain.client.readContract({ address: bridge, abi: spokeBridgeAbi, functionName: "paused" }),
      ).toBe(true);
    }
    // The unbacked EAI cannot leave the L2 for the hub's real tokens.
    await expect(
      net.send(net.l2, accounts.attacker, net.spoke, spokeBridgeAbi, "bridgeOut", [
        BigInt(HUB_CHAIN),
        evmAddressToBytes32(attacker),
        parseEther("5000"),
      ]),
    ).rejects.toThrow(/EnforcedPause/);
    const check = await watchdog.read();
    expect(check.ok).toBe(false);
    expect(check.violations[0]).toMatch(/spoke supply .* > hub outstanding/);
  }, 120_000);

  it("eai-bridge runs a validator as a process: signs what is final, serves it, stops on SIGTERM", async () => {
    const port = await freePort(BRIDGE_TEST_PORTS);
    const config = join(dir, "validator-process.json");
    await writeFile(
      config,
      JSON.stringify({
        chains: chains(),
        key: { env: "EAI_BRIDGE_TEST_KEY" },
        stateDir: join(dir, "validator-process"),
        listen: { port },
        pollIntervalMs: 200,
      }),
    );
    const bin = fileURLToPath(new URL("../bin/eai-bridge.js", import.meta.url));
    const child = spawn(process.execPath, [bin, "validator", "--config", config], {
      env: { ...process.env, EAI_BRIDGE_TEST_KEY: privateKeyOf(accounts.validators[0]!) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      await waitFor(
        "the validator process to sign the hub's messages",
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
          if (!res?.ok) return false;
          const body = (await res.json()) as { signed: number };
          return body.signed >= 2;
        },
        60_000,
      );
      const page = (await (await fetch(`http://127.0.0.1:${port}/v1/signatures?after=0&limit=1`)).json()) as {
        attestations: unknown[];
        next: number;
      };
      expect(page.attestations).toHaveLength(1);
      expect(page.next).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/v1/signatures?limit=5000`)).status).toBe(400);
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(
        /eai_bridge_validator_signed_total\{kind="bridgeIn"\} [1-9]/,
      );
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/"msg":"validator started"/);
    expect(out).toMatch(/"msg":"validator stopped"/);
    expect(out).not.toContain(privateKeyOf(accounts.validators[0]!).slice(2));

    // Bad usage exits 2; a key that is not set exits 1 and names the variable.
    const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
      new Promise<{ code: number | null; text: string }>((resolve) => {
        const c = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
        let text = "";
        c.stdout.on("data", (d: Buffer) => (text += d.toString()));
        c.stderr.on("data", (d: Buffer) => (text += d.toString()));
        c.once("exit", (code) => resolve({ code, text }));
      });
    expect((await run(["signer"])).code).toBe(2);
    const env = { ...process.env };
    delete env.EAI_BRIDGE_TEST_KEY;
    const noKey = await run(["validator", "--config", config], env);
    expect(noKey.code).toBe(1);
    expect(noKey.text).toMatch(/EAI_BRIDGE_TEST_KEY is not set/);
  }, 120_000);
});
