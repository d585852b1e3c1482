"use client";
import Link from "next/link";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import type { TransactionReceipt } from "viem";
import { usePublicClient, useReadContract, useReadContracts, useWalletClient } from "wagmi";
import { eaiTokenAbi, modelRegistryAbi, taskMarketAbi } from "@eai/sdk/abis";
import { buildTaskRequest, encodeZkInput, submittedTaskFromLogs } from "@eai/sdk/tasks/request";
import { checkServeable, type ServeableReport, type ServeableRequest } from "@eai/sdk/tasks/serveable";
import { useContractAddress, useWebConfig } from "@/components/config-context.tsx";
import { DigitPad, blankImage, isBlank } from "@/components/digit-pad.tsx";
import { DecimalInput, FormField, focusFirstInvalid } from "@/components/form-field.tsx";
import { TaskLive } from "@/components/task-live.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import { formatDuration, formatToken } from "@/lib/format.ts";
import { parseScaled, parseTokenAmount } from "@/lib/form-values.ts";
import { useIndexerGraphql, useIndexerRest } from "@/lib/indexer.ts";
import { leaderboardSchema, parser } from "@/lib/indexer-views.ts";
import { signPermit } from "@eai/sdk/tasks/permit";
import { PERMIT_VALIDITY_SECONDS } from "@/lib/permit.ts";
import { PermitToggle } from "@/components/permit-toggle.tsx";
import {
  MAX_INPUT_BYTES,
  MODELS_QUERY,
  countEligibleProviders,
  defaultExecMinutes,
  minimumExecWindow,
  modeOf,
  modelLabel,
  modelsSchema,
  parseSubmitForm,
  ratedStatus,
  rewardValueOf,
  uploadInput,
  type SubmitFieldErrors,
  type SubmitFormValues,
} from "@/lib/submit.ts";
import { describeError, useTx } from "@/lib/use-tx.ts";
import { useWriteGate } from "@/lib/wallet-gate.ts";
import { PriceRules, type MarketRules } from "./price-rules.tsx";
import styles from "./page.module.css";
import { GatedButton } from "@/components/gated-button.tsx";

type InputErrors = { model?: string; drawing?: string; file?: string };

/** The leaderboard page the eligible-provider count is taken from (the indexer's maximum). */
const ELIGIBLE_QUERY = "/leaderboard?active=true&limit=500";

/** What `checkServeable` says, as the submit button's hint: why the task cannot be served (null: it can). */
export function serveableBlockReason(
  report: ServeableReport | undefined,
  reading: string | null,
): string | null {
  if (report === undefined) return reading;
  if (report.errors.length === 0) return null;
  return `This task cannot be served: ${report.errors.join("; ")}.`;
}

/** The warnings of `checkServeable` (the task can still be served), shown next to the submit button. */
export function ServeableWarnings({ report }: { report: ServeableReport | undefined }) {
  if (!report || report.warnings.length === 0) return null;
  return (
    <div className={styles.warnings} data-testid="serveable-warnings">
      <p>Before you submit:</p>
      <ul>
        {report.warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

/** The "Submit a task" form: model, input, price and terms, payment; then the new task followed live. */
export function SubmitTask() {
  const { deployment } = useWebConfig();
  const market = useContractAddress("TaskMarket");
  const token = useContractAddress("EAIToken");
  const models = useContractAddress("ModelRegistry");
  const gate = useWriteGate();
  const tx = useTx();
  const publicClient = usePublicClient({ chainId: deployment.chainId });
  const { data: walletClient } = useWalletClient({ chainId: deployment.chainId });
  const formRef = useRef<HTMLFormElement>(null);
  const drawingErrorId = useId();

  const modelList = useIndexerGraphql(MODELS_QUERY, {}, modelsSchema, { refetchInterval: 15_000 });
  const activeModels = useMemo(
    () => (modelList.data?.models.items ?? []).filter((m) => m.active),
    [modelList.data],
  );
  const [modelId, setModelId] = useState<string>("");
  const model = activeModels.find((m) => m.id === modelId) ?? activeModels[0];
  const mode = model ? modeOf(model.kind) : "zk";

  const [image, setImage] = useState<Uint8Array>(blankImage);
  const [file, setFile] = useState<File | null>(null);
  /** The chosen file's bytes (read once chosen, so the input can be checked against the model before anything). */
  const [fileBytes, setFileBytes] = useState<Uint8Array | null>(null);
  const chosenFile = useRef<File | null>(null);
  const [execTouched, setExecTouched] = useState(false);
  const [values, setValues] = useState<SubmitFormValues>({
    reward: "1",
    deadlineHours: "24",
    execMinutes: "60",
    redundancy: "3",
    minTier: "1",
  });
  const [usePermit, setUsePermit] = useState(false);
  const [errors, setErrors] = useState<SubmitFieldErrors & InputErrors>({});
  const [busy, setBusy] = useState(false);
  const [stage, setStage] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<{ taskId: bigint; receipt: TransactionReceipt } | null>(null);

  const chain = useReadContracts({
    allowFailure: false,
    contracts: [
      { address: market, abi: taskMarketAbi, functionName: "marketParams" },
      { address: market, abi: taskMarketAbi, functionName: "stakeParams" },
      { address: market, abi: taskMarketAbi, functionName: "paymentToken", args: [token] },
      { address: market, abi: taskMarketAbi, functionName: "paused" },
      { address: market, abi: taskMarketAbi, functionName: "settlementParams" },
    ],
    query: { refetchInterval: 10_000 },
  });
  // The selected model as the registry has it now: kind, active, approved, input size, minimum execution window.
  const chainModel = useReadContract({
    address: models,
    abi: modelRegistryAbi,
    functionName: "getModel",
    args: model ? [BigInt(model.id)] : undefined,
    query: { enabled: Boolean(model), refetchInterval: 15_000 },
  });
  const board = useIndexerRest(mode === "redundant" ? ELIGIBLE_QUERY : null, parser(leaderboardSchema), {
    refetchInterval: 15_000,
  });
  const balance = useReadContract({
    address: token,
    abi: eaiTokenAbi,
    functionName: "balanceOf",
    args: gate.account ? [gate.account] : undefined,
    query: { enabled: Boolean(gate.account) },
  });

  const [params, stakeParams, payment, paused, settlement] = chain.data ?? [];
  const rules: MarketRules | undefined =
    params && stakeParams && settlement
      ? {
          ...params,
          bondFloor: stakeParams[0],
          faultFeeBps: settlement.faultFeeBps,
          fillTimeout: settlement.fillTimeout,
        }
      : undefined;
  const onChain = model && chainModel.data ? chainModel.data : undefined;
  const minExec =
    params && onChain ? minimumExecWindow(params.minExecWindow, onChain.minExecWindow) : undefined;
  // The proposed execution window respects the market's and the model's minimum until the user types one.
  useEffect(() => {
    if (minExec !== undefined && !execTouched) {
      setValues((v) => ({ ...v, execMinutes: defaultExecMinutes(minExec) }));
    }
  }, [minExec, execTouched]);
  const ctx = {
    mode,
    priorityWindow: params?.priorityWindow ?? 0,
    revealWindow: params?.revealWindow ?? 0,
    maxRedundancy: params?.maxRedundancy ?? 9,
    maxTaskLifetime: params?.maxTaskLifetime,
    balance: balance.data,
  };
  const live = parseSubmitForm(values, ctx);
  const liveReward = live.ok ? live.value.reward : undefined;
  const bond = useReadContract({
    address: market,
    abi: taskMarketAbi,
    functionName: "bondFor",
    args: liveReward !== undefined ? [token, liveReward, mode === "zk" ? 0 : 1] : undefined,
    query: { enabled: liveReward !== undefined },
  });

  const set = (key: keyof SubmitFormValues) => (e: { target: { value: string } }) => {
    if (key === "execMinutes") setExecTouched(true);
    setValues((v) => ({ ...v, [key]: e.target.value }));
  };

  // What checkServeable needs besides the model: the typed window and reward (each on its own, so one bad field does
  // not hide the others' problems), the input bytes and how many providers could claim the task now.
  const execWindow = parseScaled(values.execMinutes, "the execution window", 60, 60, 2 ** 32 - 1).value;
  const typedReward = parseTokenAmount(values.reward).value;
  const rewardValue =
    typedReward !== undefined && payment ? rewardValueOf(typedReward, payment[1]) : undefined;
  const redundancy = mode === "redundant" ? Number(values.redundancy) || 3 : 1;
  const minTier = Number(values.minTier) || 1;
  const eligible =
    mode === "redundant" && board.data && stakeParams && onChain
      ? countEligibleProviders(
          board.data,
          { minTier, minResources: onChain.minResources, minProviderStake: stakeParams[1] },
          redundancy,
        )
      : undefined;
  const serveable = (
    m: NonNullable<typeof onChain>,
    input: Uint8Array | undefined,
  ): ServeableRequest | undefined =>
    model && params && execWindow !== undefined
      ? {
          modelId: BigInt(model.id),
          model: {
            kind: m.kind,
            active: m.active,
            approved: m.approved,
            inputSize: m.inputSize,
            minExecWindow: m.minExecWindow,
          },
          mode,
          execWindow,
          marketMinExecWindow: params.minExecWindow,
          private: false,
          input: mode === "redundant" ? input : undefined,
          redundancy: mode === "redundant" ? redundancy : undefined,
          eligibleProviders: eligible,
          rewardValue,
          minRatedValue: settlement?.minRatedValue,
        }
      : undefined;
  const request = onChain ? serveable(onChain, fileBytes ?? undefined) : undefined;
  const report = request ? checkServeable(request) : undefined;
  const rated =
    onChain && settlement
      ? ratedStatus({ approved: onChain.approved, rewardValue, minRatedValue: settlement.minRatedValue })
      : undefined;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const parsed = parseSubmitForm(values, ctx);
    const inputErrors: InputErrors = {};
    if (!model) inputErrors.model = "Choose a model.";
    else if (mode === "zk" && isBlank(image))
      inputErrors.drawing = "Draw a digit or use a sample digit first.";
    else if (mode === "redundant") {
      if (!file) inputErrors.file = "Choose the input file.";
      else if (file.size === 0) inputErrors.file = "The file is empty.";
      else if (file.size > MAX_INPUT_BYTES) inputErrors.file = "The file is larger than 4 MiB.";
    }
    const allErrors = { ...(parsed.ok ? {} : parsed.errors), ...inputErrors };
    setErrors(allErrors);
    if (!parsed.ok || Object.keys(inputErrors).length > 0 || !model) {
      // Errors render first; then focus the first invalid control.
      setTimeout(() => focusFirstInvalid(formRef.current), 0);
      return;
    }
    if (!gate.ready || !gate.account || !publicClient || !walletClient) {
      tx.setState({
        phase: "failed",
        label: "Submit task",
        message: gate.reason ?? "Connect a wallet first.",
      });
      return;
    }
    const account = gate.account;
    const form = parsed.value;
    setBusy(true);
    setSubmitted(null);
    tx.reset();
    try {
      // Fresh reads, and checkServeable on them, before anything is uploaded or signed.
      setStage("Checking the task against the model and the market…");
      const [block, onChainModel] = await Promise.all([
        publicClient.getBlock({ blockTag: "latest" }),
        publicClient.readContract({
          address: models,
          abi: modelRegistryAbi,
          functionName: "getModel",
          args: [BigInt(model.id)],
        }),
      ]);
      const input = mode === "redundant" ? new Uint8Array(await (file as File).arrayBuffer()) : undefined;
      const fresh = serveable(onChainModel, input);
      const check = fresh ? checkServeable(fresh) : undefined;
      if (!check || check.errors.length > 0) {
        tx.setState({
          phase: "failed",
          label: "Submit task",
          message: serveableBlockReason(check, "the market's rules are not read yet") ?? "",
        });
        return;
      }
      let inputURI: string;
      let inputCommitment: bigint;
      if (mode === "zk") {
        setStage("Computing the input commitment (Poseidon, random salt)…");
        const encoded = await encodeZkInput({ image });
        setStage("Uploading the input…");
        const uploaded = await uploadInput(encoded.blob);
        inputURI = uploaded.uri;
        inputCommitment = encoded.commitment;
      } else {
        setStage("Uploading the input…");
        const uploaded = await uploadInput(input as Uint8Array);
        inputURI = uploaded.uri;
        inputCommitment = uploaded.commitment;
      }
      const now = Number(block.timestamp);
      const request = buildTaskRequest({
        modelId: BigInt(model.id),
        paymentToken: token,
        reward: form.reward,
        mode,
        deadline: now + form.deadlineIn,
        execWindow: form.execWindow,
        redundancy: form.redundancy,
        minTier: form.minTier,
        modelMinResources: onChainModel.minResources,
        inputCommitment,
        inputURI,
      });
      let receipt: TransactionReceipt | null;
      if (usePermit) {
        setStage("Sign the permit in your wallet (no transaction)…");
        let permit;
        try {
          permit = await signPermit(
            { publicClient, walletClient },
            {
              token,
              owner: account,
              spender: market,
              value: form.reward,
              deadline: BigInt(now + PERMIT_VALIDITY_SECONDS),
            },
          );
        } catch (err) {
          tx.setState({ phase: "failed", label: "Permit signature", message: describeError(err) });
          return;
        }
        setStage(null);
        receipt = await tx.run("Submit task", {
          address: market,
          abi: taskMarketAbi,
          functionName: "submitTaskWithPermit",
          args: [request, permit.deadline, permit.v, permit.r, permit.s],
        });
      } else {
        const allowance = await publicClient.readContract({
          address: token,
          abi: eaiTokenAbi,
          functionName: "allowance",
          args: [account, market],
        });
        setStage(null);
        if (allowance < form.reward) {
          const approved = await tx.run("Approve EAI", {
            address: token,
            abi: eaiTokenAbi,
            functionName: "approve",
            args: [market, form.reward],
          });
          if (!approved) return;
        }
        receipt = await tx.run("Submit task", {
          address: market,
          abi: taskMarketAbi,
          functionName: "submitTask",
          args: [request],
        });
      }
      if (!receipt) return;
      const task = submittedTaskFromLogs(receipt.logs, market);
      if (!task) {
        tx.setState({
          phase: "failed",
          label: "Submit task",
          message: `confirmed, but the receipt of ${receipt.transactionHash} has no TaskSubmitted event`,
        });
        return;
      }
      setSubmitted({ taskId: task.taskId, receipt });
    } catch (err) {
      tx.setState({ phase: "failed", label: "Submit task", message: describeError(err) });
    } finally {
      setStage(null);
      setBusy(false);
    }
  }

  const reading = chainModel.error
    ? `Could not read model #${model?.id} from the chain: ${chainModel.error.message.split("\n")[0]}`
    : chain.error
      ? null
      : model
        ? "Reading the model and the market's rules from the chain…"
        : null;
  const serveBlock = model ? serveableBlockReason(report, reading) : null;
  const submitBlocked =
    !gate.ready || busy || paused === true || payment?.[0] === false || serveBlock !== null;
  const blockReason =
    gate.reason ??
    (paused === true
      ? "Submissions are paused by the market's guardian."
      : payment?.[0] === false
        ? "EAI is not an allowed payment token of this market."
        : serveBlock);

  return (
    <>
      <form ref={formRef} onSubmit={onSubmit} noValidate className={styles.form}>
        <fieldset disabled={busy} className={styles.fieldset}>
          <legend className={styles.legend}>
            <h2>Model and input</h2>
          </legend>
          <FormField
            label="Model"
            error={
              errors.model ??
              (modelList.error ? `Models could not be loaded: ${modelList.error.message}` : null)
            }
            hint={
              model
                ? model.kind === "ZK_MLP"
                  ? "Draw a digit: a provider proves the classification with a zero-knowledge proof the market verifies."
                  : "Upload the input: several providers run it and a strict majority of their results wins."
                : modelList.isPending
                  ? "Loading models from the indexer…"
                  : "No active model is registered."
            }
          >
            {(control) => (
              <select {...control} value={model?.id ?? ""} onChange={(e) => setModelId(e.target.value)}>
                {activeModels.length === 0 ? <option value="">No models</option> : null}
                {activeModels.map((m) => (
                  <option key={m.id} value={m.id}>
                    {modelLabel(m)}
                  </option>
                ))}
              </select>
            )}
          </FormField>

          {mode === "zk" ? (
            <>
              <DigitPad
                value={image}
                onChange={(next) => {
                  setImage(next);
                  if (errors.drawing) setErrors((er) => ({ ...er, drawing: undefined }));
                }}
                disabled={busy}
                errorId={errors.drawing ? drawingErrorId : undefined}
              />
              {errors.drawing ? (
                <p id={drawingErrorId} className="error" role="alert">
                  {errors.drawing}
                </p>
              ) : null}
              <p className="hint">
                The 7 × 7 input and a random salt are stored as the task&apos;s input; only their Poseidon
                commitment goes on-chain, and the proof binds the result to it.
              </p>
            </>
          ) : (
            <>
              <FormField
                label="Input file"
                error={errors.file}
                hint="The model's input as bytes (ONNX models: an EAIT tensor file, see docs/WORKER.md), at most 4 MiB. It is stored as is in the public blob store and its sha256 becomes the input commitment."
              >
                {(control) => (
                  <input
                    {...control}
                    type="file"
                    onChange={(e) => {
                      const chosen = e.target.files?.[0] ?? null;
                      chosenFile.current = chosen;
                      setFile(chosen);
                      setFileBytes(null);
                      setErrors((er) => ({ ...er, file: undefined }));
                      if (chosen && chosen.size > 0 && chosen.size <= MAX_INPUT_BYTES) {
                        // Only the latest choice counts: an earlier file's late read is dropped.
                        void chosen.arrayBuffer().then(
                          (buffer) => {
                            if (chosenFile.current === chosen) setFileBytes(new Uint8Array(buffer));
                          },
                          (err: Error) =>
                            setErrors((er) => ({
                              ...er,
                              file: `The file could not be read: ${err.message}`,
                            })),
                        );
                      }
                    }}
                  />
                )}
              </FormField>
              <FormField
                label="Redundancy"
                error={errors.redundancy}
                hint={`Votes drawn by stake among the eligible providers (one provider may win several); a strict majority of the votes decides. Odd, 3 to ${ctx.maxRedundancy}.`}
              >
                {(control) => (
                  <select {...control} value={values.redundancy} onChange={set("redundancy")}>
                    {Array.from(
                      { length: Math.max(0, Math.floor((ctx.maxRedundancy - 1) / 2)) },
                      (_, i) => 3 + 2 * i,
                    ).map((n) => (
                      <option key={n} value={String(n)}>
                        {n}
                      </option>
                    ))}
                  </select>
                )}
              </FormField>
            </>
          )}
        </fieldset>

        <fieldset disabled={busy} className={styles.fieldset}>
          <legend className={styles.legend}>
            <h2>Price and terms</h2>
          </legend>
          <FormField
            label="Reward (EAI)"
            error={errors.reward}
            hint={balance.data !== undefined ? `Your balance: ${formatToken(balance.data)}.` : "Paid in EAI."}
          >
            {(control) => <DecimalInput control={control} value={values.reward} onChange={set("reward")} />}
          </FormField>
          <FormField
            label="Minimum provider tier"
            error={errors.minTier}
            hint="Tiers come from reputation: 1 admits every eligible provider, 3 only the most trusted."
          >
            {(control) => (
              <select {...control} value={values.minTier} onChange={set("minTier")}>
                <option value="1">Tier 1</option>
                <option value="2">Tier 2</option>
                <option value="3">Tier 3</option>
              </select>
            )}
          </FormField>
          <FormField
            label="Execution window (minutes)"
            error={errors.execMinutes}
            hint={
              (mode === "zk"
                ? "How long a claimant has to deliver after claiming."
                : "How long the claimants have to commit, counted from the claim that takes the last vote.") +
              (minExec !== undefined && params && onChain
                ? ` At least ${formatDuration(minExec)} (the market's minimum ${formatDuration(params.minExecWindow)}, this model's ${onChain.minExecWindow === 0 ? "none" : formatDuration(onChain.minExecWindow)}).`
                : "")
            }
          >
            {(control) => (
              <DecimalInput
                control={control}
                min="1"
                value={values.execMinutes}
                onChange={set("execMinutes")}
              />
            )}
          </FormField>
          <FormField
            label="Deadline (hours from now)"
            error={errors.deadlineHours}
            hint="After the deadline the task can only be refunded."
          >
            {(control) => (
              <DecimalInput control={control} value={values.deadlineHours} onChange={set("deadlineHours")} />
            )}
          </FormField>
        </fieldset>

        <section className={`card ${styles.rules}`} aria-labelledby="price-rules-title">
          <h2 id="price-rules-title">Price and bond rules</h2>
          {rules ? (
            <PriceRules
              rules={rules}
              mode={mode}
              reward={liveReward}
              bond={bond.data}
              redundancy={live.ok ? live.value.redundancy : Number(values.redundancy) || 3}
              minTier={Number(values.minTier) || 1}
              deadlineIn={live.ok ? live.value.deadlineIn : undefined}
              execWindow={live.ok ? live.value.execWindow : undefined}
              rated={rated}
            />
          ) : (
            <p className="muted">
              {chain.error
                ? `Could not read the market: ${chain.error.message}`
                : "Reading the market's rules…"}
            </p>
          )}
        </section>

        <fieldset disabled={busy} className={styles.fieldset}>
          <legend className={styles.legend}>
            <h2>Pay and submit</h2>
          </legend>
          <PermitToggle
            checked={usePermit}
            onChange={setUsePermit}
            amount="the reward"
            spender="market"
            action="the submission"
          />
          <ServeableWarnings report={report} />
          <GatedButton type="submit" className="btn" disabled={submitBlocked} blockedReason={blockReason}>
            {busy ? "Submitting…" : "Submit task"}
          </GatedButton>
          <p className="hint" aria-live="polite">
            {stage}
          </p>
          <TxStatus state={tx.state} />
        </fieldset>
      </form>

      {submitted ? (
        <section aria-labelledby="submitted-title" className={styles.submitted}>
          <h2 id="submitted-title">Task #{submitted.taskId.toString()} submitted</h2>
          <p>
            <Link href={`/tasks/${submitted.taskId}`}>Open task #{submitted.taskId.toString()}</Link>
          </p>
          <TaskLive taskId={submitted.taskId} />
        </section>
      ) : null}
    </>
  );
}
