/**
 * End-to-end protocol test on the in-process network: deploys through the same Ignition module as production
 * (deploy/ignition/modules/EAIProtocol.ts), then runs one ZK task (with the test verifier from contracts/mocks)
 * and one REDUNDANT task (three providers, one dishonest) from submit to withdraw.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { network } from "hardhat";
import { encodeAbiParameters, keccak256, parseEther, parseEventLogs, type Address, type Hex } from "viem";

import { deployProtocol } from "../../deploy/deploy.ts";

const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const WEIGHTS = 0x1234n;
const INPUT = 0x5678n;
const OUTPUT = 0x9abcn;

const resources = {
  vramMiB: 24_576,
  computeCapability: 89,
  cpuCores: 16,
  ramMiB: 65_536,
  storageGiB: 500,
  bandwidthMbps: 1000,
  benchmarkScore: 6000,
  region: 0,
} as const;

describe("EAI protocol end to end", async () => {
  const connection = await network.connect();
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const [deployer, creator, alice, bob, carol, requester] = await viem.getWalletClients();
  assert.ok(deployer && creator && alice && bob && carol && requester);
  const providers = [alice, bob, carol];

  const { contracts } = await deployProtocol(connection, { outDir: null });
  const { token, vault, market, models, timelock } = contracts;
  const registry = contracts.providers;
  let zkModel = 0n;
  let onnxModel = 0n;

  async function send(hash: Promise<Hex>) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    assert.equal(receipt.status, "success");
    return receipt;
  }

  before(async () => {
    const verifier = await viem.deployContract("MockVerifier");
    const none = { ...resources, vramMiB: 0, computeCapability: 0, cpuCores: 0, ramMiB: 0, storageGiB: 0, bandwidthMbps: 0, benchmarkScore: 0 };
    const asCreator = { account: creator.account };
    const r1 = await send(
      models.write.registerModel([0, WEIGHTS, verifier.address, "ipfs://mnist-mlp", 64, 10, none], asCreator),
    );
    const r2 = await send(models.write.registerModel([1, 0xabcn, "0x0000000000000000000000000000000000000000", "ipfs://onnx", 16, 4, none], asCreator));
    zkModel = parseEventLogs({ abi: models.abi, logs: r1.logs, eventName: "ModelRegistered" })[0]!.args.modelId;
    onnxModel = parseEventLogs({ abi: models.abi, logs: r2.logs, eventName: "ModelRegistered" })[0]!.args.modelId;

    for (const p of providers) {
      await send(token.write.transfer([p.account.address, parseEther("1000")]));
      await send(token.write.approve([vault.address, parseEther("1000")], { account: p.account }));
      await send(vault.write.stake([parseEther("500")], { account: p.account }));
      await send(
        registry.write.register([resources, "RTX 4090", keccak256(p.account.address), ""], { account: p.account }),
      );
    }
    await send(token.write.transfer([requester.account.address, parseEther("1000")]));
    await send(token.write.approve([market.address, parseEther("1000")], { account: requester.account }));
  });

  it("hands every admin role to the timelock", async () => {
    const admin = "0x0000000000000000000000000000000000000000000000000000000000000000";
    for (const c of [token, vault, registry, models, contracts.reputation, market]) {
      assert.equal(await c.read.hasRole([admin, timelock.address]), true);
      assert.equal(await c.read.hasRole([admin, deployer.account.address]), false);
    }
  });

  async function submit(mode: 0 | 1, modelId: bigint) {
    const now = BigInt(await networkHelpers.time.latest());
    const receipt = await send(
      market.write.submitTask(
        [
          {
            modelId,
            paymentToken: token.address,
            reward: parseEther("10"),
            deadline: Number(now + 86_400n),
            execWindow: 3600,
            mode,
            redundancy: mode === 0 ? 1 : 3,
            minTier: 1,
            minResources: { ...resources, benchmarkScore: 0, region: 0 },
            inputCommitment: INPUT,
            inputURI: "eai://blob/input",
          },
        ],
        { account: requester.account },
      ),
    );
    const [event] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskSubmitted" });
    assert.ok(event);
    await networkHelpers.time.increaseTo(event.args.spec.priorityUntil);
    return { taskId: event.args.taskId, spec: event.args.spec };
  }

  async function withdraw(account: Address) {
    const before = await token.read.balanceOf([account]);
    const credit = await market.read.creditOf([account, token.address]);
    await send(market.write.withdraw([token.address], { account }));
    assert.equal(await token.read.balanceOf([account]), before + credit);
    return credit;
  }

  it("runs a ZK task from submit to withdraw", async () => {
    const { taskId, spec } = await submit(0, zkModel);
    await send(market.write.claimTask([taskId, spec], { account: alice.account }));
    assert.equal(await vault.read.lockedOf([alice.account.address]), spec.bond);

    const chainId = BigInt(await publicClient.getChainId());
    const binding =
      BigInt(
        keccak256(
          encodeAbiParameters(
            [{ type: "uint256" }, { type: "address" }, { type: "uint256" }, { type: "address" }],
            [chainId, market.address, taskId, alice.account.address],
          ),
        ),
      ) % FIELD;
    const signals = [WEIGHTS, INPUT, OUTPUT, binding] as const;
    const a0 = BigInt(keccak256(encodeAbiParameters([{ type: "uint256[4]" }], [signals])));
    const proof = { a: [a0, 0n], b: [[0n, 0n], [0n, 0n]], c: [0n, 0n] } as const;
    await send(market.write.submitProof([taskId, spec, OUTPUT, "0x07", proof], { account: alice.account }));

    const state = await market.read.getTaskState([taskId]);
    assert.equal(state.status, 3); // Completed
    assert.equal(await vault.read.lockedOf([alice.account.address]), 0n);
    assert.equal(await withdraw(alice.account.address), parseEther("8"));
    assert.equal(await withdraw(creator.account.address), parseEther("0.5"));
    assert.equal(await market.read.creditOf([timelock.address, token.address]), parseEther("1.5"));
  });

  it("runs a REDUNDANT task with one dishonest provider from submit to withdraw", async () => {
    const { taskId, spec } = await submit(1, onnxModel);
    for (const p of providers) await send(market.write.claimTask([taskId, spec], { account: p.account }));

    const truth = keccak256("0x01");
    const lie = keccak256("0x02");
    const answers = [truth, truth, lie];
    const salts = providers.map((_, i) => keccak256(encodeAbiParameters([{ type: "uint256" }], [BigInt(i + 1)])));
    for (const [i, p] of providers.entries()) {
      const c = await market.read.resultCommitment([taskId, p.account.address, answers[i]!, salts[i]!]);
      await send(market.write.commitResult([taskId, spec, c], { account: p.account }));
    }
    const carolStake = await vault.read.stakeOf([carol.account.address]);
    let last;
    for (const [i, p] of providers.entries()) {
      last = await send(
        market.write.revealResult([taskId, spec, answers[i]!, salts[i]!, "eai://blob/out"], { account: p.account }),
      );
    }
    assert.ok(last);
    const completed = parseEventLogs({ abi: market.abi, logs: last.logs, eventName: "TaskCompleted" });
    assert.equal(completed[0]?.args.winners, 2);
    assert.equal(completed[0]?.args.result, truth);
    assert.equal(await vault.read.stakeOf([carol.account.address]), carolStake - spec.bond);

    const each = (parseEther("10") * 8000n) / 10_000n / 2n;
    assert.equal(await withdraw(bob.account.address), each);
    assert.equal(await market.read.creditOf([carol.account.address, token.address]), 0n);
    // the requester, as harmed party, can pull its share of the liar's slashed bond from the vault
    const harmed = await vault.read.creditOf([requester.account.address]);
    assert.ok(harmed > 0n);
    await send(vault.write.claimCredit({ account: requester.account }));
    assert.equal(await vault.read.creditOf([requester.account.address]), 0n);
  });
});
