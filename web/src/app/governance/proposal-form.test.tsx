// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { decodeFunctionData, getAddress, keccak256, parseEther, toBytes, type Address, type Hex } from "viem";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  eaiGovernorAbi,
  eaiTimelockAbi,
  modelRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "@eai/sdk/abis";
import type { ProtocolContract } from "@eai/sdk/deployments";
import type { EncodedProposal } from "@eai/sdk/tasks/request";
import { GOVERNED_PARAMETERS, type GovernedValues } from "@/lib/governance.ts";
import { ProposalForm } from "./proposal-form.tsx";

afterEach(cleanup);

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const ADDRESSES = {
  EAIToken: addr(1),
  EAITimelock: addr(2),
  EAIGovernor: addr(3),
  StakingVault: addr(4),
  ProviderRegistry: addr(5),
  ModelRegistry: addr(6),
  Reputation: addr(7),
  TaskMarket: addr(8),
  MnistMlpVerifier: addr(9),
} satisfies Record<ProtocolContract, Address>;

const VALUES: GovernedValues = {
  market: {
    providerBps: 8000,
    treasuryBps: 1500,
    creatorBps: 500,
    zkBondRatioBps: 1000,
    redundantBondRatioBps: 15000,
    priorityWindow: 30,
    revealWindow: 600,
    maxRedundancy: 9,
    minExecWindow: 120,
    maxTaskLifetime: 7 * 86400,
  },
  settlement: { drawStep: 10, fillTimeout: 900, faultFeeBps: 1000, minRatedValue: parseEther("10") },
  bondFloor: parseEther("1"),
  minProviderStake: parseEther("100"),
  marketTreasury: addr(2),
  unbondingPeriod: 7 * 86400,
  slashTreasuryBps: 5000,
  vaultTreasury: addr(2),
  classThresholds: { medium: 1000, high: 5000 },
  reputation: {
    initialScore: 5000,
    successWeightBps: 500,
    failureWeightBps: 2000,
    halfLife: 30 * 86400,
    tier2Trust: 7000,
    tier2Availability: 7000,
    tier2Completed: 10,
    tier3Trust: 8500,
    tier3Availability: 8500,
    tier3Completed: 50,
    suspendThreshold: 3000,
    suspensionPeriod: 7 * 86400,
    maxViolations: 5,
  },
  tierAges: { tier2MinAge: 7 * 86400, tier3MinAge: 30 * 86400 },
  modelCount: 3,
  votingDelay: 1,
  votingPeriod: 300,
  proposalThreshold: 0n,
  quorumNumerator: 4,
  quorumDenominator: 100,
  timelockDelay: 60,
};

function setup(blockedReason: string | null = null) {
  const onPropose = vi.fn(async (_p: EncodedProposal, _label: string) => true);
  render(
    <ProposalForm
      values={VALUES}
      addresses={ADDRESSES}
      blockedReason={blockedReason}
      busy={false}
      onPropose={onPropose}
    />,
  );
  const parameter = screen.getByLabelText("Parameter") as HTMLSelectElement;
  const value = screen.getByLabelText("New value") as HTMLInputElement;
  const description = screen.getByLabelText("Description") as HTMLTextAreaElement;
  const submit = screen.getByRole("button", { name: "Create proposal" }) as HTMLButtonElement;
  return { onPropose, parameter, value, description, submit };
}

function describedBy(el: HTMLElement): string {
  return (el.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent ?? "")
    .join(" | ");
}

describe("ProposalForm", () => {
  it("lists every governed parameter with today's value", () => {
    const { parameter } = setup();
    expect(parameter.options.length).toBe(GOVERNED_PARAMETERS.length);
    fireEvent.change(parameter, { target: { value: "TaskMarket.revealWindow" } });
    expect(describedBy(parameter)).toContain("Now: 600 s (10m)");
    expect(describedBy(parameter)).toContain("TaskMarket.setMarketParams");
  });

  it("shows validation errors tied to the inputs and sends nothing", async () => {
    const { onPropose, parameter, value, description, submit } = setup();
    fireEvent.change(parameter, { target: { value: "TaskMarket.revealWindow" } });
    fireEvent.change(value, { target: { value: "5" } });
    fireEvent.click(submit);
    await waitFor(() => expect(value.getAttribute("aria-invalid")).toBe("true"));
    expect(describedBy(value)).toMatch(/Must be between 60 s \(1m\) and 604800 s \(7d\)/);
    expect(describedBy(description)).toMatch(/Describe the change/);
    expect(description.getAttribute("aria-invalid")).toBe("true");
    await waitFor(() => expect(document.activeElement).toBe(value));
    expect(onPropose).not.toHaveBeenCalled();

    fireEvent.change(parameter, { target: { value: "TaskMarket.feeSplit" } });
    fireEvent.change(value, { target: { value: "8000/1500/400" } });
    fireEvent.click(submit);
    await waitFor(() => expect(describedBy(value)).toMatch(/sum to 10000; these sum to 9900/));

    fireEvent.change(parameter, { target: { value: "Reputation.tier2Trust" } });
    fireEvent.change(value, { target: { value: "2500" } });
    fireEvent.click(submit);
    await waitFor(() => expect(describedBy(value)).toMatch(/above the suspension threshold \(3000\)/));

    fireEvent.change(parameter, { target: { value: "StakingVault.treasury" } });
    fireEvent.change(value, { target: { value: ADDRESSES.StakingVault } });
    fireEvent.click(submit);
    await waitFor(() => expect(describedBy(value)).toMatch(/cannot be its own treasury/));
    expect(onPropose).not.toHaveBeenCalled();
  });

  it("encodes a struct setter with one field changed and the others kept", async () => {
    const { onPropose, parameter, value, description, submit } = setup();
    fireEvent.change(parameter, { target: { value: "TaskMarket.revealWindow" } });
    fireEvent.change(value, { target: { value: "15m" } });
    expect(screen.getByTestId("proposal-preview").textContent).toContain(
      "TaskMarket.setMarketParams({ providerBps: 8000, treasuryBps: 1500, creatorBps: 500, zkBondRatioBps: 1000, redundantBondRatioBps: 15000, priorityWindow: 30, revealWindow: 900, maxRedundancy: 9, minExecWindow: 120, maxTaskLifetime: 604800 })",
    );
    fireEvent.change(description, {
      target: { value: "Longer reveal window\n\nReveals time out on slow links." },
    });
    fireEvent.click(submit);
    await waitFor(() => expect(onPropose).toHaveBeenCalledOnce());
    const [proposal, label] = onPropose.mock.calls[0] as [EncodedProposal, string];
    expect(label).toBe("Task market: reveal window");
    expect(proposal.targets).toEqual([ADDRESSES.TaskMarket]);
    expect(proposal.values).toEqual([0n]);
    expect(proposal.descriptionHash).toBe(
      keccak256(toBytes("Longer reveal window\n\nReveals time out on slow links.")),
    );
    const call = decodeFunctionData({ abi: taskMarketAbi, data: proposal.calldatas[0] as Hex });
    expect(call.functionName).toBe("setMarketParams");
    expect(call.args).toEqual([{ ...VALUES.market, revealWindow: 900 }]);
    // The form clears after a created proposal.
    await waitFor(() => expect(value.value).toBe(""));
  });

  it("encodes every other kind of setter", async () => {
    const { onPropose, parameter, value, description, submit } = setup();
    const propose = async (id: string, text: string) => {
      onPropose.mockClear();
      fireEvent.change(parameter, { target: { value: id } });
      fireEvent.change(value, { target: { value: text } });
      fireEvent.change(description, { target: { value: `change ${id}` } });
      fireEvent.click(submit);
      await waitFor(() => expect(onPropose).toHaveBeenCalledOnce());
      return (onPropose.mock.calls[0] as [EncodedProposal, string])[0];
    };

    let p = await propose("TaskMarket.bondFloor", "2.5");
    expect(decodeFunctionData({ abi: taskMarketAbi, data: p.calldatas[0] as Hex }).args).toEqual([
      parseEther("2.5"),
      parseEther("100"),
    ]);
    p = await propose("StakingVault.unbondingPeriod", "14d");
    expect(p.targets).toEqual([ADDRESSES.StakingVault]);
    expect(decodeFunctionData({ abi: stakingVaultAbi, data: p.calldatas[0] as Hex }).args).toEqual([
      BigInt(14 * 86400),
    ]);
    p = await propose("Reputation.maxViolations", "3");
    expect(decodeFunctionData({ abi: reputationAbi, data: p.calldatas[0] as Hex }).args).toEqual([
      { ...VALUES.reputation, maxViolations: 3 },
    ]);
    p = await propose("EAIGovernor.quorum", "10");
    expect(p.targets).toEqual([ADDRESSES.EAIGovernor]);
    const quorum = decodeFunctionData({ abi: eaiGovernorAbi, data: p.calldatas[0] as Hex });
    expect([quorum.functionName, quorum.args]).toEqual(["updateQuorumNumerator", [10n]]);
    p = await propose("EAITimelock.minDelay", "2d");
    expect(p.targets).toEqual([ADDRESSES.EAITimelock]);
    expect(decodeFunctionData({ abi: eaiTimelockAbi, data: p.calldatas[0] as Hex }).args).toEqual([
      BigInt(2 * 86400),
    ]);
    p = await propose("TaskMarket.paymentToken", `${addr(0xabc)} off`);
    expect(decodeFunctionData({ abi: taskMarketAbi, data: p.calldatas[0] as Hex }).args).toEqual([
      getAddress(addr(0xabc)),
      false,
      0n,
    ]);
  });

  it("encodes the protocol-economics setters and checks both sides of their bounds", async () => {
    const { onPropose, parameter, value, description, submit } = setup();
    const attempt = async (id: string, text: string) => {
      onPropose.mockClear();
      fireEvent.change(parameter, { target: { value: id } });
      fireEvent.change(value, { target: { value: text } });
      fireEvent.change(description, { target: { value: `change ${id}` } });
      fireEvent.click(submit);
      await waitFor(() =>
        expect(onPropose.mock.calls.length > 0 || value.getAttribute("aria-invalid") === "true").toBe(true),
      );
      const call = onPropose.mock.calls[0] as [EncodedProposal, string] | undefined;
      return call ? { proposal: call[0], error: null } : { proposal: null, error: describedBy(value) };
    };
    const decoded = async (
      id: string,
      text: string,
      abi: typeof taskMarketAbi | typeof modelRegistryAbi | typeof reputationAbi,
    ) => {
      const { proposal, error } = await attempt(id, text);
      expect(error, `${id} ${text}`).toBeNull();
      return decodeFunctionData({ abi, data: proposal?.calldatas[0] as Hex });
    };
    const refused = async (id: string, text: string) => {
      const { proposal, error } = await attempt(id, text);
      expect(proposal, `${id} ${text} must be refused`).toBeNull();
      return error ?? "";
    };

    // market: the minimum execution window 30 s .. 1 day, the lifetime up to 90 days and above the three windows
    expect((await decoded("TaskMarket.minExecWindow", "30", taskMarketAbi)).args).toEqual([
      { ...VALUES.market, minExecWindow: 30 },
    ]);
    expect(await refused("TaskMarket.minExecWindow", "29")).toMatch(/between 30 s/);
    expect((await decoded("TaskMarket.minExecWindow", "1d", taskMarketAbi)).args).toEqual([
      { ...VALUES.market, minExecWindow: 86400 },
    ]);
    expect(await refused("TaskMarket.minExecWindow", "86401")).toMatch(/and 86400 s \(1d\)/);
    expect((await decoded("TaskMarket.maxTaskLifetime", "90d", taskMarketAbi)).args).toEqual([
      { ...VALUES.market, maxTaskLifetime: 90 * 86400 },
    ]);
    expect(await refused("TaskMarket.maxTaskLifetime", String(90 * 86400 + 1))).toMatch(/between 1 s/);
    // 30 + 120 + 600 = 750 s: the lifetime may be exactly that, not a second less
    expect((await decoded("TaskMarket.maxTaskLifetime", "750", taskMarketAbi)).args).toEqual([
      { ...VALUES.market, maxTaskLifetime: 750 },
    ]);
    expect(await refused("TaskMarket.maxTaskLifetime", "749")).toMatch(/at least the priority window.*750 s/);
    // ... and a longer reveal window cannot outgrow the lifetime
    expect(await refused("TaskMarket.revealWindow", "7d")).toMatch(
      /maximum task lifetime \(604800 s \(7d\)\)/,
    );

    // settlement: draw step 1..600 s, fill timeout 1 s..7 d, fault fee 0..5000 bps, min rated value in EAI
    const settlement = VALUES.settlement;
    expect((await decoded("TaskMarket.drawStep", "10m", taskMarketAbi)).args).toEqual([
      { ...settlement, drawStep: 600 },
    ]);
    expect(await refused("TaskMarket.drawStep", "601")).toMatch(/between 1 s/);
    expect(await refused("TaskMarket.drawStep", "0")).toMatch(/between 1 s/);
    const fill = await decoded("TaskMarket.fillTimeout", "7d", taskMarketAbi);
    expect([fill.functionName, fill.args]).toEqual([
      "setSettlementParams",
      [{ ...settlement, fillTimeout: 604800 }],
    ]);
    expect(await refused("TaskMarket.fillTimeout", "7d 1s")).toMatch(/604800 s \(7d\)/);
    expect((await decoded("TaskMarket.faultFeeBps", "5000", taskMarketAbi)).args).toEqual([
      { ...settlement, faultFeeBps: 5000 },
    ]);
    expect(await refused("TaskMarket.faultFeeBps", "5001")).toMatch(/between 0 bps and 5000 bps/);
    expect((await decoded("TaskMarket.minRatedValue", "0", taskMarketAbi)).args).toEqual([
      { ...settlement, minRatedValue: 0n },
    ]);
    expect((await decoded("TaskMarket.minRatedValue", "2.5", taskMarketAbi)).args).toEqual([
      { ...settlement, minRatedValue: parseEther("2.5") },
    ]);

    // tier ages: tier2 <= tier3 <= 365 days
    const ages = await decoded("Reputation.tier2MinAge", "30d", reputationAbi);
    expect([ages.functionName, ages.args]).toEqual([
      "setTierAges",
      [{ tier2MinAge: 30 * 86400, tier3MinAge: 30 * 86400 }],
    ]);
    expect(await refused("Reputation.tier2MinAge", "30d 1s")).toMatch(/not exceed the tier 3 age/);
    expect((await decoded("Reputation.tier3MinAge", "365d", reputationAbi)).args).toEqual([
      { tier2MinAge: 7 * 86400, tier3MinAge: 365 * 86400 },
    ]);
    expect(await refused("Reputation.tier3MinAge", "365d 1s")).toMatch(/between 0 s and 31536000 s/);
    expect(await refused("Reputation.tier3MinAge", "6d")).toMatch(/at least the tier 2 age/);

    // models: ids 1..modelCount, approval yes/no, the minimum execution window up to 1 day
    const approve = await decoded("ModelRegistry.approval", "3 yes", modelRegistryAbi);
    expect([approve.functionName, approve.args]).toEqual(["setModelApproved", [3n, true]]);
    expect((await decoded("ModelRegistry.approval", "1 no", modelRegistryAbi)).args).toEqual([1n, false]);
    expect(await refused("ModelRegistry.approval", "4 yes")).toMatch(/No model 4: ids run from 1 to 3/);
    expect(await refused("ModelRegistry.approval", "0 yes")).toMatch(/No model 0/);
    expect(await refused("ModelRegistry.approval", "2 maybe")).toMatch(/yes or no/);
    const window = await decoded("ModelRegistry.minExecWindow", "2 1d", modelRegistryAbi);
    expect([window.functionName, window.args]).toEqual(["setMinExecWindow", [2n, 86400]]);
    expect((await decoded("ModelRegistry.minExecWindow", "2 0", modelRegistryAbi)).args).toEqual([2n, 0]);
    expect(await refused("ModelRegistry.minExecWindow", "2 86401")).toMatch(/and 86400 s/);
    const hash = `0x${"ab".repeat(32)}` as Hex;
    const allow = await decoded(
      "ModelRegistry.verifierCodeHash",
      `${hash.toUpperCase().replace("0X", "0x")} yes`,
      modelRegistryAbi,
    );
    expect([allow.functionName, allow.args]).toEqual(["setVerifierCodeHashApproved", [hash, true]]);
    expect((await decoded("ModelRegistry.verifierCodeHash", `${hash} no`, modelRegistryAbi)).args).toEqual([
      hash,
      false,
    ]);
    expect(await refused("ModelRegistry.verifierCodeHash", `0x${"ab".repeat(31)} yes`)).toMatch(
      /64 hex digits/,
    );
    expect(await refused("ModelRegistry.verifierCodeHash", `${keccak256("0x")} yes`)).toMatch(/without code/);
  });

  it("says why it cannot propose and keeps the button disabled", () => {
    const { submit } = setup("Delegate votes first: proposing needs 0 EAI of voting power.");
    expect(submit.disabled).toBe(true);
    expect(describedBy(submit)).toContain("Delegate votes first");
  });
});
