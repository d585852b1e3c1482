/**
 * Auto-claim of mining rewards (config `autoClaim`, off by default): every `intervalMs` the worker recomputes the
 * trees of the last `lookbackEpochs` final epochs from the chain, checks each against the posted root, and claims the
 * provider's unclaimed leaves through the worker's transaction submitter (one nonce sequence with its other
 * transactions). The reward is minted to the provider (the stake owner) even when an operator sends the claim.
 */
import { miningRewardsAbi } from "@eai/sdk/abis";
import { loadDeployment } from "@eai/sdk/deployments";
import { claimableEpochs, rewardsAddresses, type RewardsAddresses } from "@eai/sdk/rewards";
import type { Address, PublicClient } from "viem";

import { describeError } from "./chain/errors.ts";
import type { ChainContext } from "./chain/client.ts";
import type { TxOutcome, TxRequest } from "./chain/submitter.ts";
import type { WorkerConfig } from "./config.ts";
import type { Logger } from "./logger.ts";

type ClaimRequest = TxRequest<typeof miningRewardsAbi, "claim">;

export interface RewardsClaimerOptions {
  publicClient: PublicClient;
  addresses: RewardsAddresses;
  owner: Address;
  lookbackEpochs: number;
  intervalMs: number;
  send: (req: ClaimRequest) => Promise<TxOutcome>;
  log: Logger;
}

/** The rewards addresses of the worker's chain: the deployment record's MiningRewards, or `autoClaim.rewards`. */
export async function resolveRewardsAddresses(
  config: WorkerConfig,
  ctx: ChainContext,
): Promise<RewardsAddresses> {
  if (config.autoClaim.rewards) {
    const a = ctx.addresses;
    return {
      rewards: config.autoClaim.rewards,
      market: a.TaskMarket,
      vault: a.StakingVault,
      providers: a.ProviderRegistry,
      models: a.ModelRegistry,
      reputation: a.Reputation,
      token: a.EAIToken,
      fromBlock: ctx.startBlock,
    };
  }
  if (config.deploymentsDir === undefined) {
    throw new Error(
      "autoClaim: give autoClaim.rewards (the MiningRewards address) when contracts are given directly",
    );
  }
  return rewardsAddresses(await loadDeployment(config.chainId, config.deploymentsDir));
}

export class RewardsClaimer {
  readonly #o: RewardsClaimerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(options: RewardsClaimerOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#guarded(), this.#o.intervalMs);
    this.#timer.unref();
    void this.#guarded();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #guarded(): Promise<void> {
    if (this.#running) return;
    this.#running = this.claimOnce()
      .catch((err: unknown) => this.#o.log.warn({ err: describeError(err) }, "rewards auto-claim failed"))
      .finally(() => {
        this.#running = undefined;
      });
    await this.#running;
  }

  /** Claims every claimable epoch once; returns what was claimed (a failed epoch is logged and skipped). */
  async claimOnce(): Promise<{ epoch: bigint; amount: bigint }[]> {
    const { publicClient, addresses, owner } = this.#o;
    const claimable = await claimableEpochs(publicClient, addresses, owner, BigInt(this.#o.lookbackEpochs));
    const done: { epoch: bigint; amount: bigint }[] = [];
    for (const c of claimable) {
      // one epoch that cannot be claimed (e.g. the stake fell below the epoch's cap since its close) must not keep
      // the others from being claimed
      try {
        const outcome = await this.#o.send({
          label: `rewards claim epoch ${c.epoch}`,
          address: addresses.rewards,
          abi: miningRewardsAbi,
          functionName: "claim",
          args: [c.epoch, owner, c.amount, c.proof],
        });
        this.#o.log.info(
          { epoch: c.epoch.toString(), amount: c.amount.toString(), outcome: outcome.status },
          "rewards claimed",
        );
        done.push({ epoch: c.epoch, amount: c.amount });
      } catch (err) {
        this.#o.log.warn({ epoch: c.epoch.toString(), err: describeError(err) }, "rewards claim failed");
      }
    }
    return done;
  }
}
