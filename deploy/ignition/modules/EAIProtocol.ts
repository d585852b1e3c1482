import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { keccak256, toHex, zeroAddress, type Hex } from "viem";
import { DEFAULT_DISPUTE_PARAMS, DEFAULT_OPTIMISTIC_PARAMS } from "../../optimistic-params.ts";
import { BATCH_VERIFIER_CODE_HASHES, VERIFIER_CODE_HASHES } from "../../../sdk/src/generated/verifiers.ts";

/** The committed MNIST MLP circuit: its weights commitment and the content address of its model file. */
const CIRCUIT_MANIFEST = JSON.parse(
  readFileSync(new URL("../../../circuits/artifacts/manifest.json", import.meta.url), "utf8"),
) as { modelCommitment: string };
const MODEL_FILE = readFileSync(new URL("../../../circuits/models/mnist-mlp.json", import.meta.url));
/** A `Resources` requirement of nothing (every field zero). */
export const NO_RESOURCES = {
  vramMiB: 0,
  computeCapability: 0,
  cpuCores: 0,
  ramMiB: 0,
  storageGiB: 0,
  bandwidthMbps: 0,
  benchmarkScore: 0,
  region: 0,
} as const;

export const MNIST_MLP = {
  commitment: BigInt(CIRCUIT_MANIFEST.modelCommitment),
  artifactURI: `eai://blob/sha256-${createHash("sha256").update(MODEL_FILE).digest("hex")}`,
  inputSize: 49,
  outputSize: 10,
  /** The model's own minimum execution window: a proof takes ~1 s here, the market's 120 s floor covers it. */
  minExecWindow: 60,
} as const;

/**
 * TaskMarket's constructor defaults of `MarketParams` (docs/PARAMETERS.md). The module sets them again through the
 * `marketParams` parameter, so that a deployment may choose its own, e.g. `priorityWindow: 0` on the local network
 * `npm start` runs (no tier-3 provider can exist on a new chain, so the window would only delay every task).
 */
export const DEFAULT_MARKET = {
  providerBps: 8000,
  treasuryBps: 1500,
  creatorBps: 500,
  zkBondRatioBps: 1000,
  redundantBondRatioBps: 15_000,
  priorityWindow: 30,
  revealWindow: 600,
  maxRedundancy: 9,
  minExecWindow: 120,
  maxTaskLifetime: 7 * 24 * 3600,
} as const;

/** TaskMarket's constructor defaults of `SettlementParams` (docs/PARAMETERS.md). */
export const DEFAULT_SETTLEMENT = {
  drawStep: 10,
  fillTimeout: 900,
  faultFeeBps: 1000,
  minRatedValue: 10n * 10n ** 18n,
} as const;

/**
 * MiningRewards' production defaults (docs/PARAMETERS.md, "MiningRewards"): one-day epochs, 50,000 EAI per epoch at
 * multiplier 1 (×10 at the start of the contribution curve), at most 50% of an epoch's treasury fees, 10% of an
 * owner's stake per epoch, newcomers keep 10% (HIP-57), 0.1 CPU-hour per checked online hour.
 */
export const DEFAULT_REWARD_PARAMS = {
  emissionPerEpoch: 50_000n * 10n ** 18n,
  feeFactorBps: 5000,
  ownerCapBps: 1000,
  newcomerBps: 1000,
  uptimeSecondsPerHour: 360,
  gpuWeight: 10,
  posterBond: 1000n * 10n ** 18n,
  challengeWindow: 86_400,
  resolutionWindow: 14 * 86_400,
} as const;

/** An EXACT execution profile with no runtime constraints (`ExecutionProfile`, contracts/types/ExecutionProfile.sol). */
export const EXACT_PROFILE = {
  comparison: 0,
  quantStepLog2: 0,
  intraOpThreads: 0,
  graphOptimization: 3,
  target: 1,
  runtimeVersion: 0,
} as const;

/**
 * EXTCODEHASH of the generated MNIST verifier (sdk/src/generated/verifiers.ts, from its artifact). Governance
 * allowlists it so the model can be approved; workers compare a task's verifier against it before proving.
 */
export function mnistVerifierCodeHash(): Hex {
  return VERIFIER_CODE_HASHES.MnistMlpVerifier;
}

/** The batched MNIST circuits with a committed verifier (circuits/circuits.json): batch size -> verifier contract. */
export const MNIST_BATCH_VERIFIERS = { 4: "MnistMlpB4Verifier", 11: "MnistMlpB11Verifier" } as const;

/** Role identifiers, computed the way the contracts compute them. */
export const ROLES = {
  DEFAULT_ADMIN: `0x${"00".repeat(32)}` as const,
  MINTER: keccak256(toHex("MINTER_ROLE")),
  MARKET: keccak256(toHex("MARKET_ROLE")),
  REPORTER: keccak256(toHex("REPORTER_ROLE")),
  GUARDIAN: keccak256(toHex("GUARDIAN_ROLE")),
  SLASHER: keccak256(toHex("SLASHER_ROLE")),
  PROPOSER: keccak256(toHex("PROPOSER_ROLE")),
  CANCELLER: keccak256(toHex("CANCELLER_ROLE")),
  EXECUTOR: keccak256(toHex("EXECUTOR_ROLE")),
} as const;

/** The governance timelock alone, deployed first so that deploy.ts can default the parameters below to it. */
export const TimelockModule = buildModule("EAITimelock", (m) => {
  const timelock = m.contract("EAITimelock", [
    m.getParameter("timelockMinDelay", 60n),
    [],
    [zeroAddress], // anyone may execute a proposal once its delay has passed
    m.getAccount(0),
  ]);
  return { timelock };
});

export default buildModule("EAIProtocol", (m) => {
  const deployer = m.getAccount(0);
  // The timelock comes from TimelockModule, deployed first by deploy.ts, which passes its address.
  const timelock = m.contractAt("EAITimelock", m.getParameter<string>("timelock"));
  // No defaults here (Ignition cannot default a parameter to a contract): deploy.ts fills in the timelock's address,
  // so running this module without them fails instead of silently leaving a role or the supply with the deployer.
  const guardian = m.getParameter<string>("guardian");
  const initialHolder = m.getParameter<string>("initialHolder");
  const mnistCreator = m.getParameter<string>("mnistCreator");

  const token = m.contract("EAIToken", [
    deployer,
    initialHolder,
    m.getParameter("initialSupply", 100_000_000n * 10n ** 18n),
    m.getParameter("cap", 1_000_000_000n * 10n ** 18n),
  ]);
  const governor = m.contract("EAIGovernor", [
    token,
    timelock,
    m.getParameter("votingDelay", 1n),
    m.getParameter("votingPeriod", 300n),
    m.getParameter("proposalThreshold", 0n),
    m.getParameter("quorumNumerator", 4n),
  ]);
  const proposer = m.call(timelock, "grantRole", [ROLES.PROPOSER, governor], {
    id: "timelock_grant_proposer",
  });
  const canceller = m.call(timelock, "grantRole", [ROLES.CANCELLER, governor], {
    id: "timelock_grant_canceller",
  });

  const vault = m.contract("StakingVault", [
    token,
    deployer,
    timelock,
    m.getParameter("unbondingPeriod", 7n * 24n * 3600n),
    m.getParameter("slashTreasuryBps", 5000n),
  ]);
  const providers = m.contract("ProviderRegistry", [
    deployer,
    m.getParameter("mediumScore", 1000n),
    m.getParameter("highScore", 5000n),
  ]);
  const models = m.contract("ModelRegistry", [deployer]);
  const reputation = m.contract("Reputation", [deployer]);
  const redundantLib = m.library("RedundantLib");
  const zkLib = m.library("ZkLib");
  const market = m.contract("TaskMarket", [deployer, vault, providers, models, reputation, token, timelock], {
    libraries: { RedundantLib: redundantLib, ZkLib: zkLib },
  });

  // Mining emissions: the market's treasury is MiningRewards, which counts the EAI fees per epoch and forwards them
  // to the timelock; it mints within those fees through MINTER_ROLE (granted below, before the admin goes to the
  // timelock; afterwards only a governance proposal can grant or revoke it).
  const rewards = m.contract("MiningRewards", [
    deployer,
    token,
    market,
    vault,
    timelock,
    m.getParameter("rewardsEpochLength", 86_400n),
    m.getParameter("rewardParams", DEFAULT_REWARD_PARAMS),
  ]);

  // OPTIMISTIC verification (issue #14, docs/AUDITS.md): one drawn provider posts a bonded result, random audits and
  // challenges decided by a re-executing jury. The six role grants that deploy/optimistic.ts returns as governance
  // calls for an existing deployment are made here, before the admin goes to the timelock.
  const optimistic = m.contract("OptimisticMarket", [
    deployer,
    vault,
    providers,
    models,
    reputation,
    m.getParameter("optimisticParams", DEFAULT_OPTIMISTIC_PARAMS),
  ]);
  const disputes = m.contract("DisputeManager", [
    deployer,
    optimistic,
    vault,
    providers,
    reputation,
    m.getParameter("disputeParams", DEFAULT_DISPUTE_PARAMS),
  ]);

  // The first ZK model: the MNIST digits MLP with its generated Groth16 verifier, approved for rated tasks.
  const mnistVerifier = m.contract("MnistMlpVerifier");
  const registered = m.call(
    models,
    "registerModel",
    [
      0,
      MNIST_MLP.commitment,
      mnistVerifier,
      MNIST_MLP.artifactURI,
      MNIST_MLP.inputSize,
      MNIST_MLP.outputSize,
      NO_RESOURCES,
      MNIST_MLP.minExecWindow,
      EXACT_PROFILE,
    ],
    { id: "register_mnist_mlp" },
  );
  const allowlisted = m.call(models, "setVerifierCodeHashApproved", [mnistVerifierCodeHash(), true], {
    id: "allowlist_mnist_verifier_code",
    after: [registered],
  });
  const approved = m.call(models, "setModelApproved", [1n, true], {
    id: "approve_mnist_mlp",
    after: [allowlisted],
  });
  // The batched circuits of the same model (issue #13): governance allowlists each verifier's code, the creator
  // (still the deployer here) sets one verifier per batch size.
  const batchSet = Object.entries(MNIST_BATCH_VERIFIERS).map(([k, name]) => {
    const batchVerifier = m.contract(name);
    const batchAllowlisted = m.call(
      models,
      "setVerifierCodeHashApproved",
      [BATCH_VERIFIER_CODE_HASHES[name], true],
      {
        id: `allowlist_${name}_code`,
      },
    );
    return m.call(models, "setBatchVerifier", [1n, Number(k), batchVerifier], {
      id: `set_mnist_batch_verifier_${k}`,
      after: [registered, batchAllowlisted],
    });
  });
  const creatorHandedOn = m.call(models, "setModelCreator", [1n, mnistCreator], {
    id: "hand_on_mnist_creator",
    after: [approved, ...batchSet],
  });

  const wiring = [
    m.call(market, "setMarketParams", [m.getParameter("marketParams", DEFAULT_MARKET)], {
      id: "market_market_params",
    }),
    m.call(market, "setSettlementParams", [m.getParameter("settlementParams", DEFAULT_SETTLEMENT)], {
      id: "market_settlement_params",
    }),
    m.call(vault, "grantRole", [ROLES.MARKET, market], { id: "vault_grant_market" }),
    m.call(reputation, "grantRole", [ROLES.REPORTER, market], { id: "reputation_grant_market" }),
    m.call(market, "grantRole", [ROLES.GUARDIAN, guardian], { id: "market_grant_guardian" }),
    proposer,
    canceller,
    creatorHandedOn,
    m.call(token, "grantRole", [ROLES.MINTER, rewards], { id: "token_grant_minter_rewards" }),
    m.call(market, "setTreasury", [rewards], { id: "market_treasury_rewards" }),
    m.call(optimistic, "setDisputeManager", [disputes], { id: "optimistic_set_disputes" }),
    m.call(vault, "grantRole", [ROLES.MARKET, optimistic], { id: "vault_grant_market_optimistic" }),
    m.call(vault, "grantRole", [ROLES.MARKET, disputes], { id: "vault_grant_market_disputes" }),
    m.call(vault, "grantRole", [ROLES.SLASHER, disputes], { id: "vault_grant_slasher_disputes" }),
    m.call(reputation, "grantRole", [ROLES.REPORTER, optimistic], { id: "reputation_grant_optimistic" }),
    m.call(reputation, "grantRole", [ROLES.REPORTER, disputes], { id: "reputation_grant_disputes" }),
  ];

  const owned = {
    token,
    vault,
    providers,
    models,
    reputation,
    market,
    rewards,
    optimistic,
    disputes,
  } as const;
  for (const [name, contract] of Object.entries(owned)) {
    const grant = m.call(contract, "grantRole", [ROLES.DEFAULT_ADMIN, timelock], {
      id: `${name}_grant_admin_timelock`,
      after: wiring,
    });
    m.call(contract, "renounceRole", [ROLES.DEFAULT_ADMIN, deployer], {
      id: `${name}_renounce_admin`,
      after: [grant],
    });
  }
  m.call(timelock, "renounceRole", [ROLES.DEFAULT_ADMIN, deployer], {
    id: "timelock_renounce_admin",
    after: wiring,
  });

  return {
    token,
    timelock,
    governor,
    vault,
    providers,
    models,
    reputation,
    market,
    mnistVerifier,
    redundantLib,
    zkLib,
    rewards,
    optimistic,
    disputes,
  };
});
