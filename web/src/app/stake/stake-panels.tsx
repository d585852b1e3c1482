"use client";
import { useId, useState, type FormEvent } from "react";
import { usePublicClient, useWalletClient } from "wagmi";
import { eaiTokenAbi, stakingVaultAbi, taskMarketAbi } from "@eai/sdk/abis";
import { DecimalInput, FormField } from "@/components/form-field.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import { formatDuration, formatTime, formatToken } from "@/lib/format.ts";
import { parseTokenAmount } from "@/lib/form-values.ts";
import { describeError, useTx } from "@/lib/use-tx.ts";
import { signPermit } from "@eai/sdk/tasks/permit";
import { PERMIT_VALIDITY_SECONDS } from "@/lib/permit.ts";
import { PermitToggle } from "@/components/permit-toggle.tsx";
import { useWebConfig } from "@/components/config-context.tsx";
import { useWriteGate, type WriteGate } from "@/lib/wallet-gate.ts";
import { useAccountState, type AccountState } from "./account-state.ts";
import { OperatorRolePanel, OperatorsPanel } from "./operators-panel.tsx";
import { ProviderProfilePanel } from "./provider-profile.tsx";
import styles from "./page.module.css";
import { GatedButton } from "@/components/gated-button.tsx";
import { useBusy } from "@/lib/use-busy.ts";

type Addresses = ReturnType<typeof useAccountState>["addresses"];

/** The whole page below the heading: balances, stake, unbonding, profile, operators, earnings. */
export function StakeAndProvide() {
  const gate = useWriteGate();
  const { state, now, addresses, error } = useAccountState(gate.account);
  return (
    <>
      {!gate.account ? (
        <p className="hint">Connect a wallet to see your balances and to stake, register and withdraw.</p>
      ) : error ? (
        <p className="error" role="alert">
          Could not read your balances: {error.message.split("\n")[0]}
        </p>
      ) : null}
      <Balances state={state} now={now} />
      <div className={styles.columns}>
        <StakePanel gate={gate} state={state} addresses={addresses} />
        <UnbondPanel gate={gate} state={state} now={now} addresses={addresses} />
      </div>
      <ProviderProfilePanel gate={gate} state={state} registry={addresses.registry} />
      <OperatorsPanel gate={gate} state={state} registry={addresses.registry} />
      {/* A registered provider cannot operate for another one: the operator side is for other accounts. */}
      {state?.registered ? null : (
        <OperatorRolePanel gate={gate} state={state} registry={addresses.registry} />
      )}
      <EarningsPanel gate={gate} state={state} addresses={addresses} />
    </>
  );
}

function unbondingText(state: AccountState, now: number | undefined): string {
  const { amount, releaseAt } = state.unbonding;
  if (amount === 0n) return "Nothing is unbonding.";
  if (now === undefined) return `Unlocks at ${formatTime(releaseAt)}.`;
  if (now >= releaseAt) return "Unlocked: withdraw it below.";
  return `Unlocks in ${formatDuration(releaseAt - now)} (${formatTime(releaseAt)}).`;
}

function Balances({ state, now }: { state: AccountState | undefined; now: number | undefined }) {
  const v = (x: bigint | undefined) => (x === undefined ? "—" : formatToken(x));
  const items: { label: string; value: string; note?: string }[] = [
    { label: "EAI balance", value: v(state?.balance), note: "In your wallet." },
    {
      label: "Free stake",
      value: v(state?.free),
      note: state
        ? `Active stake not locked in bonds. Claiming needs at least ${formatToken(state.minProviderStake)} active stake.`
        : undefined,
    },
    { label: "Locked in bonds", value: v(state?.locked), note: "Bonds of tasks you have claimed." },
    {
      label: "Unbonding",
      value: v(state?.unbonding.amount),
      note: state ? unbondingText(state, now) : undefined,
    },
    {
      label: "Claimable earnings",
      value: v(state?.marketCredit),
      note: "Payments and refunds credited by the TaskMarket.",
    },
    {
      label: "Staking vault credit",
      value: v(state?.vaultCredit),
      note: "Credited by the staking vault: a challenger's or juror's share of stake slashed in a dispute or audit (a slashed task bond goes to the treasury in full).",
    },
  ];
  return (
    <section aria-labelledby="balances-title" className={styles.section}>
      <h2 id="balances-title">Balances</h2>
      <ul className={`grid ${styles.balances}`}>
        {items.map((item) => (
          <li key={item.label} className="card">
            <span className="muted">{item.label}</span>
            <span className="stat-value">{item.value}</span>
            {item.note ? <span className="hint">{item.note}</span> : null}
          </li>
        ))}
      </ul>
      {state ? (
        <p className="hint">
          Reputation tier {state.tier}
          {state.eligible ? "" : " (not eligible to claim: suspended or banned)"}.{" "}
          {state.operatorOf !== "0x0000000000000000000000000000000000000000" ? (
            <>
              This account is an operator of <span className="mono">{state.operatorOf}</span>.
            </>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}

function StakePanel({
  gate,
  state,
  addresses,
}: {
  gate: WriteGate;
  state?: AccountState;
  addresses: Addresses;
}) {
  const tx = useTx();
  const { deployment } = useWebConfig();
  const publicClient = usePublicClient({ chainId: deployment.chainId });
  const { data: walletClient } = useWalletClient({ chainId: deployment.chainId });
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useBusy();
  const [usePermit, setUsePermit] = useState(false);

  /** Signs a permit for exactly `value` and stakes with it: one transaction. */
  async function stakeWithPermit(value: bigint) {
    if (!publicClient || !walletClient || !gate.account) {
      tx.setState({ phase: "failed", label: "Permit signature", message: "the wallet is not ready yet" });
      return null;
    }
    let permit;
    try {
      const block = await publicClient.getBlock();
      permit = await signPermit(
        { publicClient, walletClient },
        {
          token: addresses.token,
          owner: gate.account,
          spender: addresses.vault,
          value,
          deadline: block.timestamp + BigInt(PERMIT_VALIDITY_SECONDS),
        },
      );
    } catch (err) {
      tx.setState({ phase: "failed", label: "Permit signature", message: describeError(err) });
      return null;
    }
    return tx.run("Stake", {
      address: addresses.vault,
      abi: stakingVaultAbi,
      functionName: "stakeWithPermit",
      args: [value, permit.deadline, permit.v, permit.r, permit.s],
    });
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseTokenAmount(amount, { max: state?.balance, maxLabel: "your balance" });
    setError(parsed.error ?? null);
    if (parsed.value === undefined || !state) return;
    const value = parsed.value;
    await run(async () => {
      if (usePermit) {
        if (await stakeWithPermit(value)) setAmount("");
        return;
      }
      if (state.vaultAllowance < value) {
        const approved = await tx.run("Approve EAI", {
          address: addresses.token,
          abi: eaiTokenAbi,
          functionName: "approve",
          args: [addresses.vault, value],
        });
        if (!approved) return;
      }
      const staked = await tx.run("Stake", {
        address: addresses.vault,
        abi: stakingVaultAbi,
        functionName: "stake",
        args: [value],
      });
      if (staked) setAmount("");
    });
  }

  return (
    <section aria-labelledby="stake-title" className={`card ${styles.section}`}>
      <h2 id="stake-title">Stake</h2>
      <form onSubmit={onSubmit} noValidate>
        <FormField
          label="Amount to stake (EAI)"
          error={error}
          hint="Moves EAI from your wallet into the staking vault. Stake backs the bonds of the tasks you claim."
        >
          {(control) => (
            <DecimalInput
              control={control}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              disabled={busy}
            />
          )}
        </FormField>
        <PermitToggle
          checked={usePermit}
          onChange={setUsePermit}
          amount="the stake"
          spender="vault"
          action="the stake transaction"
        />
        <GatedButton
          type="submit"
          className={`btn ${styles.action}`}
          disabled={!gate.ready || busy}
          blockedReason={
            // The amount is checked against the balance read from the chain: nothing to send before it is read.
            gate.reason ?? (state ? null : "Reading your balance and allowance…")
          }
        >
          Stake
        </GatedButton>
        <TxStatus state={tx.state} />
      </form>
    </section>
  );
}

function UnbondPanel({
  gate,
  state,
  now,
  addresses,
}: {
  gate: WriteGate;
  state?: AccountState;
  now?: number;
  addresses: Addresses;
}) {
  const tx = useTx();
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useBusy();
  const withdrawReasonId = useId();

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseTokenAmount(amount, { max: state?.free, maxLabel: "your free stake" });
    setError(parsed.error ?? null);
    if (parsed.value === undefined) return;
    const value = parsed.value;
    await run(async () => {
      const receipt = await tx.run("Request unbonding", {
        address: addresses.vault,
        abi: stakingVaultAbi,
        functionName: "requestUnstake",
        args: [value],
      });
      if (receipt) setAmount("");
    });
  }

  const unbonding = state?.unbonding.amount ?? 0n;
  const matured = state !== undefined && now !== undefined && now >= state.unbonding.releaseAt;
  const withdrawReason = !state
    ? null
    : unbonding === 0n
      ? "Nothing is unbonding."
      : !matured
        ? `The unbonding period has not passed: ${unbondingText(state, now)}`
        : null;

  return (
    <section aria-labelledby="unbond-title" className={`card ${styles.section}`}>
      <h2 id="unbond-title">Unbond</h2>
      <form onSubmit={onSubmit} noValidate>
        <FormField
          label="Amount to unbond (EAI)"
          error={error}
          hint={`Moves free stake into unbonding for ${state ? formatDuration(state.unbondingPeriod) : "the unbonding period"}. Adding to it restarts the period for the whole amount; unbonding stake no longer counts for claims but can still be slashed.`}
        >
          {(control) => (
            <DecimalInput
              control={control}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              disabled={busy}
            />
          )}
        </FormField>
        <GatedButton
          type="submit"
          className={`btn ${styles.action}`}
          disabled={!gate.ready || busy}
          blockedReason={gate.reason}
        >
          Request unbonding
        </GatedButton>
      </form>
      <div className={styles.buttonRow}>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={!gate.ready || busy || withdrawReason !== null}
          aria-describedby={withdrawReason ? withdrawReasonId : undefined}
          onClick={() =>
            run(() =>
              tx.run("Withdraw unbonded stake", {
                address: addresses.vault,
                abi: stakingVaultAbi,
                functionName: "withdraw",
                args: [],
              }),
            )
          }
        >
          Withdraw unbonded stake
        </button>
        {unbonding > 0n ? (
          <button
            type="button"
            className="btn btn-secondary"
            disabled={!gate.ready || busy}
            onClick={() =>
              run(() =>
                tx.run("Return unbonding stake", {
                  address: addresses.vault,
                  abi: stakingVaultAbi,
                  functionName: "cancelUnstake",
                  args: [unbonding],
                }),
              )
            }
          >
            Return {formatToken(unbonding)} to stake
          </button>
        ) : null}
      </div>
      {withdrawReason ? (
        <p id={withdrawReasonId} className="hint">
          {withdrawReason}
        </p>
      ) : null}
      <TxStatus state={tx.state} />
    </section>
  );
}

function EarningsPanel({
  gate,
  state,
  addresses,
}: {
  gate: WriteGate;
  state?: AccountState;
  addresses: Addresses;
}) {
  const tx = useTx();
  const { busy, run } = useBusy();
  const earnings = state?.marketCredit ?? 0n;
  const compensation = state?.vaultCredit ?? 0n;
  const reason = gate.reason ?? (state && earnings === 0n ? "Nothing to withdraw yet." : null);
  const creditReason = gate.reason ?? (state && compensation === 0n ? "No vault credit to claim." : null);

  return (
    <section aria-labelledby="earnings-title" className={`card ${styles.section}`}>
      <h2 id="earnings-title">Earnings</h2>
      <p>
        Claimable earnings: <strong>{state ? formatToken(earnings) : "—"}</strong>
      </p>
      <p className="hint">
        Provider payments, model-creator fees and refunds of your tasks are credited in the TaskMarket and
        pulled from there (nothing is pushed to you).
      </p>
      <GatedButton
        type="button"
        className={`btn ${styles.action}`}
        disabled={!gate.ready || busy || earnings === 0n}
        blockedReason={reason}
        onClick={() =>
          run(() =>
            tx.run("Withdraw earnings", {
              address: addresses.market,
              abi: taskMarketAbi,
              functionName: "withdraw",
              args: [addresses.token],
            }),
          )
        }
      >
        Withdraw earnings
      </GatedButton>
      <p>
        Staking vault credit: <strong>{state ? formatToken(compensation) : "—"}</strong>
      </p>
      <GatedButton
        type="button"
        className={`btn btn-secondary ${styles.action}`}
        disabled={!gate.ready || busy || compensation === 0n}
        blockedReason={creditReason}
        onClick={() =>
          run(() =>
            tx.run("Claim vault credit", {
              address: addresses.vault,
              abi: stakingVaultAbi,
              functionName: "claimCredit",
              args: [],
            }),
          )
        }
      >
        Claim vault credit
      </GatedButton>
      <TxStatus state={tx.state} />
    </section>
  );
}
