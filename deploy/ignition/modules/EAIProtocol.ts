import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { keccak256, toHex, zeroAddress } from "viem";

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
} as const;

/** Role identifiers, computed the way the contracts compute them. */
export const ROLES = {
  DEFAULT_ADMIN: `0x${"00".repeat(32)}` as const,
  MINTER: keccak256(toHex("MINTER_ROLE")),
  MARKET: keccak256(toHex("MARKET_ROLE")),
  REPORTER: keccak256(toHex("REPORTER_ROLE")),
  GUARDIAN: keccak256(toHex("GUARDIAN_ROLE")),
  PROPOSER: keccak256(toHex("PROPOSER_ROLE")),
  CANCELLER: keccak256(toHex("CANCELLER_ROLE")),
  EXECUTOR: keccak256(toHex("EXECUTOR_ROLE")),
} as const;

/**
 * The whole EAI protocol: token, governance (governor + timelock), staking vault, registries, reputation and the
 * task market, wired together. At the end every contract's admin role belongs to the timelock and the deployer
 * keeps none: from then on parameters change only through a governance vote. The guardian can only pause
 * submissions and claims. It also deploys the MNIST MLP verifier and registers that model (model id 1).
 *
 * Parameters (all optional; defaults suit a local network, see docs/PARAMETERS.md):
 *   initialSupply, cap (wei), unbondingPeriod (s), slashTreasuryBps, timelockMinDelay (s), votingDelay (s),
 *   votingPeriod (s), proposalThreshold (wei), quorumNumerator (%), mediumScore, highScore, guardian (address,
 *   defaults to the deployer).
 */
export default buildModule("EAIProtocol", (m) => {
  const deployer = m.getAccount(0);
  const guardian = m.getParameter("guardian", deployer);

  const token = m.contract("EAIToken", [
    deployer,
    deployer,
    m.getParameter("initialSupply", 100_000_000n * 10n ** 18n),
    m.getParameter("cap", 1_000_000_000n * 10n ** 18n),
  ]);

  const timelock = m.contract("EAITimelock", [
    m.getParameter("timelockMinDelay", 60n),
    [],
    [zeroAddress], // anyone may execute a proposal once its delay has passed
    deployer,
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
  const market = m.contract("TaskMarket", [deployer, vault, providers, models, reputation, token, timelock]);

  // The first ZK model: the MNIST digits MLP with its generated Groth16 verifier (creator: the deployer).
  const mnistVerifier = m.contract("MnistMlpVerifier");
  m.call(
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
    ],
    { id: "register_mnist_mlp" },
  );

  const wiring = [
    m.call(vault, "grantRole", [ROLES.MARKET, market], { id: "vault_grant_market" }),
    m.call(reputation, "grantRole", [ROLES.REPORTER, market], { id: "reputation_grant_market" }),
    m.call(market, "grantRole", [ROLES.GUARDIAN, guardian], { id: "market_grant_guardian" }),
    proposer,
    canceller,
  ];

  const owned = { token, vault, providers, models, reputation, market } as const;
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

  return { token, timelock, governor, vault, providers, models, reputation, market, mnistVerifier };
});
