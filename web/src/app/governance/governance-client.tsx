"use client";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { parseEventLogs } from "viem";
import { usePublicClient } from "wagmi";
import { eaiGovernorAbi, eaiTokenAbi } from "@eai/sdk/abis";
import type { EncodedProposal } from "@eai/sdk/tasks/request";
import { useWebConfig } from "@/components/config-context.tsx";
import { FormField, HexInput } from "@/components/form-field.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import { formatDuration, formatTime, formatToken } from "@/lib/format.ts";
import { parseAddress } from "@/lib/form-values.ts";
import { proposalTitle, proposalsResponseSchema, shortProposalId } from "@/lib/governance.ts";
import { useIndexerRest } from "@/lib/indexer.ts";
import { useTx } from "@/lib/use-tx.ts";
import { useWriteGate, type WriteGate } from "@/lib/wallet-gate.ts";
import { useGovernedValues, useProtocolAddresses, useVotingPower } from "./governance-data.ts";
import { ProposalForm } from "./proposal-form.tsx";
import styles from "./page.module.css";
import { useBusy } from "@/lib/use-busy.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

/** The governance page below its heading: voting power, proposals, and a form to create one. */
export function Governance() {
  const gate = useWriteGate();
  const power = useVotingPower(gate.account);
  return (
    <>
      <VotingPowerPanel gate={gate} power={power} />
      <ProposalsTable />
      <CreateProposalPanel gate={gate} votes={power?.votes} />
    </>
  );
}

function VotingPowerPanel({ gate, power }: { gate: WriteGate; power: ReturnType<typeof useVotingPower> }) {
  const tx = useTx();
  const [to, setTo] = useState("");
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useBusy();
  const token = useProtocolAddresses().EAIToken;
  const reasonId = useId();

  async function delegate(target: `0x${string}`, label: string) {
    await run(async () => {
      const receipt = await tx.run(label, {
        address: token,
        abi: eaiTokenAbi,
        functionName: "delegate",
        args: [target],
      });
      if (receipt) setTo("");
    });
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseAddress(to, "the address to delegate to");
    setError(parsed.error ?? null);
    if (parsed.value) await delegate(parsed.value, "Delegate");
  }

  const delegateText = !power
    ? "—"
    : power.delegate === ZERO
      ? "nobody: your EAI does not count as votes until you delegate (to yourself or someone else)"
      : gate.account && power.delegate.toLowerCase() === gate.account.toLowerCase()
        ? "yourself"
        : power.delegate;

  return (
    <section aria-labelledby="power-title" className={`card ${styles.section}`}>
      <h2 id="power-title">Your voting power</h2>
      {gate.account ? (
        <dl className={styles.facts}>
          <dt>EAI balance</dt>
          <dd>{power ? formatToken(power.balance) : "—"}</dd>
          <dt>Votes now</dt>
          <dd>{power ? formatToken(power.votes) : "—"}</dd>
          <dt>Delegated to</dt>
          <dd className="mono">{delegateText}</dd>
        </dl>
      ) : null}
      <p className="hint">
        Voting power is the EAI delegated to an account when a proposal&apos;s vote starts (its snapshot).
        Delegating moves no tokens.
      </p>
      <button
        type="button"
        className="btn"
        disabled={!gate.ready || busy}
        aria-describedby={gate.reason ? reasonId : undefined}
        onClick={() => gate.account && delegate(gate.account, "Delegate votes to myself")}
      >
        Delegate votes to myself
      </button>
      <form onSubmit={onSubmit} noValidate className={styles.inlineForm}>
        <FormField label="Delegate to address" error={error}>
          {(control) => (
            <HexInput control={control} value={to} disabled={busy} onChange={(e) => setTo(e.target.value)} />
          )}
        </FormField>
        <button
          type="submit"
          className="btn btn-secondary"
          disabled={!gate.ready || busy}
          aria-describedby={gate.reason ? reasonId : undefined}
        >
          Delegate
        </button>
      </form>
      {gate.reason ? (
        <p id={reasonId} className="hint">
          {gate.reason}
        </p>
      ) : null}
      <TxStatus state={tx.state} />
    </section>
  );
}

function ProposalsTable() {
  const proposals = useIndexerRest("/proposals", proposalsResponseSchema);
  const rows = proposals.data?.proposals ?? [];
  const now = proposals.data?.head.timestamp;
  return (
    <section aria-labelledby="proposals-title" className={styles.section}>
      <h2 id="proposals-title">Proposals</h2>
      {proposals.error ? (
        <p className="error" role="alert">
          Could not load proposals: {proposals.error.message}
        </p>
      ) : null}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Proposals</caption>
          <thead>
            <tr>
              <th scope="col">Proposal</th>
              <th scope="col">Title</th>
              <th scope="col">State</th>
              <th scope="col">For</th>
              <th scope="col">Against</th>
              <th scope="col">Abstain</th>
              <th scope="col">Voting</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {proposals.isPending ? "Loading…" : "No proposals yet."}
                </td>
              </tr>
            ) : (
              rows.map((p) => {
                const start = Number(p.voteStart);
                const end = Number(p.voteEnd);
                const voting =
                  now === undefined
                    ? formatTime(end)
                    : now < start
                      ? `starts in ${formatDuration(start - now)}`
                      : now <= end
                        ? `ends in ${formatDuration(end - now)}`
                        : `ended ${formatTime(end)}`;
                return (
                  <tr key={p.id}>
                    <td>
                      <Link href={`/governance/${p.id}`}>Proposal {shortProposalId(p.id)}</Link>
                    </td>
                    <td>{proposalTitle(p.description)}</td>
                    <td>{p.state}</td>
                    <td>{formatToken(p.forVotes)}</td>
                    <td>{formatToken(p.againstVotes)}</td>
                    <td>{formatToken(p.abstainVotes)}</td>
                    <td>{voting}</td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CreateProposalPanel({ gate, votes }: { gate: WriteGate; votes: bigint | undefined }) {
  const tx = useTx();
  const addresses = useProtocolAddresses();
  const { deployment } = useWebConfig();
  const publicClient = usePublicClient({ chainId: deployment.chainId });
  const { values, error } = useGovernedValues();
  const { busy, run } = useBusy();
  const [created, setCreated] = useState<{ id: bigint; label: string } | null>(null);
  const threshold = values?.proposalThreshold;
  const blockedReason =
    gate.reason ??
    (threshold !== undefined && votes !== undefined && votes < threshold
      ? `Proposing needs ${formatToken(threshold)} of voting power; you have ${formatToken(votes)}. Delegate votes first.`
      : null);

  async function onPropose(proposal: EncodedProposal, label: string): Promise<boolean> {
    setCreated(null);
    return run(async () => {
      // The id hashes the calls and the description: an identical proposal cannot be made twice.
      if (publicClient) {
        const id = await publicClient.readContract({
          address: addresses.EAIGovernor,
          abi: eaiGovernorAbi,
          functionName: "hashProposal",
          args: [proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash],
        });
        const exists = await publicClient
          .readContract({
            address: addresses.EAIGovernor,
            abi: eaiGovernorAbi,
            functionName: "state",
            args: [id],
          })
          .then(
            () => true,
            () => false, // GovernorNonexistentProposal
          );
        if (exists) {
          tx.setState({
            phase: "failed",
            label: "Create proposal",
            message: `an identical proposal exists already (Proposal ${shortProposalId(id)}): change the description to propose again.`,
          });
          return false;
        }
      }
      const receipt = await tx.run("Create proposal", {
        address: addresses.EAIGovernor,
        abi: eaiGovernorAbi,
        functionName: "propose",
        args: [proposal.targets, proposal.values, proposal.calldatas, proposal.description],
      });
      if (!receipt) return false;
      const [event] = parseEventLogs({
        abi: eaiGovernorAbi,
        logs: receipt.logs,
        eventName: "ProposalCreated",
      });
      if (event) setCreated({ id: event.args.proposalId, label });
      return true;
    });
  }

  return (
    <section aria-labelledby="create-title" className={`card ${styles.section}`}>
      <h2 id="create-title">Create a proposal</h2>
      <p className="hint">
        A proposal changes one governed parameter.{" "}
        {values
          ? `Voting starts ${formatDuration(values.votingDelay)} after it is created and lasts ${formatDuration(values.votingPeriod)}; a passed proposal is queued in the timelock and can be executed ${formatDuration(values.timelockDelay)} later. Quorum: ${(values.quorumNumerator * 100) / values.quorumDenominator}% of the supply.`
          : ""}
      </p>
      {error ? (
        <p className="error" role="alert">
          Could not read the governed parameters: {error.message.split("\n")[0]}
        </p>
      ) : null}
      <ProposalForm
        values={values}
        addresses={addresses}
        blockedReason={blockedReason}
        busy={busy}
        onPropose={onPropose}
      />
      <TxStatus state={tx.state} />
      {created ? (
        <p className="success">
          Created a proposal to change the {created.label.toLowerCase()}; it is listed above.{" "}
          <Link href={`/governance/${created.id}`}>Open it to vote ({shortProposalId(created.id)})</Link>
        </p>
      ) : null}
    </section>
  );
}
