"use client";
/**
 * Operators, two-step (ProviderRegistry): a provider *offers* an account the operator role (`authorizeOperator`),
 * the account *accepts* it (`acceptOperator`); until then the offer binds nobody. Either side ends it: the provider
 * withdraws an offer or revokes an operator (`revokeOperator`), the account declines an offer or renounces the role
 * (`renounceOperator`).
 *
 * Accepted operators come from the indexer. Open offers are not indexed yet, so they are rebuilt from the
 * registry's `OperatorOffered` events (by provider, or by operator) and kept only while `isOperatorOffered` still
 * says so; an operator can also check an offer from a provider it types in.
 */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import { usePublicClient } from "wagmi";
import { z } from "zod";
import { providerRegistryAbi } from "@eai/sdk/abis";
import { useWebConfig } from "@/components/config-context.tsx";
import { FormField, HexInput } from "@/components/form-field.tsx";
import { GatedButton } from "@/components/gated-button.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import { formatTime } from "@/lib/format.ts";
import { parseAddress } from "@/lib/form-values.ts";
import { useIndexerGraphql } from "@/lib/indexer.ts";
import { useBusy } from "@/lib/use-busy.ts";
import { useTx, type TxState } from "@/lib/use-tx.ts";
import type { WriteGate } from "@/lib/wallet-gate.ts";
import type { AccountState } from "./account-state.ts";
import styles from "./page.module.css";

const ZERO = "0x0000000000000000000000000000000000000000";

const OPERATORS_QUERY = `query Operators($provider: String!) {
  operators(where: { provider: $provider, authorized: true }, orderBy: "authorizedAt", orderDirection: "asc", limit: 100) {
    items { address authorizedAt }
  }
}`;

const operatorsSchema = z.object({
  operators: z.object({
    items: z.array(
      z.object({
        address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
        authorizedAt: z.number().int(),
      }),
    ),
  }),
});

/** An open (not accepted) offer: the other side's address and the block of the `OperatorOffered` event. */
export interface OpenOffer {
  address: string;
  blockNumber?: bigint;
}

/**
 * Open operator offers of `account`, as provider (offers it made) or as operator (offers made to it): the
 * `OperatorOffered` events it appears in, kept while `isOperatorOffered` still holds (withdrawn, declined and
 * accepted offers drop out). Newest first; refreshed every 5 s and after each transaction.
 */
function useOpenOffers(account: Address | undefined, side: "provider" | "operator", enabled: boolean) {
  const { chainId, deployment } = useWebConfig();
  const client = usePublicClient({ chainId });
  const registry = deployment.contracts.ProviderRegistry;
  return useQuery({
    queryKey: ["chain", "operator-offers", chainId, registry.address, side, account],
    enabled: enabled && Boolean(account) && Boolean(client),
    refetchInterval: 5_000,
    queryFn: async (): Promise<OpenOffer[]> => {
      if (!client || !account) return [];
      const events = await client.getContractEvents({
        address: registry.address,
        abi: providerRegistryAbi,
        eventName: "OperatorOffered",
        args: side === "provider" ? { provider: account } : { operator: account },
        fromBlock: BigInt(registry.startBlock),
        strict: true,
      });
      const latest = new Map<string, bigint>();
      for (const e of events) {
        const other = side === "provider" ? e.args.operator : e.args.provider;
        latest.set(other.toLowerCase(), e.blockNumber);
      }
      const candidates = [...latest.entries()];
      if (candidates.length === 0) return [];
      // One read per candidate (a local chain has no Multicall3 to batch them).
      const open = await Promise.all(
        candidates.map(([other]) =>
          client.readContract({
            address: registry.address,
            abi: providerRegistryAbi,
            functionName: "isOperatorOffered",
            args: side === "provider" ? [account, other as Address] : [other as Address, account],
          }),
        ),
      );
      return candidates
        .filter((_, i) => open[i])
        .map(([address, blockNumber]) => ({ address, blockNumber }))
        .sort((a, b) => (a.blockNumber < b.blockNumber ? 1 : -1));
    },
  });
}

// ─── provider side ───

export interface ProviderOperatorsViewProps {
  /** Accepted operators (indexer), undefined while loading. */
  operators: readonly { address: string; authorizedAt: number }[] | undefined;
  /** Open offers the provider made (chain), undefined while loading. */
  offers: readonly OpenOffer[] | undefined;
  /** Why the list could not be loaded. */
  error?: string | null;
  gateReady: boolean;
  busy: boolean;
  onRevoke: (operator: Address) => void;
  onWithdraw: (operator: Address) => void;
}

/** The provider's operators and open offers (caption "Operators and open offers"), each with its action. */
export function ProviderOperatorsView({
  operators,
  offers,
  error,
  gateReady,
  busy,
  onRevoke,
  onWithdraw,
}: ProviderOperatorsViewProps) {
  const rows = [
    ...(operators ?? []).map((op) => ({
      kind: "operator" as const,
      address: op.address,
      at: op.authorizedAt,
    })),
    ...(offers ?? []).map((o) => ({ kind: "offer" as const, address: o.address, block: o.blockNumber })),
  ];
  const loading = operators === undefined || offers === undefined;
  return (
    <div className="table-wrap">
      <table>
        <caption>Operators and open offers</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className={styles.srOnly}>Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
                {error
                  ? `Could not load operators: ${error}`
                  : loading
                    ? "Loading…"
                    : "No operators and no open offers."}
              </td>
            </tr>
          ) : (
            rows.map((row) => {
              const id = `operator-${row.kind}-${row.address}`;
              return (
                <tr key={`${row.kind}-${row.address}`}>
                  <td className="mono" id={id}>
                    {row.address}
                  </td>
                  <td>
                    {row.kind === "operator"
                      ? `Operator since ${formatTime(row.at)}`
                      : `Offered${row.block !== undefined ? ` in block ${row.block}` : ""}, not accepted yet`}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-danger"
                      disabled={!gateReady || busy}
                      aria-describedby={id}
                      onClick={() =>
                        row.kind === "operator"
                          ? onRevoke(row.address as Address)
                          : onWithdraw(row.address as Address)
                      }
                    >
                      {row.kind === "operator" ? "Revoke" : "Withdraw offer"}
                    </button>
                  </td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}

/** As a provider: offer the operator role, withdraw offers, revoke operators. */
export function OperatorsPanel({
  gate,
  state,
  registry,
}: {
  gate: WriteGate;
  state?: AccountState;
  registry: Address;
}) {
  const tx = useTx();
  const [operator, setOperator] = useState("");
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useBusy();
  const registered = state?.registered ?? false;
  const list = useIndexerGraphql(
    OPERATORS_QUERY,
    { provider: (gate.account ?? "").toLowerCase() },
    operatorsSchema,
    { enabled: Boolean(gate.account) && registered },
  );
  const offers = useOpenOffers(gate.account, "provider", registered);
  const reason = gate.reason ?? (state && !registered ? "Register as a provider first." : null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseAddress(operator, "the operator's address");
    let message = parsed.error ?? null;
    if (parsed.value && gate.account && parsed.value.toLowerCase() === gate.account.toLowerCase()) {
      message = "A provider cannot be its own operator: enter another account (e.g. the worker's hot key).";
    }
    setError(message);
    if (message || !parsed.value) return;
    const value = parsed.value;
    await run(async () => {
      const receipt = await tx.run("Offer operator role", {
        address: registry,
        abi: providerRegistryAbi,
        functionName: "authorizeOperator",
        args: [value],
      });
      if (receipt) setOperator("");
    });
  }

  const send = (label: string, who: Address) =>
    run(() =>
      tx.run(label, {
        address: registry,
        abi: providerRegistryAbi,
        functionName: "revokeOperator",
        args: [who],
      }),
    );

  return (
    <section aria-labelledby="operators-title" className={`card ${styles.section}`}>
      <h2 id="operators-title">Operators</h2>
      <p className="hint">
        An operator account may claim tasks, deliver results and send heartbeats for you, so your worker can
        run with a hot key while this account keeps the stake. Authorising one takes two steps: you offer the
        role here, then the operator accepts it from its own account on this page. An account operates for one
        provider at most and cannot be a provider itself; either side can end the link at any time.
      </p>
      {registered ? (
        <ProviderOperatorsView
          operators={list.data?.operators.items}
          offers={offers.data}
          error={list.error?.message ?? offers.error?.message ?? null}
          gateReady={gate.ready}
          busy={busy}
          onRevoke={(who) => void send("Revoke operator", who)}
          onWithdraw={(who) => void send("Withdraw operator offer", who)}
        />
      ) : null}
      <form onSubmit={onSubmit} noValidate>
        <FormField
          label="Operator address"
          error={error}
          hint="The account to offer the operator role to, 0x followed by 40 hex digits. Nothing changes for it until it accepts."
        >
          {(control) => (
            <HexInput
              control={control}
              value={operator}
              onChange={(e) => setOperator(e.target.value)}
              disabled={busy}
            />
          )}
        </FormField>
        <GatedButton
          type="submit"
          className={`btn ${styles.action}`}
          disabled={reason !== null || busy}
          blockedReason={reason}
        >
          Offer operator role
        </GatedButton>
        <TxStatus state={tx.state} />
      </form>
    </section>
  );
}

// ─── operator side ───

export interface OperatorRoleViewProps {
  /** The provider this account operates for (zero address or undefined: none). */
  operatorOf: string | undefined;
  /** Open offers made to this account, undefined while loading. */
  offers: readonly OpenOffer[] | undefined;
  error?: string | null;
  /** This account is a registered provider (it cannot accept). */
  registered: boolean;
  gateReason: string | null;
  busy: boolean;
  tx: TxState;
  onAccept: (provider: Address) => void;
  onDecline: (provider: Address) => void;
  onRenounce: (provider: Address) => void;
}

/** Why this account cannot accept an operator role now (null: it can). */
export function acceptBlockedReason(
  p: Pick<OperatorRoleViewProps, "operatorOf" | "registered" | "gateReason">,
) {
  if (p.gateReason) return p.gateReason;
  if (p.registered)
    return "This account is a registered provider: a provider cannot operate for another one.";
  if (p.operatorOf && p.operatorOf !== ZERO) {
    return `This account already operates for ${p.operatorOf}: renounce that role first.`;
  }
  return null;
}

/** The connected account as an operator: its role (renounce) or the offers made to it (accept, decline). */
export function OperatorRoleView(props: OperatorRoleViewProps) {
  const { operatorOf, offers, error, gateReason, busy, tx, onAccept, onDecline, onRenounce } = props;
  const operating = operatorOf !== undefined && operatorOf !== ZERO;
  const acceptReason = acceptBlockedReason(props);
  return (
    <>
      {operating ? (
        <div data-testid="operating-for">
          <p>
            This account is the operator of provider <span className="mono">{operatorOf}</span>: it claims and
            delivers tasks for it.
          </p>
          <GatedButton
            type="button"
            className="btn btn-danger"
            disabled={busy}
            blockedReason={gateReason}
            onClick={() => onRenounce(operatorOf as Address)}
          >
            Renounce operator role
          </GatedButton>
        </div>
      ) : null}
      <div className="table-wrap">
        <table>
          <caption>Operator offers to this account</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Offered</th>
              <th scope="col">
                <span className={styles.srOnly}>Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {!offers || offers.length === 0 ? (
              <tr>
                <td colSpan={3} className="muted">
                  {error ? `Could not load offers: ${error}` : offers ? "No open offers." : "Loading…"}
                </td>
              </tr>
            ) : (
              offers.map((o) => {
                const id = `offer-${o.address}`;
                return (
                  <tr key={o.address}>
                    <td className="mono" id={id}>
                      {o.address}
                    </td>
                    <td>{o.blockNumber !== undefined ? `block ${o.blockNumber}` : "open"}</td>
                    <td>
                      <div className={styles.buttonRow}>
                        <button
                          type="button"
                          className="btn"
                          disabled={busy || acceptReason !== null}
                          aria-describedby={id}
                          title={acceptReason ?? undefined}
                          onClick={() => onAccept(o.address as Address)}
                        >
                          Accept
                        </button>
                        <button
                          type="button"
                          className="btn btn-secondary"
                          disabled={busy || gateReason !== null}
                          aria-describedby={id}
                          onClick={() => onDecline(o.address as Address)}
                        >
                          Decline
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      {offers && offers.length > 0 && acceptReason ? <p className="hint">{acceptReason}</p> : null}
      <TxStatus state={tx} />
    </>
  );
}

/** As an operator: accept or decline offers made to this account, renounce the role it holds. */
export function OperatorRolePanel({
  gate,
  state,
  registry,
}: {
  gate: WriteGate;
  state?: AccountState;
  registry: Address;
}) {
  const { chainId } = useWebConfig();
  const client = usePublicClient({ chainId });
  const tx = useTx();
  const { busy, run } = useBusy();
  const offers = useOpenOffers(gate.account, "operator", Boolean(gate.account));
  const [provider, setProvider] = useState("");
  const [checkError, setCheckError] = useState<string | null>(null);
  const [checked, setChecked] = useState<OpenOffer[]>([]);
  const [checkNote, setCheckNote] = useState<string | null>(null);

  const send = (label: string, functionName: "acceptOperator" | "renounceOperator", who: Address) =>
    run(async () => {
      const receipt = await tx.run(label, {
        address: registry,
        abi: providerRegistryAbi,
        functionName,
        args: [who],
      });
      if (receipt) setChecked((c) => c.filter((o) => o.address.toLowerCase() !== who.toLowerCase()));
    });

  async function onCheck(e: FormEvent) {
    e.preventDefault();
    const parsed = parseAddress(provider, "the provider's address");
    setCheckError(parsed.error ?? null);
    setCheckNote(null);
    if (!parsed.value || !gate.account || !client) return;
    const who = parsed.value;
    try {
      const open = await client.readContract({
        address: registry,
        abi: providerRegistryAbi,
        functionName: "isOperatorOffered",
        args: [who, gate.account],
      });
      if (open) {
        setChecked((c) =>
          c.some((o) => o.address.toLowerCase() === who.toLowerCase())
            ? c
            : [...c, { address: who.toLowerCase() }],
        );
        setCheckNote(`${who} has offered this account the operator role.`);
      } else {
        setCheckNote(`${who} has no open operator offer to this account.`);
      }
    } catch (err) {
      setCheckError(`Could not read the offer: ${(err as Error).message.split("\n")[0]}`);
    }
  }

  const merged = offers.data
    ? [
        ...offers.data,
        ...checked.filter(
          (c) => !offers.data.some((o) => o.address.toLowerCase() === c.address.toLowerCase()),
        ),
      ]
    : checked.length > 0
      ? checked
      : undefined;
  return (
    <section aria-labelledby="operator-role-title" className={`card ${styles.section}`}>
      <h2 id="operator-role-title">Acting as an operator</h2>
      <p className="hint">
        When a provider offers this account its operator role, accept it here; the account then claims and
        delivers tasks for that provider (which stays bonded, paid and rated). Decline an offer you do not
        want, or renounce the role later.
      </p>
      <OperatorRoleView
        operatorOf={state?.operatorOf}
        offers={merged}
        error={offers.error?.message ?? null}
        registered={state?.registered ?? false}
        gateReason={gate.reason}
        busy={busy}
        tx={tx.state}
        onAccept={(who) => void send("Accept operator role", "acceptOperator", who)}
        onDecline={(who) => void send("Decline operator offer", "renounceOperator", who)}
        onRenounce={(who) => void send("Renounce operator role", "renounceOperator", who)}
      />
      <form onSubmit={onCheck} noValidate>
        <FormField
          label="Provider address"
          error={checkError}
          hint="Check whether a provider has offered this account its operator role (offers are also found above)."
        >
          {(control) => (
            <HexInput control={control} value={provider} onChange={(e) => setProvider(e.target.value)} />
          )}
        </FormField>
        <GatedButton
          type="submit"
          className={`btn btn-secondary ${styles.action}`}
          disabled={busy}
          blockedReason={gate.account ? null : "Connect a wallet to check offers to your account."}
        >
          Check offer
        </GatedButton>
        <p className="hint" aria-live="polite">
          {checkNote}
        </p>
      </form>
    </section>
  );
}
