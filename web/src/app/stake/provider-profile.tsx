"use client";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { Address } from "viem";
import { providerRegistryAbi } from "@eai/sdk/abis";
import { focusFirstInvalid, FormField, HexInput } from "@/components/form-field.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import {
  EMPTY_PROVIDER_FORM,
  MAX_GPU_MODEL_BYTES,
  MAX_METADATA_URI_BYTES,
  generateX25519KeyFile,
  parseProviderForm,
  providerFormFromProfile,
  type ProviderFieldErrors,
  type ProviderFormValues,
} from "@/lib/stake.ts";
import { describeError, useTx } from "@/lib/use-tx.ts";
import type { WriteGate } from "@/lib/wallet-gate.ts";
import type { AccountState } from "./account-state.ts";
import styles from "./page.module.css";
import { GatedButton } from "@/components/gated-button.tsx";
import { useBusy } from "@/lib/use-busy.ts";

const ZERO = "0x0000000000000000000000000000000000000000";

type FieldSpec = {
  key: keyof ProviderFormValues;
  label: string;
  hint: string;
  inputMode?: "numeric" | "decimal" | "text" | "url";
};

const FIELDS: FieldSpec[] = [
  {
    key: "cpuCores",
    label: "CPU cores",
    hint: "Logical cores the worker may use (at least 1).",
    inputMode: "numeric",
  },
  { key: "ramGb", label: "RAM (GB)", hint: "System memory in GiB, e.g. 16 or 7.5.", inputMode: "decimal" },
  { key: "storageGb", label: "Storage (GB)", hint: "Free disk space in GiB.", inputMode: "numeric" },
  {
    key: "gpuModel",
    label: "GPU model",
    hint: `Name of the GPU, empty without one (at most ${MAX_GPU_MODEL_BYTES} bytes).`,
    inputMode: "text",
  },
  { key: "vramGb", label: "VRAM (GB)", hint: "GPU memory in GiB; 0 without a GPU.", inputMode: "decimal" },
  {
    key: "computeCapability",
    label: "GPU compute capability",
    hint: "CUDA compute capability such as 8.9; 0 without a GPU.",
    inputMode: "decimal",
  },
  {
    key: "bandwidthMbps",
    label: "Bandwidth (Mbit/s)",
    hint: "Network bandwidth available to the worker.",
    inputMode: "numeric",
  },
  {
    key: "benchmarkScore",
    label: "Benchmark score",
    hint: "The score eai-worker measures at start-up (higher is faster); it decides your benchmark class.",
    inputMode: "numeric",
  },
  {
    key: "region",
    label: "Region",
    hint: "ISO 3166-1 numeric country code (e.g. 276 Germany, 840 United States); 0 for any region.",
    inputMode: "numeric",
  },
  {
    key: "metadataURI",
    label: "Metadata URI",
    hint: `Optional link to a description of your service (at most ${MAX_METADATA_URI_BYTES} bytes).`,
    inputMode: "url",
  },
];

function benchmarkClass(score: string, thresholds: { medium: number; high: number }): string | null {
  if (!/^\d+$/.test(score.trim())) return null;
  const s = Number(score);
  return s >= thresholds.high ? "High" : s >= thresholds.medium ? "Medium" : "Low";
}

/** Registration or update of the provider profile (every field of ProviderRegistry.register). */
export function ProviderProfilePanel({
  gate,
  state,
  registry,
}: {
  gate: WriteGate;
  state?: AccountState;
  registry: Address;
}) {
  const tx = useTx();
  const activeTx = useTx();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<ProviderFormValues>(EMPTY_PROVIDER_FORM);
  const [errors, setErrors] = useState<ProviderFieldErrors>({});
  const { busy, run } = useBusy();
  const [keyFile, setKeyFile] = useState<{ url: string; publicKey: string } | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  // Prefill once per (account, registration): later refetches must not overwrite what the user types.
  const profileKey = state?.registered
    ? `${gate.account}-${state.profile.registeredAt}`
    : `${gate.account}-new`;
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  if (state && loadedFor !== profileKey) {
    setLoadedFor(profileKey);
    setValues(
      state.registered
        ? providerFormFromProfile({
            resources: state.profile.resources,
            gpuModel: state.profile.gpuModel,
            x25519PublicKey: state.profile.x25519PublicKey,
            metadataURI: state.profile.metadataURI,
          })
        : EMPTY_PROVIDER_FORM,
    );
    setErrors({});
  }
  useEffect(() => () => (keyFile ? URL.revokeObjectURL(keyFile.url) : undefined), [keyFile]);

  const registered = state?.registered ?? false;
  const isOperator = !registered && state !== undefined && state.operatorOf !== ZERO;
  const action = registered ? "Update provider profile" : "Register as provider";
  const reason =
    gate.reason ??
    (isOperator
      ? `This account is an operator of ${state?.operatorOf}; operators cannot register as providers.`
      : null);
  const currentKey = registered ? (state?.profile.x25519PublicKey ?? null) : null;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseProviderForm(values, currentKey);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      setTimeout(() => focusFirstInvalid(formRef.current), 0);
      return;
    }
    setErrors({});
    await run(async () => {
      const p = parsed.value;
      const receipt = await tx.run(action, {
        address: registry,
        abi: providerRegistryAbi,
        functionName: registered ? "updateProfile" : "register",
        args: [p.resources, p.gpuModel, p.x25519PublicKey, p.metadataURI],
      });
      if (receipt) setValues((v) => ({ ...v, x25519PublicKey: "" }));
    });
  }

  async function generateKey() {
    setKeyError(null);
    try {
      const file = await generateX25519KeyFile();
      const blob = new Blob([`${JSON.stringify(file)}\n`], { type: "application/json" });
      setKeyFile({ url: URL.createObjectURL(blob), publicKey: file.publicKey });
      setValues((v) => ({ ...v, x25519PublicKey: file.publicKey }));
      setErrors((er) => ({ ...er, x25519PublicKey: undefined }));
    } catch (err) {
      setKeyError(describeError(err));
    }
  }

  const cls = state ? benchmarkClass(values.benchmarkScore, state.classThresholds) : null;

  return (
    <section aria-labelledby="profile-title" className={`card ${styles.section}`}>
      <h2 id="profile-title">Provider profile</h2>
      <p className="hint">
        {registered
          ? `Registered${state?.profile.active ? " and accepting work" : ", deactivated (not accepting work)"}. Update any field; the X25519 key stays unless you enter a new one.`
          : "Register this account as a compute provider. eai-worker can do this for you at start-up; this form does the same from the browser."}
      </p>
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <fieldset disabled={busy} className={styles.fieldsGrid}>
          <legend className={styles.srOnly}>Resources and profile</legend>
          {FIELDS.map((f) => (
            <FormField
              key={f.key}
              label={f.label}
              error={errors[f.key]}
              hint={
                f.key === "benchmarkScore" && state
                  ? `${f.hint} Class now: ${cls ?? "—"} (Medium from ${state.classThresholds.medium}, High from ${state.classThresholds.high}).`
                  : f.hint
              }
            >
              {(control) => (
                <input
                  {...control}
                  type="text"
                  inputMode={f.inputMode}
                  autoComplete="off"
                  value={values[f.key]}
                  onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
                />
              )}
            </FormField>
          ))}
          <div className={styles.wide}>
            <FormField
              label={registered ? "X25519 public key (optional)" : "X25519 public key"}
              error={errors.x25519PublicKey}
              hint={
                <>
                  Requesters encrypt private inputs to this key; your worker holds the private half in its
                  x25519.json.{" "}
                  {registered ? "Leave empty to keep the registered key" : "Paste the worker's public key"}
                  {state?.profile.x25519PublicKey && registered ? (
                    <>
                      {" "}
                      (<span className="mono">{state.profile.x25519PublicKey}</span>)
                    </>
                  ) : null}
                  , or generate a new pair here and save the file into the worker&apos;s state directory.
                </>
              }
            >
              {(control) => (
                <HexInput
                  control={control}
                  value={values.x25519PublicKey}
                  onChange={(e) => setValues((v) => ({ ...v, x25519PublicKey: e.target.value }))}
                />
              )}
            </FormField>
            <button type="button" className="btn btn-secondary" onClick={generateKey}>
              Generate a key pair in this browser
            </button>
            {keyError ? (
              <p className="error" role="alert">
                {keyError}
              </p>
            ) : null}
            {keyFile ? (
              <p className="success" role="status">
                New key {keyFile.publicKey.slice(0, 10)}… filled in.{" "}
                <a href={keyFile.url} download="x25519.json">
                  Save x25519.json
                </a>{" "}
                now and copy it into your worker&apos;s state directory (keep it private, mode 0600): it is
                not stored anywhere else, and without it encrypted inputs cannot be read.
              </p>
            ) : null}
          </div>
        </fieldset>
        <GatedButton
          type="submit"
          className={`btn ${styles.action}`}
          disabled={reason !== null || busy}
          blockedReason={reason}
        >
          {action}
        </GatedButton>
        <TxStatus state={tx.state} />
      </form>
      {registered && state ? (
        <div className={styles.buttonRow}>
          <button
            type="button"
            className={state.profile.active ? "btn btn-danger" : "btn btn-secondary"}
            disabled={!gate.ready || busy}
            onClick={async () => {
              await run(async () => {
                await activeTx.run(state.profile.active ? "Deactivate provider" : "Reactivate provider", {
                  address: registry,
                  abi: providerRegistryAbi,
                  functionName: state.profile.active ? "deactivate" : "reactivate",
                  args: [],
                });
              });
            }}
          >
            {state.profile.active ? "Deactivate provider" : "Reactivate provider"}
          </button>
          <TxStatus state={activeTx.state} />
        </div>
      ) : null}
    </section>
  );
}
