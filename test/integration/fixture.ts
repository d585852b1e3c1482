/**
 * A deployed protocol on a Hardhat network connection, with a test verifier model, an ONNX model, three staked
 * and registered providers and a funded requester. Shared by the integration tests and bench/gas.ts.
 */
import type { NetworkConnection } from "hardhat/types/network";
import {
  encodeAbiParameters,
  keccak256,
  parseEther,
  parseEventLogs,
  zeroAddress,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";

import { deployProtocol } from "../../deploy/deploy.ts";
import { EXACT_PROFILE, NO_RESOURCES } from "../../deploy/ignition/modules/EAIProtocol.ts";

export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const WEIGHTS = 0x1234n;
export const INPUT = 0x5678n;

export const RESOURCES = {
  vramMiB: 24_576,
  computeCapability: 89,
  cpuCores: 16,
  ramMiB: 65_536,
  storageGiB: 500,
  bandwidthMbps: 1000,
  benchmarkScore: 6000,
  region: 0,
} as const;

export { EXACT_PROFILE, NO_RESOURCES };

/** TaskMarket's VerificationMode. */
export const Mode = { ZK: 0, REDUNDANT: 1 } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

/** `uint256(keccak256(abi.encode(chainid, market, taskId, provider))) % p`, as ProofLib computes it. */
export function taskBinding(chainId: bigint, market: Address, taskId: bigint, provider: Address): bigint {
  const encoded = encodeAbiParameters(
    [{ type: "uint256" }, { type: "address" }, { type: "uint256" }, { type: "address" }],
    [chainId, market, taskId, provider],
  );
  return BigInt(keccak256(encoded)) % FIELD;
}

/** A proof the MockVerifier accepts for exactly these public signals (test double only). */
export function mockProof(signals: readonly [bigint, bigint, bigint, bigint]) {
  const a0 = BigInt(keccak256(encodeAbiParameters([{ type: "uint256[4]" }], [signals])));
  return {
    a: [a0, 0n],
    b: [
      [0n, 0n],
      [0n, 0n],
    ],
    c: [0n, 0n],
  } as const;
}

/**
 * Runs `fn` with the timelock's address as sender (impersonated, funded for gas): how tests stand in for a
 * governance proposal that passed.
 */
export async function asTimelock(
  connection: NetworkConnection,
  timelock: Address,
  fn: (account: Address) => Promise<void>,
): Promise<void> {
  const { networkHelpers } = connection;
  await networkHelpers.impersonateAccount(timelock);
  await networkHelpers.setBalance(timelock, parseEther("10"));
  try {
    await fn(timelock);
  } finally {
    await networkHelpers.stopImpersonatingAccount(timelock);
  }
}

export async function setupProtocol(connection: NetworkConnection) {
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [deployer, creator, alice, bob, carol, requester] = wallets;
  if (!deployer || !creator || !alice || !bob || !carol || !requester) {
    throw new Error("the network needs 6 accounts");
  }
  const providers = [alice, bob, carol] as const;
  const requesterAccount = requester.account;
  const chainId = BigInt(await publicClient.getChainId());

  const { contracts, deployment } = await deployProtocol(connection, { outDir: null });
  const { token, vault, market, models } = contracts;

  async function send(hash: Promise<Hex>): Promise<TransactionReceipt> {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
    return receipt;
  }

  const verifier = await viem.deployContract("MockVerifier", [deployer.account.address]);
  const asCreator = { account: creator.account };
  const r1 = await send(
    models.write.registerModel(
      [0, WEIGHTS, verifier.address, "ipfs://mnist-mlp", 64, 10, NO_RESOURCES, 0, EXACT_PROFILE],
      asCreator,
    ),
  );
  const r2 = await send(
    models.write.registerModel(
      [1, 0xabcn, zeroAddress, "ipfs://onnx", 16, 4, NO_RESOURCES, 0, EXACT_PROFILE],
      asCreator,
    ),
  );
  const [zkEvent] = parseEventLogs({ abi: models.abi, logs: r1.logs, eventName: "ModelRegistered" });
  const [onnxEvent] = parseEventLogs({ abi: models.abi, logs: r2.logs, eventName: "ModelRegistered" });
  if (!zkEvent || !onnxEvent) throw new Error("ModelRegistered not emitted");
  const zkModel = zkEvent.args.modelId;
  const onnxModel = onnxEvent.args.modelId;
  // Governance approves both test models (the test acts as the timelock, standing in for a passed proposal).
  await asTimelock(connection, contracts.timelock.address, async (account) => {
    const code = await publicClient.getCode({ address: verifier.address });
    if (!code) throw new Error("MockVerifier has no code");
    await send(models.write.setVerifierCodeHashApproved([keccak256(code), true], { account }));
    await send(models.write.setModelApproved([zkModel, true], { account }));
    await send(models.write.setModelApproved([onnxModel, true], { account }));
  });

  for (const p of providers) {
    await send(token.write.transfer([p.account.address, parseEther("100000")]));
    await send(token.write.approve([vault.address, parseEther("100000")], { account: p.account }));
    await send(vault.write.stake([parseEther("50000")], { account: p.account }));
    await send(
      contracts.providers.write.register([RESOURCES, "RTX 4090", keccak256(p.account.address), ""], {
        account: p.account,
      }),
    );
  }
  await send(token.write.transfer([requester.account.address, parseEther("1000000")]));
  await send(token.write.approve([market.address, parseEther("1000000")], { account: requester.account }));

  /** Submits a task as the requester, waits out the priority window, returns id, spec and receipt. */
  async function submit(
    mode: Mode,
    reward = parseEther("10"),
    overrides: { modelId?: bigint; inputCommitment?: bigint } = {},
  ) {
    const now = BigInt(await networkHelpers.time.latest());
    const receipt = await send(
      market.write.submitTask(
        [
          {
            modelId: overrides.modelId ?? (mode === Mode.ZK ? zkModel : onnxModel),
            paymentToken: token.address,
            reward,
            deadline: Number(now + 86_400n),
            execWindow: 3600,
            mode,
            redundancy: mode === Mode.ZK ? 1 : 3,
            minTier: 1,
            minResources: NO_RESOURCES,
            inputCommitment: overrides.inputCommitment ?? INPUT,
            inputURI: "eai://blob/sha256-input",
          },
        ],
        { account: requesterAccount },
      ),
    );
    const [event] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskSubmitted" });
    if (!event) throw new Error("TaskSubmitted not emitted");
    await networkHelpers.time.increaseTo(event.args.spec.priorityUntil);
    return { taskId: event.args.taskId, spec: event.args.spec, receipt };
  }

  /**
   * Claims a draw of a REDUNDANT task as `account` at its turn: mines the seed block if needed, then moves time to
   * the provider's turn on its best free draw (TaskMarket.claimableAt), and past the priority window, and claims.
   */
  async function claimAtTurn(
    taskId: bigint,
    spec: { createdBlock: bigint; priorityUntil: number },
    account: (typeof wallets)[number]["account"],
  ) {
    const full = spec as Parameters<typeof market.read.claimableAt>[0][1];
    if ((await publicClient.getBlockNumber()) <= spec.createdBlock + 1n) await networkHelpers.mine(2);
    const provider = await contracts.providers.read.resolveProvider([account.address]);
    const [, turn] = await market.read.claimableAt([taskId, full, provider]);
    const notBefore = turn > BigInt(spec.priorityUntil) ? turn : BigInt(spec.priorityUntil);
    if (notBefore > BigInt(await networkHelpers.time.latest()))
      await networkHelpers.time.increaseTo(notBefore);
    return send(market.write.claimTask([taskId, full], { account }));
  }

  return {
    connection,
    claimAtTurn,
    publicClient,
    chainId,
    contracts,
    deployment,
    verifier,
    zkModel,
    onnxModel,
    wallets: { deployer, creator, requester, providers },
    send,
    submit,
  };
}

export type Protocol = Awaited<ReturnType<typeof setupProtocol>>;
