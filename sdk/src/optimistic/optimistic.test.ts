/**
 * OPTIMISTIC tasks and disputes through the SDK (and the CLI commands' run functions) against the real
 * OptimisticMarket and DisputeManager deployed by deploy/deploy.ts on Hardhat's in-process network
 * (test/integration/fixture.ts), with a real blob store. Providers and jurors are dev accounts acting directly
 * through the contracts. One chain for the whole file; audits are switched off (auditBps 0, as governance could) so
 * that settlement does not depend on the random audit draw.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { custom, decodeEventLog, keccak256, parseEther, toHex, type Address, type Hex } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { asTimelock, setupProtocol, type Protocol } from "../../../test/integration/fixture.ts";
import { createEaiClient, type EaiClient } from "../client/client.ts";
import { decodeEaiError } from "../client/errors.ts";
import { explainContractError } from "../client/explain.ts";
import { DISPUTE_COMMANDS, OPTIMISTIC_COMMANDS, type OptimisticContext } from "../cli/optimistic.ts";
import { main } from "../cli/main.ts";
import { human, toJson } from "../cli/format.ts";
import { disputeManagerAbi, eaiTokenAbi, optimisticMarketAbi } from "../generated/abis.ts";
import { startBlobStore, type BlobStore } from "../storage/index.ts";
import { createOptimisticClient, type DisputeEvent, type OptimisticClient } from "./index.ts";

let p: Protocol;
let store: BlobStore;
let dir: string;
let eai: EaiClient;
let requester: OptimisticClient;
let market: Address;
let disputes: Address;

type Wallet = Protocol["wallets"]["deployer"];
let alice: Wallet;
let bob: Wallet;
let carol: Wallet;

beforeAll(async () => {
  p = await setupProtocol(await network.create());
  dir = await mkdtemp(join(tmpdir(), "eai-sdk-optimistic-"));
  store = await startBlobStore({ dir });
  [alice, bob, carol] = p.wallets.providers;
  const config = {
    chain: hardhat,
    transport: custom(p.connection.provider),
    account: p.wallets.requester.account.address,
    deployment: p.deployment,
    blobStoreUrl: store.url,
  };
  eai = createEaiClient(config);
  requester = createOptimisticClient(config);
  market = requester.addresses.market;
  disputes = requester.addresses.disputes;
  // No random audits in these tests (governance may set auditBps to 0).
  const params = await p.publicClient.readContract({
    address: market,
    abi: optimisticMarketAbi,
    functionName: "params",
  });
  await asTimelock(p.connection, p.contracts.timelock.address, async (account) => {
    const wallet = await p.connection.viem.getWalletClient(account);
    await p.send(
      wallet.writeContract({
        address: market,
        abi: optimisticMarketAbi,
        functionName: "setParams",
        args: [{ ...params, auditBps: 0 }],
        chain: hardhat,
        account,
      }),
    );
  });
});

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await p?.connection.close();
});

const time = () => p.connection.networkHelpers.time;
const bytes = (s: string) => new TextEncoder().encode(s);
const GOOD = keccak256(bytes("the correct output"));
const WRONG = keccak256(bytes("a wrong output"));

async function tx(
  w: Wallet,
  address: Address,
  abi: typeof optimisticMarketAbi | typeof disputeManagerAbi,
  functionName: string,
  args: readonly unknown[],
) {
  return p.send(
    w.writeContract({ address, abi, functionName, args, chain: hardhat, account: w.account } as Parameters<
      Wallet["writeContract"]
    >[0]),
  );
}

async function balance(who: Address): Promise<bigint> {
  return p.publicClient.readContract({
    address: p.deployment.contracts.EAIToken.address,
    abi: eaiTokenAbi,
    functionName: "balanceOf",
    args: [who],
  });
}

/** Posts through the SDK, then `provider` claims at its draw turn and commits `resultHash`. */
async function postAndCommit(resultHash: Hex, provider: Wallet = alice, reward = parseEther("10")) {
  const posted = await requester.postTask({
    model: p.onnxModel,
    input: bytes(`input ${Math.random()}`),
    reward,
  });
  await p.connection.networkHelpers.mine(2);
  const turn = await p.publicClient.readContract({
    address: market,
    abi: optimisticMarketAbi,
    functionName: "claimableAt",
    args: [posted.taskId, provider.account.address],
  });
  if (turn > BigInt(await time().latest())) await time().increaseTo(turn);
  await tx(provider, market, optimisticMarketAbi, "claim", [posted.taskId]);
  await tx(provider, market, optimisticMarketAbi, "commitResult", [
    posted.taskId,
    resultHash,
    "eai://blob/sha256-result",
  ]);
  return posted;
}

/** Jurors take every seat of the round at their turns, commit `votes[juror]`, reveal and resolve. */
async function runJury(
  disputeId: bigint,
  votes: Map<Wallet, Hex>,
  onCommitted?: () => Promise<void>,
  reveals: (seated: { juror: Wallet; draws: number }[]) => Wallet[] = (seated) => seated.map((s) => s.juror),
) {
  const jurors = [...votes.keys()];
  await p.connection.networkHelpers.mine(2);
  for (;;) {
    const d = await p.publicClient.readContract({
      address: disputes,
      abi: disputeManagerAbi,
      functionName: "getDispute",
      args: [disputeId],
    });
    if (d.drawsTaken === (1 << d.params.jurySize) - 1) break;
    const turns = await Promise.all(
      jurors.map((j) =>
        p.publicClient.readContract({
          address: disputes,
          abi: disputeManagerAbi,
          functionName: "seatableAt",
          args: [disputeId, j.account.address],
        }),
      ),
    );
    const best = turns.reduce((a, b) => (b < a ? b : a));
    const juror = jurors[turns.indexOf(best)] as Wallet;
    if (best > BigInt(await time().latest())) await time().increaseTo(best);
    await tx(juror, disputes, disputeManagerAbi, "takeSeat", [disputeId]);
  }
  const d = await p.publicClient.readContract({
    address: disputes,
    abi: disputeManagerAbi,
    functionName: "getDispute",
    args: [disputeId],
  });
  const seated: Wallet[] = [];
  const draws: { juror: Wallet; draws: number }[] = [];
  for (const j of jurors) {
    const seat = await p.publicClient.readContract({
      address: disputes,
      abi: disputeManagerAbi,
      functionName: "seatOf",
      args: [disputeId, d.round, j.account.address],
    });
    if (seat.draws !== 0) {
      seated.push(j);
      draws.push({ juror: j, draws: seat.draws.toString(2).split("1").length - 1 });
    }
  }
  const salt = (j: Wallet) => toHex(BigInt(jurors.indexOf(j) + 7), { size: 32 });
  for (const j of seated) {
    const commitment = await p.publicClient.readContract({
      address: disputes,
      abi: disputeManagerAbi,
      functionName: "voteCommitment",
      args: [disputeId, d.round, j.account.address, votes.get(j) as Hex, salt(j)],
    });
    await tx(j, disputes, disputeManagerAbi, "commitVote", [disputeId, commitment]);
  }
  await onCommitted?.();
  for (const j of reveals(draws))
    await tx(j, disputes, disputeManagerAbi, "revealVote", [disputeId, votes.get(j) as Hex, salt(j)]);
  return seated;
}

function cliCtx(positionals: string[], values: OptimisticContext["values"] = {}, client: EaiClient = eai) {
  const err: string[] = [];
  const ctx: OptimisticContext = {
    values: { "blob-store": store.url, ...values },
    positionals,
    env: {},
    io: { out: () => {}, err: (l) => err.push(l) },
    client: () => Promise.resolve(client),
    now: () => Date.now() / 1000,
  };
  return { ctx, err };
}

describe("OPTIMISTIC tasks through the SDK", () => {
  it("posts, shows the challenge window, settles after it, and both parties withdraw", async () => {
    const posted = await postAndCommit(GOOD);
    expect(posted.inputURI).toMatch(/^eai:\/\/blob\/sha256-/);
    const t = await requester.getTask(posted.taskId);
    expect(t.status).toBe("Committed");
    expect(t.challengeOpen).toBe(true);
    expect(t.provider?.toLowerCase()).toBe(alice.account.address.toLowerCase());
    expect(t.result).toEqual({ hash: GOOD, uri: "eai://blob/sha256-result" });
    expect(t.challengeEnds).toBeGreaterThan(t.chainTime);
    expect(t.challengeEnds - t.chainTime).toBeLessThanOrEqual(600);
    expect(t.phase).toMatch(/challenge window is open until/);
    expect(t.bond).toBe(parseEther("20")); // 2x the reward
    expect(t.challengeBond).toBe(parseEther("20")); // 100% of the provider bond

    // too early: a clear error before anything is sent
    await expect(requester.settle(posted.taskId)).rejects.toThrow(/challenge window is open until/);

    await time().increaseTo(t.challengeEnds + 1);
    await p.connection.networkHelpers.mine(1); // the audit draw's seed block (settle simulates on the latest block)
    const progress: string[] = [];
    const final = await requester.waitForOutcome(posted.taskId, {
      settle: true,
      pollMs: 10,
      timeoutMs: 20_000,
      onProgress: (x, changed) => changed && progress.push(x.status),
    });
    expect(final.status).toBe("Settled");
    expect(progress).toEqual(["Committed", "Settled"]);

    // provider: reward less 15% protocol and 5% creator fees
    const provider = createOptimisticClient({
      chain: hardhat,
      transport: custom(p.connection.provider),
      account: alice.account.address,
      deployment: p.deployment,
    });
    const credits = await provider.credits();
    expect(credits.market).toBe(parseEther("8"));
    const before = await balance(alice.account.address);
    const w = await provider.withdraw();
    expect(w.amount).toBe(parseEther("8"));
    expect(w.disputes).toBeNull();
    expect((await balance(alice.account.address)) - before).toBe(parseEther("8"));

    // requester has nothing to pull; settling again is answered by the decoded contract error
    await expect(requester.withdraw()).rejects.toThrow(/has no OPTIMISTIC credit to withdraw/);
    await expect(requester.settle(posted.taskId)).rejects.toThrow(
      `OptimisticMarket.settle: OPTIMISTIC task ${posted.taskId} is Settled, not Open, Claimed or Committed (OptimisticWrongStatus)`,
    );
  });

  it("a frivolous challenge by the requester loses its bond; the dispute is visible through show and follow", async () => {
    const posted = await postAndCommit(GOOD);
    const req = p.wallets.requester.account.address;
    const start = await balance(req); // the reward is already escrowed
    const check = await requester.canChallenge(posted.taskId);
    expect(check).toMatchObject({ ok: true, bond: parseEther("20"), byAuditor: false });

    const c = await requester.challenge(posted.taskId);
    expect(c.bond).toBe(parseEther("20"));
    expect(await balance(req)).toBe(start - parseEther("20"));
    const task = await requester.getTask(posted.taskId);
    expect(task.status).toBe("Challenged");
    expect(task.disputeId).toBe(c.disputeId);

    const events: DisputeEvent[] = [];
    const follow = requester.followDispute(c.disputeId, {
      pollMs: 20,
      timeoutMs: 60_000,
      onEvent: (e) => events.push(e),
    });

    let midway: Awaited<ReturnType<OptimisticClient["getDispute"]>> | undefined;
    let shown: unknown;
    const seated = await runJury(
      c.disputeId,
      new Map([
        [bob, GOOD],
        [carol, GOOD],
      ]),
      async () => {
        midway = await requester.getDispute(c.disputeId);
        const { ctx } = cliCtx([String(c.disputeId)]);
        shown = await DISPUTE_COMMANDS.show?.run(ctx);
      },
    );
    expect(midway).toMatchObject({
      open: true,
      drawsTaken: 3,
      jurySize: 3,
      commits: seated.length,
      reveals: 0,
    });
    expect(midway?.rounds[0]?.jurors.length).toBe(seated.length);
    expect(midway?.rounds[0]?.jurors.every((j) => j.committed && j.result === null)).toBe(true);
    expect(midway?.phase).toMatch(/revealing, 0\/\d revealed/);
    expect(shown).toMatchObject({ seats: "3/3", verdict: "pending", round: 1 });

    await requester.resolveDispute(c.disputeId);
    const resolved = await follow;
    expect(resolved.open).toBe(false);
    expect(resolved.verdict?.verdict).toBe("ProviderWins");
    expect(resolved.verdict?.majorityResult).toBe(GOOD);
    const kinds = events.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(["opened", "round-started"]);
    expect(kinds.filter((k) => k === "seat-taken")).toHaveLength(3);
    expect(kinds.filter((k) => k === "vote-committed")).toHaveLength(seated.length);
    expect(kinds.filter((k) => k === "vote-revealed")).toHaveLength(seated.length);
    expect(kinds.at(-1)).toBe("resolved");

    // The requester's bond is gone: nothing credited back to it anywhere, the provider got the winner's share.
    expect(await requester.credits()).toMatchObject({ market: 0n, disputes: 0n });
    expect((await requester.getTask(posted.taskId)).status).toBe("Settled");
    const toWinner = resolved.verdict?.toWinner ?? 0n;
    expect(toWinner).toBeGreaterThan(0n);
    expect(await requester.credits(alice.account.address)).toMatchObject({ disputes: toWinner });
    const credited = events
      .filter((e) => e.kind === "credited")
      .reduce((s, e) => s + (e.kind === "credited" ? e.amount : 0n), 0n);
    expect(credited).toBe(parseEther("20")); // the whole bond went to provider, jurors and treasury
    expect(await balance(req)).toBe(start - parseEther("20"));
  });

  it("a justified challenge overturns the result: refund, bond back and the provider's bond won", async () => {
    const posted = await postAndCommit(WRONG);
    // through the CLI command: check first, then challenge
    const { ctx: checkCtx } = cliCtx([String(posted.taskId)], { check: true });
    expect(await OPTIMISTIC_COMMANDS.challenge?.run(checkCtx)).toMatchObject({
      canChallenge: true,
      bond: parseEther("20"),
    });
    const { ctx, err } = cliCtx([String(posted.taskId)]);
    const c = (await OPTIMISTIC_COMMANDS.challenge?.run(ctx)) as { disputeId: bigint };
    expect(err.join("\n")).toContain(`eai dispute follow ${c.disputeId}`);
    await runJury(
      c.disputeId,
      new Map([
        [bob, GOOD],
        [carol, GOOD],
      ]),
    );
    const { ctx: followCtx, err: lines } = cliCtx([], {
      task: String(posted.taskId),
      poll: "10",
      timeout: "60",
    });
    const followed = DISPUTE_COMMANDS.follow?.run(followCtx);
    await requester.resolveDispute(c.disputeId);
    expect(await followed).toMatchObject({
      open: false,
      verdict: { verdict: "ChallengerWins", majorityResult: GOOD },
    });
    expect(lines.some((l) => /revealed 0x/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/resolved: ChallengerWins/);

    const t = await requester.getTask(posted.taskId);
    expect(t.status).toBe("Overturned");
    const d = await requester.getDispute(c.disputeId);
    const credits = await requester.credits();
    expect(credits.market).toBe(parseEther("10")); // the reward back
    expect(credits.disputes).toBe(parseEther("20") + (d.verdict?.toWinner ?? 0n));
    const before = await balance(p.wallets.requester.account.address);
    const { ctx: wCtx } = cliCtx([]);
    expect(await OPTIMISTIC_COMMANDS.withdraw?.run(wCtx)).toMatchObject({
      amount: credits.market + credits.disputes,
    });
    expect((await balance(p.wallets.requester.account.address)) - before).toBe(
      credits.market + credits.disputes,
    );
  });
});

describe("OPTIMISTIC jury rounds", () => {
  it("follows a failed round (no majority revealed: forfeits, a new jury) into the next round's verdict", async () => {
    const posted = await postAndCommit(GOOD);
    const c = await requester.challenge(posted.taskId);
    const events: DisputeEvent[] = [];
    const follow = requester.followDispute(c.disputeId, {
      pollMs: 20,
      timeoutMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    const votes = new Map([
      [bob, GOOD],
      [carol, GOOD],
    ]);
    // round 1: only the juror with the fewest draws reveals (1 of 3 draws, or none): no strict majority
    await runJury(c.disputeId, votes, undefined, (seated) =>
      seated.length === 2
        ? seated
            .filter((s) => s.draws === 1)
            .map((s) => s.juror)
            .slice(0, 1)
        : [],
    );
    const r1 = await requester.getDispute(c.disputeId);
    await time().increaseTo(r1.revealEnds + 1);
    expect(r1.phase).toMatch(/round 1: revealing/);
    await requester.resolveDispute(c.disputeId);
    const r2 = await requester.getDispute(c.disputeId);
    expect(r2).toMatchObject({ open: true, round: 1, drawsTaken: 0 });
    expect(r2.rounds.map((r) => r.failed)).toEqual([true, false]);
    // round 2: everyone reveals the provider's result
    await runJury(c.disputeId, votes);
    await requester.resolveDispute(c.disputeId);
    const resolved = await follow;
    expect(resolved.verdict?.verdict).toBe("ProviderWins");
    const kinds = events.map((e) => e.kind);
    expect(kinds).toContain("round-failed");
    expect(kinds).toContain("juror-penalized");
    expect(kinds.filter((k) => k === "round-started")).toHaveLength(2);
    expect(kinds.at(-1)).toBe("resolved");
  });
});

describe("OPTIMISTIC audits", () => {
  it("reports an audit drawn at settlement (seed block unreadable: always audited) and settles after it", async () => {
    const posted = await postAndCommit(GOOD);
    const t = await requester.getTask(posted.taskId);
    expect(t.audit.state).toBe("Undrawn");
    await p.connection.networkHelpers.mine(300); // the seed block's hash is gone: the fallback audits the task
    await time().increaseTo(t.challengeEnds + 1);
    const first = await requester.settle(posted.taskId);
    expect(first).toMatchObject({ status: "Committed", audit: "Selected" });
    expect(first.note).toMatch(/the audit draw selected task \d+: it settles after the audit/);
    const audited = await requester.getTask(posted.taskId);
    expect(audited.phase).toMatch(/waiting for the audit/);
    expect(audited.audit.words).toMatch(/selected for audit, no auditor yet/);
    await expect(requester.settle(posted.taskId)).rejects.toThrow(/too early, possible from/);
    await time().increaseTo(audited.audit.deadline + 1);
    const second = await requester.settle(posted.taskId);
    expect(second).toMatchObject({ status: "Settled", audit: "Unclaimed" });
  });
});

describe("OPTIMISTIC errors", () => {
  it("refuses a challenge after the window, before anything is sent, and decodes the contract's own error", async () => {
    const posted = await postAndCommit(GOOD);
    const t = await requester.getTask(posted.taskId);
    await time().increaseTo(t.challengeEnds + 1);
    const check = await requester.canChallenge(posted.taskId);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/the challenge window closed/);
    await expect(requester.challenge(posted.taskId)).rejects.toThrow(
      /challenge: task \d+: the challenge window closed/,
    );
    // the contract says the same (simulated directly, bypassing the SDK's check)
    const err = await p.publicClient
      .simulateContract({
        address: market,
        abi: optimisticMarketAbi,
        functionName: "challenge",
        args: [posted.taskId],
        account: p.wallets.requester.account.address,
      })
      .catch((e: unknown) => decodeEaiError(e, "OptimisticMarket.challenge"));
    expect((err as Error).message).toMatch(
      new RegExp(
        `^OptimisticMarket.challenge: OPTIMISTIC task ${posted.taskId}: the challenge window closed .* \\(OptimisticTooLate\\)$`,
      ),
    );
    await p.connection.networkHelpers.mine(1); // the audit draw's seed block
    expect((await requester.settle(posted.taskId)).status).toBe("Settled");
  });

  it("refuses challenges by an account that is neither requester nor provider, and by the provider itself", async () => {
    const posted = await postAndCommit(GOOD);
    const as = (w: Wallet) =>
      createOptimisticClient({
        chain: hardhat,
        transport: custom(p.connection.provider),
        account: w.account.address,
        deployment: p.deployment,
      });
    const outsider = as(p.wallets.creator); // holds no stake, registered no provider
    await expect(outsider.challenge(posted.taskId)).rejects.toThrow(
      /only its requester or a registered, staked provider may/,
    );
    await expect(as(alice).challenge(posted.taskId)).rejects.toThrow(/may not challenge its own result/);
    // a staked provider other than the task's may (any tier on the local chain): the check passes
    expect(await as(bob).canChallenge(posted.taskId)).toMatchObject({ ok: true });
    const { ctx } = cliCtx([String(posted.taskId)], { check: true, as: p.wallets.creator.account.address });
    expect(await OPTIMISTIC_COMMANDS.challenge?.run(ctx)).toMatchObject({
      canChallenge: false,
      bond: parseEther("20"),
    });
    // the contract agrees with the outsider check
    const err = await p.publicClient
      .simulateContract({
        address: market,
        abi: optimisticMarketAbi,
        functionName: "challenge",
        args: [posted.taskId],
        account: p.wallets.creator.account.address,
      })
      .catch((e: unknown) => decodeEaiError(e, "OptimisticMarket.challenge"));
    expect((err as Error).message).toMatch(
      /is not an active, unsuspended, unbanned provider .*\(OptimisticIneligible\)/,
    );
  });

  it("explains the custom errors of both contracts in words", () => {
    expect(explainContractError("OptimisticWrongStatus", [3n, 5], "OptimisticMarket.challenge")).toBe(
      "OPTIMISTIC task 3 is Settled, not Committed",
    );
    expect(explainContractError("DisputeNotYourTurn", [2n, "0xabc", 2n ** 256n - 1n])).toMatch(
      /no free seat will come to 0xabc/,
    );
    expect(explainContractError("DisputeBadReveal", [2n, "0xabc"])).toMatch(/does not match its commitment/);
    expect(explainContractError("DisputeNothingToWithdraw", ["0xabc"])).toBe(
      "0xabc has no DisputeManager credit to withdraw",
    );
    expect(explainContractError("OptimisticSelfChallenge", [1n, "0xabc"])).toMatch(
      /may not challenge its own result/,
    );
  });

  it("bad task and dispute ids", async () => {
    await expect(requester.getTask(999_999n)).rejects.toThrow("OPTIMISTIC task 999999 does not exist");
    await expect(requester.getTask(0)).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(requester.challenge(999_999n)).rejects.toThrow(/does not exist/);
    await expect(requester.getDispute(999_999n)).rejects.toThrow("dispute 999999 does not exist");
    await expect(
      requester.postTask({ model: p.onnxModel, input: new Uint8Array(), reward: 1n }),
    ).rejects.toThrow(/postTask: input: the input is empty/);
    const { ctx } = cliCtx(["abc"]);
    await expect(OPTIMISTIC_COMMANDS.status?.run(ctx)).rejects.toThrow(
      'TASK_ID: expected a decimal integer, got "abc"',
    );
    const { ctx: noDispute } = cliCtx([], { task: "1" });
    await expect(DISPUTE_COMMANDS.show?.run(noDispute)).rejects.toThrow(/has not been challenged/);
  });

  it("a deployment record without the OPTIMISTIC contracts is a clear error", async () => {
    const { OptimisticMarket: _m, DisputeManager: _d, ...rest } = p.deployment.contracts;
    const old = { ...p.deployment, contracts: rest as typeof p.deployment.contracts };
    expect(() =>
      createOptimisticClient({ chain: hardhat, transport: custom(p.connection.provider), deployment: old }),
    ).toThrow(/has no OptimisticMarket or DisputeManager: it predates OPTIMISTIC tasks/);
    const client = createEaiClient({
      chain: hardhat,
      transport: custom(p.connection.provider),
      deployment: old,
    });
    const { ctx } = cliCtx(["1"], {}, client);
    await expect(OPTIMISTIC_COMMANDS.status?.run(ctx)).rejects.toMatchObject({ code: "not-found" });
  });

  it("the CLI lists the groups and answers usage errors (exit 2) before touching the chain", async () => {
    const out: string[] = [];
    const errs: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => errs.push(l) };
    expect(await main(["optimistic", "--help"], {}, io)).toBe(0);
    for (const cmd of ["submit", "status", "challenge", "settle", "credits", "withdraw"])
      expect(out.join("\n")).toContain(cmd);
    expect(await main(["dispute", "--help"], {}, io)).toBe(0);
    for (const cmd of ["show", "follow", "resolve"]) expect(out.join("\n")).toContain(cmd);
    expect(await main(["optimistic", "status", "x1", "--rpc", "http://127.0.0.1:1"], {}, io)).toBe(2);
    expect(errs.at(-1)).toContain("TASK_ID: expected a decimal integer");
    expect(await main(["optimistic", "challenge", "1"], {}, io)).toBe(2);
    expect(errs.at(-1)).toContain("sends a transaction");
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    expect(
      await main(
        ["optimistic", "submit", "--model", "1", "--reward", "-1", "--input", "x", "--key", key],
        {},
        io,
      ),
    ).toBe(2);
    expect(errs.at(-1)).toContain("--reward: expected a positive amount in EAI");
  });

  it("eai optimistic submit posts a task from a file", async () => {
    const file = join(dir, "input.bin");
    await writeFile(file, bytes("cli input"));
    const { ctx } = cliCtx([], {
      model: String(p.onnxModel),
      reward: "2.5",
      input: file,
      deadline: "2h",
      "min-tier": "1",
    });
    const posted = (await OPTIMISTIC_COMMANDS.submit?.run(ctx)) as { taskId: bigint; txHash: Hex };
    const t = await requester.getTask(posted.taskId);
    expect(t).toMatchObject({ status: "Open", reward: parseEther("2.5"), minTier: 1 });
    expect(t.deadline - t.createdAt).toBeGreaterThanOrEqual(7190);
    const receipt = await p.publicClient.getTransactionReceipt({ hash: posted.txHash });
    const log = receipt.logs.find((l) => l.address.toLowerCase() === market.toLowerCase());
    expect(log && decodeEventLog({ abi: optimisticMarketAbi, ...log }).eventName).toBe("TaskPosted");
    const { ctx: statusCtx } = cliCtx([String(posted.taskId)]);
    const shown = await OPTIMISTIC_COMMANDS.status?.run(statusCtx);
    expect(shown).toMatchObject({ status: "Open", provider: "none yet" });
    // human and --json output: amounts in EAI, times in words / unix seconds + ISO
    const lines = human(shown, t.chainTime);
    expect(lines).toContain("reward: 2.5 EAI");
    expect(lines.find((l) => l.startsWith("deadline: "))).toMatch(/\(in (2 h|1 h 59 min)\)$/);
    const json = JSON.parse(toJson(shown)) as Record<string, unknown>;
    expect(json).toMatchObject({ taskId: String(posted.taskId), reward: "2.5", status: "Open" });
    expect(json.deadlineIso).toMatch(/^\d{4}-/);
  });
});
