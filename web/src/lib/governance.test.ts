import { encodeFunctionData, parseEther, type Address } from "viem";
import { describe, expect, it } from "vitest";
import { stakingVaultAbi, taskMarketAbi } from "@eai/sdk/abis";
import {
  GOVERNED_PARAMETERS,
  describeCall,
  parseDuration,
  parseEai,
  proposalResponseSchema,
  proposalTitle,
  shortProposalId,
  supportName,
} from "./governance.ts";

const MARKET = "0x8A791620dd6260079BF849Dc5567aDC3F2FdC318" as Address;
const VAULT = "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853" as Address;

describe("governance helpers", () => {
  it("parses durations in seconds or with units, within bounds", () => {
    expect(parseDuration("600", 60, 604800)).toEqual({ value: 600 });
    expect(parseDuration("10m", 60, 604800)).toEqual({ value: 600 });
    expect(parseDuration("1d 12h", 0, 10 ** 9)).toEqual({ value: 129_600 });
    expect(parseDuration("7D", 0, 10 ** 9)).toEqual({ value: 604_800 });
    expect(parseDuration("5", 60, 100).error).toMatch(/between 60 s \(1m\) and 100 s \(1m 40s\)/);
    expect(parseDuration("3 weeks", 0, 10).error).toMatch(/"3" is not a duration/);
    expect(parseDuration("", 0, 10).error).toMatch(/Enter a duration/);
  });

  it("parses EAI amounts within bounds", () => {
    expect(parseEai("2.5", 1n, parseEther("10"))).toEqual({ value: parseEther("2.5") });
    expect(parseEai("0", 1n, 10n).error).toMatch(/at least/);
    expect(parseEai("11", 1n, parseEther("10")).error).toMatch(/at most 10 EAI/);
    expect(parseEai("abc", 1n, 10n).error).toMatch(/amount in EAI/);
  });

  it("has one entry per governed setter field, with unique ids", () => {
    const ids = GOVERNED_PARAMETERS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const setters = new Set(GOVERNED_PARAMETERS.map((p) => `${p.contract}.${p.setter}`));
    // docs/PARAMETERS.md: every setter the timelock calls.
    for (const s of [
      "TaskMarket.setMarketParams",
      "TaskMarket.setStakeParams",
      "TaskMarket.setPaymentToken",
      "TaskMarket.setTreasury",
      "TaskMarket.setSettlementParams",
      "StakingVault.setUnbondingPeriod",
      "StakingVault.setSlashTreasuryBps",
      "StakingVault.setTreasury",
      "ProviderRegistry.setClassThresholds",
      "Reputation.setParams",
      "Reputation.setTierAges",
      "ModelRegistry.setModelApproved",
      "ModelRegistry.setVerifierCodeHashApproved",
      "ModelRegistry.setMinExecWindow",
      "EAIGovernor.setVotingDelay",
      "EAIGovernor.setVotingPeriod",
      "EAIGovernor.setProposalThreshold",
      "EAIGovernor.updateQuorumNumerator",
      "EAITimelock.updateDelay",
    ]) {
      expect(setters).toContain(s);
    }
    expect(GOVERNED_PARAMETERS.filter((p) => p.setter === "setParams")).toHaveLength(13);
    // every MarketParams field but the fee split has its own entry, and every SettlementParams field
    const idSet = new Set(ids);
    for (const f of [
      "zkBondRatioBps",
      "redundantBondRatioBps",
      "priorityWindow",
      "revealWindow",
      "maxRedundancy",
      "minExecWindow",
      "maxTaskLifetime",
    ])
      expect(idSet).toContain(`TaskMarket.${f}`);
    for (const f of ["drawStep", "fillTimeout", "faultFeeBps", "minRatedValue"])
      expect(idSet).toContain(`TaskMarket.${f}`);
  });

  it("describes proposal calls by contract and function", () => {
    const addresses = { TaskMarket: MARKET, StakingVault: VAULT };
    const data = encodeFunctionData({
      abi: taskMarketAbi,
      functionName: "setStakeParams",
      args: [parseEther("2"), parseEther("200")],
    });
    expect(describeCall(MARKET.toLowerCase(), data, 0n, addresses)).toBe(
      "TaskMarket.setStakeParams(2000000000000000000, 200000000000000000000)",
    );
    const vaultData = encodeFunctionData({
      abi: stakingVaultAbi,
      functionName: "setUnbondingPeriod",
      args: [86400n],
    });
    expect(describeCall(VAULT, vaultData, 0n, addresses)).toBe("StakingVault.setUnbondingPeriod(86400)");
    expect(describeCall(VAULT, data, 0n, addresses)).toMatch(/^call StakingVault with data 0x/);
    expect(describeCall("0x0000000000000000000000000000000000000001", "0x12345678", 0n, addresses)).toBe(
      "call 0x0000000000000000000000000000000000000001 with data 0x12345678…(4 bytes)",
    );
  });

  it("shortens ids and titles, and names support codes", () => {
    expect(
      shortProposalId("8761985429619850357222206615830452680729345181384516755874558772125961279523"),
    ).toBe("876198…9523");
    expect(shortProposalId(42n)).toBe("42");
    expect(proposalTitle("# Raise the floor\n\nbecause")).toBe("Raise the floor");
    expect(proposalTitle("")).toBe("(no description)");
    expect([0, 1, 2].map(supportName)).toEqual(["against", "for", "abstain"]);
  });

  it("validates the indexer's proposal answer", () => {
    const answer = {
      head: { block: "10", timestamp: 100 },
      id: "1",
      proposer: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
      targets: [MARKET],
      values: ["0"],
      signatures: [""],
      calldatas: ["0x12"],
      description: "x",
      voteStart: "1",
      voteEnd: "2",
      forVotes: "3",
      againstVotes: "0",
      abstainVotes: "0",
      voters: 1,
      createdAt: 1,
      queuedAt: null,
      eta: null,
      executedAt: null,
      canceledAt: null,
      txHash: "0xab",
      quorum: "4",
      state: "Active",
      votes: [
        {
          voter: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
          support: 1,
          weight: "3",
          reason: "",
          timestamp: 1,
          txHash: "0xcd",
        },
      ],
    };
    expect(proposalResponseSchema.parse(answer).state).toBe("Active");
    expect(() => proposalResponseSchema.parse({ ...answer, state: "Bogus" })).toThrow();
    expect(() => proposalResponseSchema.parse({ ...answer, forVotes: 3 })).toThrow();
  });
});
