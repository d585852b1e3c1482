"use client";
import { useState, type FormEvent } from "react";
import type { Address } from "viem";
import { z } from "zod";
import { providerRegistryAbi } from "@eai/sdk/abis";
import { FormField, HexInput } from "@/components/form-field.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import { formatTime } from "@/lib/format.ts";
import { parseAddress } from "@/lib/form-values.ts";
import { useIndexerGraphql } from "@/lib/indexer.ts";
import { useTx } from "@/lib/use-tx.ts";
import type { WriteGate } from "@/lib/wallet-gate.ts";
import type { AccountState } from "./account-state.ts";
import styles from "./page.module.css";
import { GatedButton } from "@/components/gated-button.tsx";
import { useBusy } from "@/lib/use-busy.ts";

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

/** Operators: accounts that claim and deliver for this provider (the provider is bonded, paid and rated). */
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
      const receipt = await tx.run("Authorise operator", {
        address: registry,
        abi: providerRegistryAbi,
        functionName: "authorizeOperator",
        args: [value],
      });
      if (receipt) setOperator("");
    });
  }

  const operators = list.data?.operators.items ?? [];
  return (
    <section aria-labelledby="operators-title" className={`card ${styles.section}`}>
      <h2 id="operators-title">Operators</h2>
      <p className="hint">
        An operator account may claim tasks, deliver results and send heartbeats for you, so your worker can
        run with a hot key while this account keeps the stake. An account operates for one provider at most
        and cannot be a provider itself.
      </p>
      {registered ? (
        <div className="table-wrap">
          <table>
            <caption>Authorised operators</caption>
            <thead>
              <tr>
                <th scope="col">Operator</th>
                <th scope="col">Authorised</th>
                <th scope="col">
                  <span className={styles.srOnly}>Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {operators.length === 0 ? (
                <tr>
                  <td colSpan={3} className="muted">
                    {list.isPending
                      ? "Loading…"
                      : list.error
                        ? `Could not load operators: ${list.error.message}`
                        : "No operators."}
                  </td>
                </tr>
              ) : (
                operators.map((op) => (
                  <tr key={op.address}>
                    <td className="mono" id={`operator-${op.address}`}>
                      {op.address}
                    </td>
                    <td>{formatTime(op.authorizedAt)}</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-danger"
                        disabled={!gate.ready || busy}
                        aria-describedby={`operator-${op.address}`}
                        onClick={() =>
                          run(() =>
                            tx.run("Revoke operator", {
                              address: registry,
                              abi: providerRegistryAbi,
                              functionName: "revokeOperator",
                              args: [op.address as Address],
                            }),
                          )
                        }
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      ) : null}
      <form onSubmit={onSubmit} noValidate>
        <FormField
          label="Operator address"
          error={error}
          hint="The account to authorise, 0x followed by 40 hex digits."
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
          Authorise operator
        </GatedButton>
        <TxStatus state={tx.state} />
      </form>
    </section>
  );
}
