// Two local EVM chains for the bridge daemons' tests: anvil on 127.0.0.1 as the hub (chain 31337: EAIToken and
// BridgeVault) and as an L2 (chain 31338: EAISpokeToken and SpokeBridge), each side enabling the other, with three
// validators (2 of 3), a guardian for the watchdog and funded users. Contracts come from the Hardhat artifacts.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createPublicClient,
  createWalletClient,
  getContractAddress,
  http,
  parseEther,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import { bridgeVaultAbi, eaiSpokeTokenAbi, eaiTokenAbi, spokeBridgeAbi } from "@eai/sdk/abis";
import { freePort } from "../../test/support/ports.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MNEMONIC = "test test test test test test test test test test test junk";
/** Ports of this harness's chains (test/support/ports.ts hands them out across test processes). */
export const BRIDGE_TEST_PORTS = [45400, 45449] as const;
export const HUB_CHAIN = 31337;
export const L2_CHAIN = 31338;

export const accounts = {
  deployer: mnemonicToAccount(MNEMONIC, { addressIndex: 0 }),
  user: mnemonicToAccount(MNEMONIC, { addressIndex: 1 }),
  validators: [2, 3, 4].map((i) => mnemonicToAccount(MNEMONIC, { addressIndex: i })),
  relayer: mnemonicToAccount(MNEMONIC, { addressIndex: 5 }),
  guardian: mnemonicToAccount(MNEMONIC, { addressIndex: 6 }),
  attacker: mnemonicToAccount(MNEMONIC, { addressIndex: 7 }),
};

export function privateKeyOf(account: HDAccount): Hex {
  const key = account.getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return `0x${Buffer.from(key).toString("hex")}`;
}

function anvilBin(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const path = join(ROOT, "node_modules", `@foundry-rs/anvil-${process.platform}-${arch}`, "bin", "anvil");
  if (!existsSync(path)) throw new Error(`anvil not installed at ${path}: run npm install`);
  return path;
}

function artifact(path: string): { abi: Abi; bytecode: Hex } {
  const a = JSON.parse(readFileSync(join(ROOT, "artifacts/contracts", path), "utf8")) as {
    abi: Abi;
    bytecode: Hex;
  };
  return a;
}

export interface Chain {
  chainId: number;
  rpcUrl: string;
  client: PublicClient;
  process: ChildProcess;
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  /** Mines `n` blocks now. */
  mine(n?: number): Promise<void>;
}

async function startChain(chainId: number): Promise<Chain> {
  const port = await freePort(BRIDGE_TEST_PORTS);
  const child = spawn(
    anvilBin(),
    [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--chain-id",
      String(chainId),
      "--block-time",
      "1",
      "--silent",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const client = createPublicClient({ transport: http(rpcUrl) }) as PublicClient;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.getBlockNumber();
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`anvil exited (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`anvil on ${port} did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const rpc = (method: string, params: unknown[] = []) =>
    client.request({ method: method as never, params: params as never }) as Promise<unknown>;
  return {
    chainId,
    rpcUrl,
    client,
    process: child,
    rpc,
    mine: async (n = 1) => {
      await rpc("anvil_mine", [`0x${n.toString(16)}`]);
    },
  };
}

export interface BridgeNet {
  hub: Chain;
  l2: Chain;
  token: Address;
  vault: Address;
  spokeToken: Address;
  spoke: Address;
  validators: Address[];
  send(
    chain: Chain,
    account: HDAccount,
    to: Address,
    abi: Abi,
    functionName: string,
    args: unknown[],
  ): Promise<Hex>;
  close(): Promise<void>;
}

const LIMIT = parseEther("1000000");

export async function startBridgeNet(): Promise<BridgeNet> {
  const [hub, l2] = await Promise.all([startChain(HUB_CHAIN), startChain(L2_CHAIN)]);
  const validators = accounts.validators
    .map((v) => v.address)
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

  const wallet = (chain: Chain, account: HDAccount) =>
    createWalletClient({ account, transport: http(chain.rpcUrl) });
  async function send(
    chain: Chain,
    account: HDAccount,
    to: Address,
    abi: Abi,
    functionName: string,
    args: unknown[],
  ): Promise<Hex> {
    const { request } = await chain.client.simulateContract({
      account,
      address: to,
      abi,
      functionName,
      args,
    });
    // A fixed gas limit: anvil's estimate with interval mining off (the reorg test) fell short of the real cost.
    const hash = await wallet(chain, account).writeContract({
      ...request,
      gas: 2_000_000n,
      chain: null,
    } as never);
    const receipt = await chain.client.waitForTransactionReceipt({ hash, pollingInterval: 100 });
    if (receipt.status !== "success") {
      // Replay it at its block for the reason.
      const reason = await chain.client
        .simulateContract({
          account,
          address: to,
          abi,
          functionName,
          args,
          blockNumber: receipt.blockNumber - 1n,
        })
        .then(
          () => "passes one block earlier",
          (err: unknown) => (err as Error).message.split("\n")[0],
        );
      throw new Error(
        `${functionName} reverted (${hash}, block ${receipt.blockNumber}, gas ${receipt.gasUsed}): ${reason}`,
      );
    }
    return hash;
  }
  async function deploy(chain: Chain, path: string, args: unknown[]): Promise<Address> {
    const { abi, bytecode } = artifact(path);
    const hash = await wallet(chain, accounts.deployer).deployContract({ abi, bytecode, args, chain: null });
    const receipt = await chain.client.waitForTransactionReceipt({ hash, pollingInterval: 100 });
    if (!receipt.contractAddress) throw new Error(`${path}: no contract address`);
    return receipt.contractAddress;
  }

  const deployer = accounts.deployer.address;
  // Hub: the token (the deployer holds the supply) and the vault; the deployer stands in for the timelock.
  const token = await deploy(hub, "token/EAIToken.sol/EAIToken.json", [
    deployer,
    deployer,
    parseEther("10000000"),
    parseEther("1000000000"),
  ]);
  const vault = await deploy(hub, "bridge/BridgeVault.sol/BridgeVault.json", [
    token,
    deployer,
    deployer,
    validators,
    2,
    3600n,
  ]);
  // L2: the spoke token with the spoke bridge's predicted address as its minter, then the bridge.
  const nonce = await l2.client.getTransactionCount({ address: deployer });
  const predicted = getContractAddress({ from: deployer, nonce: BigInt(nonce + 1) });
  const spokeToken = await deploy(l2, "bridge/EAISpokeToken.sol/EAISpokeToken.json", [predicted]);
  const spoke = await deploy(l2, "bridge/SpokeBridge.sol/SpokeBridge.json", [
    spokeToken,
    deployer,
    deployer,
    validators,
    2,
    3600n,
  ]);
  if (spoke.toLowerCase() !== predicted.toLowerCase())
    throw new Error("spoke bridge not at its predicted address");
  const rate = LIMIT / 86_400n;
  await send(hub, accounts.deployer, vault, bridgeVaultAbi, "setChainLimits", [
    BigInt(L2_CHAIN),
    LIMIT,
    rate,
    LIMIT,
    rate,
  ]);
  await send(l2, accounts.deployer, spoke, spokeBridgeAbi, "setChainLimits", [
    BigInt(HUB_CHAIN),
    LIMIT,
    rate,
    LIMIT,
    rate,
  ]);
  await send(hub, accounts.deployer, vault, bridgeVaultAbi, "setGuardian", [accounts.guardian.address, true]);
  await send(l2, accounts.deployer, spoke, spokeBridgeAbi, "setGuardian", [accounts.guardian.address, true]);
  await send(hub, accounts.deployer, token, eaiTokenAbi, "transfer", [
    accounts.user.address,
    parseEther("10000"),
  ]);
  await send(hub, accounts.user, token, eaiTokenAbi, "approve", [vault, parseEther("10000")]);
  void eaiSpokeTokenAbi;

  return {
    hub,
    l2,
    token,
    vault,
    spokeToken,
    spoke,
    validators,
    send,
    async close() {
      for (const c of [hub, l2]) {
        c.process.kill("SIGKILL");
      }
    },
  };
}

/** Polls `fn` until it returns true (or throws after `timeoutMs`, naming `what`). */
export async function waitFor(
  what: string,
  fn: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
