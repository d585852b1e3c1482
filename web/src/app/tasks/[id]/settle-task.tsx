"use client";
/**
 * "Settle" on the task page: anyone may settle a task whose time has come. What it sends is the SDK's
 * `settleDecision` (shared with `eai task settle` and the SDK client's settleTask) applied to the chain's state —
 * `getTaskState`, `roundOf` (REDUNDANT), the spec from `TaskSubmitted` and the latest block's time: finalizeTask,
 * expireTask, or nothing yet with the reason and the time from which something can be done.
 */
import { taskMarketAbi } from "@eai/sdk/abis";
import { settleDecision, type SettleDecision } from "@eai/sdk/tasks/settle";
import { useWebConfig } from "@/components/config-context.tsx";
import { GatedButton } from "@/components/gated-button.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import { formatTime } from "@/lib/format.ts";
import {
  CHAIN_TASK_STATUS,
  isFinalStatus,
  useChainNow,
  useChainTaskState,
  useSubmittedTask,
  useTaskRound,
} from "@/lib/task-chain.ts";
import { useTx, type TxState } from "@/lib/use-tx.ts";
import { useWriteGate } from "@/lib/wallet-gate.ts";
import styles from "../tasks.module.css";

export interface SettleViewProps {
  /** The SDK's decision for the task now; undefined while the chain is read. */
  decision: SettleDecision | undefined;
  /** The task's status (chain names), for the explanation. */
  status: string;
  /** Why the wallet cannot send (the write gate); null when it can. */
  gateReason: string | null;
  /** A transaction is in flight. */
  busy: boolean;
  tx: TxState;
  onSettle: (action: "finalize" | "expire") => void;
}

/** What pressing Settle does for an action, in words. */
export function settleExplanation(action: "finalize" | "expire", status: string): string {
  if (action === "finalize") {
    return (
      "Every provider revealed, or the reveal window ended. Settle sends finalizeTask: a result with a majority of " +
      "the votes is paid by votes and the other revealers' bonds are slashed to the treasury; a task-fault " +
      "majority refunds the requester minus the fault fee; without a majority the requester is refunded. " +
      "Providers that did not reveal lose their bonds."
    );
  }
  if (status === "Claimed") {
    return (
      "The claimant missed its delivery deadline. Settle sends expireTask: its bond is slashed to the treasury " +
      "and the task reopens, or is refunded when no new claim could finish before the deadline."
    );
  }
  return (
    "The deadline passed before the task was settled. Settle sends expireTask: the reward is credited back to " +
    "the requester and any claimants' bonds are returned."
  );
}

/** Why nothing can be settled yet, and from when (the button's hint). */
export function settleBlockedReason(decision: SettleDecision | undefined): string | null {
  if (decision === undefined) return "Reading the task's state from the chain…";
  if (decision.action !== "none") return null;
  const from =
    decision.notBefore !== undefined ? ` It can be settled from ${formatTime(decision.notBefore)}.` : "";
  return `Nothing to settle yet: ${decision.reason}.${from}`;
}

/** The Settle section, fed with data (see {@link SettleTask}). */
export function SettleView({ decision, status, gateReason, busy, tx, onSettle }: SettleViewProps) {
  const action = decision && decision.action !== "none" ? decision.action : null;
  const blocked = gateReason ?? settleBlockedReason(decision);
  return (
    <section className={styles.section} aria-labelledby="settle-heading" data-testid="settle">
      <h2 id="settle-heading">Settle</h2>
      <p className="hint">
        Anyone may settle a task whose time has come: finalize a REDUNDANT task once its reveals are in, or
        expire a claim past its delivery deadline or a task past its deadline.
      </p>
      {action && <p>{settleExplanation(action, status)}</p>}
      <GatedButton
        type="button"
        className="btn"
        disabled={busy || !action}
        blockedReason={action ? gateReason : blocked}
        onClick={() => {
          if (action) onSettle(action);
        }}
      >
        Settle
      </GatedButton>
      <TxStatus state={tx} />
    </section>
  );
}

/** The Settle section of a task that is not final yet (hidden once it is, unless a settlement was just sent). */
export function SettleTask({ taskId }: { taskId: bigint }) {
  const { deployment } = useWebConfig();
  const gate = useWriteGate();
  const tx = useTx();
  const chain = useChainTaskState(taskId);
  const status = chain.state?.status;
  const live = status !== undefined && status !== "None" && !isFinalStatus(status);
  const submitted = useSubmittedTask(taskId, live);
  const spec = submitted.data?.spec;
  const redundant = spec?.mode === 1;
  const round = useTaskRound(taskId, live && redundant, !live);
  const now = useChainNow(live);
  const busy = ["simulating", "signing", "pending"].includes(tx.state.phase);
  if (!live && tx.state.phase === "idle") return null;
  if (status === undefined || status === "None") return null;

  let decision: SettleDecision | undefined;
  if (!live) {
    decision = { action: "none", reason: `task ${taskId} is ${status}: already settled` };
  } else if (submitted.data === null) {
    decision = { action: "none", reason: "the chain has no TaskSubmitted event for this task" };
  } else if (spec && chain.state && now !== undefined && (!redundant || round.data)) {
    decision = settleDecision(taskId, {
      status: CHAIN_TASK_STATUS.indexOf(status),
      mode: spec.mode,
      phaseDeadline: chain.state.phaseDeadline,
      deadline: spec.deadline,
      revealWindow: spec.revealWindow,
      claims: chain.state.claims,
      reveals: round.data?.reveals,
      members: round.data?.members,
      now,
    });
  }
  return (
    <SettleView
      decision={decision}
      status={status}
      gateReason={gate.reason}
      busy={busy}
      tx={tx.state}
      onSettle={(action) => {
        if (!spec) return;
        const functionName = action === "finalize" ? "finalizeTask" : "expireTask";
        void tx.run(action === "finalize" ? "Settle (finalizeTask)" : "Settle (expireTask)", {
          address: deployment.contracts.TaskMarket.address,
          abi: taskMarketAbi,
          functionName,
          args: [taskId, spec],
        });
      }}
    />
  );
}
