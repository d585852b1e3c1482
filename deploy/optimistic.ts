/**
 * Deploys the OPTIMISTIC verification contracts (docs/AUDITS.md): `OptimisticMarket` and `DisputeManager` next to an
 * existing protocol deployment, both administered by its timelock (the deployer keeps no role), and returns the
 * governance calls that switch them on. Until a proposal executes those calls the contracts hold no role anywhere:
 * nothing can be claimed (the vault refuses the bond) and no dispute can slash. New deployments do not need this
 * module: the protocol's Ignition module deploys both contracts and makes the same six grants before handing the admin
 * role to the timelock (docs/PROTOCOL.md, "Parameters, reputation and deployment"); this is for a deployment made
 * before. The defaults below are also the Ignition module's (deploy/deploy.ts shortens the windows on local chains).
 *
 * The calls, in order (each `target.call(data)` by the timelock):
 *  1. `OptimisticMarket.setDisputeManager(disputes)` — challenges open disputes there, verdicts come only from it;
 *  2. `StakingVault.grantRole(MARKET_ROLE, market)` — provider and auditor bonds;
 *  3. `StakingVault.grantRole(MARKET_ROLE, disputes)` — juror bonds;
 *  4. `StakingVault.grantRole(SLASHER_ROLE, disputes)` — the upheld cheat's stake, slashed by the jury's verdict;
 *  5. `Reputation.grantRole(REPORTER_ROLE, market)` — Success, MissedDeadline, WrongResult, FailedAudit, MissedAudit;
 *  6. `Reputation.grantRole(REPORTER_ROLE, disputes)` — penalised jurors (a minority vote, no reveal); the
 *     provider's outcome of a verdict is reported by the market.
 */
import { encodeFunctionData, parseAbi, type Address, type Hex } from "viem";
import type { NetworkConnection } from "hardhat/types/network";
import { z } from "zod";
import {
  DEFAULT_DISPUTE_PARAMS,
  DEFAULT_OPTIMISTIC_PARAMS,
  DisputeParamsSchema,
  OptimisticParamsSchema,
  type DisputeParams,
  type OptimisticParams,
} from "./optimistic-params.ts";

export {
  DEFAULT_DISPUTE_PARAMS,
  DEFAULT_OPTIMISTIC_PARAMS,
  DisputeParamsSchema,
  OptimisticParamsSchema,
  type DisputeParams,
  type OptimisticParams,
};

/** OpenZeppelin AccessControl's grantRole (the same in StakingVault and Reputation). */
const ACCESS_CONTROL_ABI = parseAbi(["function grantRole(bytes32 role, address account)"]);

const AddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an 0x-prefixed 20-byte address");
/** The protocol contracts the optimistic ones are deployed next to. */
export const OptimisticDeployTargets = z.object({
  timelock: AddressSchema,
  vault: AddressSchema,
  providers: AddressSchema,
  models: AddressSchema,
  reputation: AddressSchema,
});
export type OptimisticDeployTargets = z.infer<typeof OptimisticDeployTargets>;

/** One call the timelock must make (a proposal's target, value 0 and calldata), with what it is for. */
export interface GovernanceCall {
  target: Address;
  data: Hex;
  what: string;
}

/**
 * Deploys both contracts with the timelock as their admin and returns them with the governance calls (in the order
 * of this module's header) that give them their roles. Bad addresses or parameters throw before anything is sent.
 */
export async function deployOptimistic(
  connection: NetworkConnection,
  targets: OptimisticDeployTargets,
  params: { optimistic?: OptimisticParams; disputes?: DisputeParams } = {},
) {
  const t = OptimisticDeployTargets.parse(targets);
  const opt = OptimisticParamsSchema.parse(params.optimistic ?? DEFAULT_OPTIMISTIC_PARAMS);
  const dm = DisputeParamsSchema.parse(params.disputes ?? DEFAULT_DISPUTE_PARAMS);
  const { viem } = connection;
  const timelock = t.timelock as Address;
  const market = await viem.deployContract("OptimisticMarket", [
    timelock,
    t.vault as Address,
    t.providers as Address,
    t.models as Address,
    t.reputation as Address,
    opt,
  ]);
  const disputes = await viem.deployContract("DisputeManager", [
    timelock,
    market.address,
    t.vault as Address,
    t.providers as Address,
    t.reputation as Address,
    dm,
  ]);
  const vault = await viem.getContractAt("StakingVault", t.vault as Address);
  const reputation = await viem.getContractAt("Reputation", t.reputation as Address);
  const [marketRole, slasherRole, reporterRole] = await Promise.all([
    vault.read.MARKET_ROLE(),
    vault.read.SLASHER_ROLE(),
    reputation.read.REPORTER_ROLE(),
  ]);
  const grant = (role: Hex, account: Address) =>
    encodeFunctionData({ abi: ACCESS_CONTROL_ABI, functionName: "grantRole", args: [role, account] });
  const calls: GovernanceCall[] = [
    {
      target: market.address,
      data: encodeFunctionData({
        abi: market.abi,
        functionName: "setDisputeManager",
        args: [disputes.address],
      }),
      what: "OptimisticMarket.setDisputeManager(DisputeManager)",
    },
    {
      target: vault.address,
      data: grant(marketRole, market.address),
      what: "StakingVault MARKET_ROLE → OptimisticMarket (provider and auditor bonds)",
    },
    {
      target: vault.address,
      data: grant(marketRole, disputes.address),
      what: "StakingVault MARKET_ROLE → DisputeManager (juror bonds)",
    },
    {
      target: vault.address,
      data: grant(slasherRole, disputes.address),
      what: "StakingVault SLASHER_ROLE → DisputeManager (an upheld cheat's stake)",
    },
    {
      target: reputation.address,
      data: grant(reporterRole, market.address),
      what: "Reputation REPORTER_ROLE → OptimisticMarket (provider and auditor outcomes)",
    },
    {
      target: reputation.address,
      data: grant(reporterRole, disputes.address),
      what: "Reputation REPORTER_ROLE → DisputeManager (penalised jurors)",
    },
  ];
  return { market, disputes, calls };
}
