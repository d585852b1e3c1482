"use client";
import { useId, useRef, useState, type FormEvent } from "react";
import type { Address } from "viem";
import type { ProtocolContract } from "@eai/sdk/deployments";
import { encodeParameterChange, type EncodedProposal } from "@eai/sdk/tasks/request";
import { FormField, focusFirstInvalid } from "@/components/form-field.tsx";
import {
  GOVERNED_PARAMETERS,
  describeCall,
  governedParameter,
  type GovernedValues,
} from "@/lib/governance.ts";
import { GatedButton } from "@/components/gated-button.tsx";

export interface ProposalFormProps {
  /** Today's values of the governed parameters (the form waits for them). */
  values: GovernedValues | undefined;
  addresses: Record<ProtocolContract, Address>;
  /** Why proposing is impossible now (wallet, threshold…); null when it is possible. */
  blockedReason: string | null;
  busy: boolean;
  /** Sends Governor.propose; resolves true when the proposal was created (the form then clears). */
  onPropose: (proposal: EncodedProposal, parameterLabel: string) => Promise<boolean>;
}

/**
 * "Create a proposal" from a form: a governed parameter, its new value (validated against the contract's bounds)
 * and a description, encoded into the single call the timelock will make. The encoded call is shown before
 * anything is signed.
 */
export function ProposalForm({ values, addresses, blockedReason, busy, onPropose }: ProposalFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const previewId = useId();
  const [parameterId, setParameterId] = useState<string>(GOVERNED_PARAMETERS[0]?.id ?? "");
  const [newValue, setNewValue] = useState("");
  const [description, setDescription] = useState("");
  const [errors, setErrors] = useState<{ value?: string; description?: string }>({});
  const parameter = governedParameter(parameterId);

  const built =
    parameter && values && newValue.trim() ? parameter.build(newValue, values, addresses) : undefined;
  let preview: string | null = null;
  if (built?.value) {
    try {
      const encoded = encodeParameterChange({ ...built.value, description: "preview" }, addresses);
      const [target, calldata] = [encoded.targets[0], encoded.calldatas[0]];
      if (target && calldata) preview = describeCall(target, calldata, 0n, addresses);
    } catch (err) {
      preview = `Cannot encode: ${(err as Error).message}`;
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!parameter || !values) return;
    const next: { value?: string; description?: string } = {};
    const result = newValue.trim()
      ? parameter.build(newValue, values, addresses)
      : { error: "Enter the new value." };
    if (result.error !== undefined) next.value = result.error;
    if (!description.trim()) {
      next.description =
        "Describe the change and why: voters read this, and it is hashed into the proposal id.";
    } else if (new TextEncoder().encode(description).length > 10_000) {
      next.description = "At most 10 000 bytes.";
    }
    setErrors(next);
    if (next.value || next.description || !result.value) {
      setTimeout(() => focusFirstInvalid(formRef.current), 0);
      return;
    }
    let encoded: EncodedProposal;
    try {
      encoded = encodeParameterChange({ ...result.value, description }, addresses);
    } catch (err) {
      setErrors({ value: (err as Error).message });
      return;
    }
    if (await onPropose(encoded, parameter.label)) {
      setNewValue("");
      setDescription("");
    }
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate>
      <FormField
        label="Parameter"
        hint={
          parameter && values
            ? `Now: ${parameter.describe(values)}. Changed by ${parameter.contract}.${parameter.setter}.`
            : "Reading today's values…"
        }
      >
        {(control) => (
          <select
            {...control}
            value={parameterId}
            disabled={busy}
            onChange={(e) => {
              setParameterId(e.target.value);
              setNewValue("");
              setErrors((er) => ({ ...er, value: undefined }));
            }}
          >
            {GOVERNED_PARAMETERS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField label="New value" hint={parameter?.hint} error={errors.value}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder={parameter && values ? parameter.current(values) : undefined}
            value={newValue}
            disabled={busy}
            onChange={(e) => {
              setNewValue(e.target.value);
              if (errors.value) setErrors((er) => ({ ...er, value: undefined }));
            }}
          />
        )}
      </FormField>
      <p id={previewId} className="hint mono" aria-live="polite" data-testid="proposal-preview">
        {built?.error !== undefined ? null : preview ? `The timelock will call ${preview}` : null}
      </p>
      <FormField
        label="Description"
        error={errors.description}
        hint="The first line is the title. Say what changes and why."
      >
        {(control) => (
          <textarea
            {...control}
            rows={4}
            value={description}
            disabled={busy}
            onChange={(e) => {
              setDescription(e.target.value);
              if (errors.description) setErrors((er) => ({ ...er, description: undefined }));
            }}
          />
        )}
      </FormField>
      <GatedButton
        type="submit"
        className="btn"
        disabled={busy || blockedReason !== null || !values}
        blockedReason={blockedReason}
      >
        Create proposal
      </GatedButton>
    </form>
  );
}
