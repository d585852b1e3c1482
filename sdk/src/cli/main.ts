/**
 * The `eai` command line: tasks, providers and governance on top of createEaiClient. Results go to stdout (one
 * JSON document with --json); failures are one line on stderr with exit 1, usage errors exit 2. The private key
 * comes from --key or EAI_PRIVATE_KEY and is never printed.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { createPublicClient, defineChain, formatEther, http, parseEther, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { createEaiClient, type EaiClient, type ParameterChange, type ZkTaskInput } from "../client/client.ts";
import { decodeEaiError } from "../client/errors.ts";
import { loadDeployment, PROTOCOL_CONTRACTS } from "../deployments.ts";
import { specToJson } from "../tasks/spec.ts";
import type { BlobStorage } from "../storage/index.ts";
import { openCliStorage, STORAGE_HELP, STORAGE_OPTIONS, StorageFlagError } from "./storage.ts";
import { describeProvider, providerSummary } from "../farm/summary.ts";

/** A result that is already sentences (printed as they are). */
class Words {
  readonly lines: string[];
  constructor(lines: string[]) {
    this.lines = lines;
  }
}
import { REWARDS_COMMANDS } from "./rewards.ts";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

const GLOBAL_OPTIONS: Options = {
  rpc: { type: "string" },
  key: { type: "string" },
  deployments: { type: "string" },
  "blob-store": { type: "string" },
  ...STORAGE_OPTIONS,
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const GLOBAL_HELP = `Global options:
  --rpc URL            JSON-RPC endpoint (env EAI_RPC_URL, default http://127.0.0.1:8545)
  --key HEX            private key, 0x + 64 hex (env EAI_PRIVATE_KEY); needed by commands that send transactions
  --deployments DIR    folder with <chainId>.json (env EAI_DEPLOYMENTS_DIR, default deploy/deployments)
  --blob-store URL     blob store base URL (env EAI_BLOB_STORE_URL)
${STORAGE_HELP}
  --json               machine-readable output
  -h, --help           this help`;

interface Command {
  summary: string;
  usage: string;
  options: Options;
  run: (ctx: Context) => Promise<unknown>;
}

interface Context {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  client: () => Promise<EaiClient>;
  io: CliIo;
}

function str(ctx: Context, name: string, required: true): string;
function str(ctx: Context, name: string, required?: false): string | undefined;
function str(ctx: Context, name: string, required = false): string | undefined {
  const v = ctx.values[name];
  if (typeof v === "string") return v;
  if (required) throw new UsageError(`--${name} is required`);
  return undefined;
}

function int(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`${what}: expected a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function id(value: string | undefined, what: string): bigint {
  if (value === undefined) throw new UsageError(`${what} is required`);
  if (!/^\d+$/.test(value))
    throw new UsageError(`${what}: expected a decimal integer, got ${JSON.stringify(value)}`);
  return BigInt(value);
}

function amount(value: string | undefined, what: string): bigint {
  if (value === undefined) throw new UsageError(`${what} is required`);
  if (!/^\d+(\.\d{1,18})?$/.test(value))
    throw new UsageError(`${what}: expected an amount in EAI like 1.5, got ${JSON.stringify(value)}`);
  return parseEther(value);
}

function address(value: string | undefined, what: string): Address | undefined {
  if (value === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{40}$/.test(value))
    throw new UsageError(`${what}: expected a 0x-prefixed 20-byte address`);
  return value as Address;
}

function hex32(value: string | undefined, what: string): Hex | undefined {
  if (value === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new UsageError(`${what}: expected 0x + 64 hex digits`);
  return value as Hex;
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new Error(
      `${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: ${file} is not valid JSON`);
  }
}

async function zkInput(file: string): Promise<ZkTaskInput> {
  const json = (await readJson(file, "--input")) as { x?: unknown; image?: unknown; salt?: unknown };
  const salt =
    json.salt === undefined
      ? undefined
      : typeof json.salt === "string" && /^\d+$/.test(json.salt)
        ? BigInt(json.salt)
        : null;
  if (salt === null) throw new Error("--input: salt: expected a decimal string");
  const ints = (v: unknown, name: string) => {
    if (!Array.isArray(v) || !v.every((n) => Number.isInteger(n)))
      throw new Error(`--input: ${name}: expected an array of integers`);
    return v as number[];
  };
  if (json.x !== undefined) return { x: ints(json.x, "x"), salt };
  if (json.image !== undefined) return { image: ints(json.image, "image"), salt };
  throw new Error("--input: expected a JSON object with x (49 pixels 0..15) or image (784 bytes 0..255)");
}

/** `{ [name]: unix seconds, [name + "Iso"]: ISO date }` (nothing for 0: not set). */
function timeFields(name: string, unix: bigint | number): Record<string, number | string> {
  const seconds = Number(unix);
  if (seconds === 0) return {};
  return { [name]: seconds, [`${name}Iso`]: new Date(seconds * 1000).toISOString() };
}

function when(unix: bigint, now: bigint): string {
  const iso = new Date(Number(unix) * 1000).toISOString();
  return unix > now ? `${iso} (in ${unix - now} s)` : iso;
}

/**
 * Checks that a proposal can be queued (Succeeded) or executed (Queued, timelock delay over) and otherwise throws
 * an error that says why not and what to do, before anything is signed.
 */
async function expectProposalState(client: EaiClient, proposalId: bigint, action: "queue" | "execute") {
  await client.getProposal(proposalId); // "proposal N does not exist" for unknown ids
  const state = await client.proposalState(proposalId);
  const governor = client.contracts.governor.read;
  const now = (await client.publicClient.getBlock({ blockTag: "latest" })).timestamp;
  const wanted = action === "queue" ? "Succeeded" : "Queued";
  if (state === wanted) {
    if (action === "execute") {
      const eta = await governor.proposalEta([proposalId]);
      if (eta > now) {
        throw new Error(
          `proposal ${proposalId} is Queued but the timelock delay has not passed: executable at ${when(eta, now)}`,
        );
      }
    }
    return;
  }
  let hint: string;
  switch (state) {
    case "Pending":
    case "Active": {
      const deadline = await governor.proposalDeadline([proposalId]);
      hint = `voting ends at ${when(deadline, now)}; ${action} it once it has Succeeded`;
      break;
    }
    case "Succeeded":
      hint = `queue it first: eai gov queue ${proposalId}`;
      break;
    case "Queued": {
      const eta = await governor.proposalEta([proposalId]);
      hint = `it is already queued; execute it from ${when(eta, now)} with eai gov execute ${proposalId}`;
      break;
    }
    case "Executed":
      hint = "it has already been executed";
      break;
    default:
      hint = `a ${state} proposal can no longer be queued or executed`;
  }
  throw new Error(`proposal ${proposalId} is ${state}, not ${wanted}: ${hint}`);
}

const COMMANDS: Record<string, Record<string, Command>> = {
  task: {
    submit: {
      summary: "upload an input and submit a task",
      usage: `eai task submit --model ID --mode zk|redundant --reward EAI --input FILE [options]
  --input FILE          zk: JSON { "x": [49 ints 0..15] } or { "image": [784 ints] }, optional "salt" (decimal);
                        redundant: the raw input bytes
  --deadline UNIX       task deadline in unix seconds (default: now + 1 day)
  --exec-window S       seconds a claimant has to deliver (default 3600, at least the market's and the
                        model's minimum)
  --redundancy N        REDUNDANT votes, odd ≥ 3 (default 3), drawn by stake: with fewer eligible providers
                        some hold several votes (a warning says so)
  --min-tier N          minimum provider tier 1..3 (default 1)
  --encrypt-for HEX32   encrypt the input to this provider X25519 public key (zk only: a REDUNDANT task
                        needs several providers to read its input)
  --permit              pay with an EIP-2612 permit instead of approve`,
      options: {
        model: { type: "string" },
        mode: { type: "string" },
        reward: { type: "string" },
        input: { type: "string" },
        deadline: { type: "string" },
        "exec-window": { type: "string" },
        redundancy: { type: "string" },
        "min-tier": { type: "string" },
        "encrypt-for": { type: "string" },
        permit: { type: "boolean" },
      },
      run: async (ctx) => {
        const mode = str(ctx, "mode", true);
        if (mode !== "zk" && mode !== "redundant")
          throw new UsageError(`--mode: expected zk or redundant, got ${JSON.stringify(mode)}`);
        const model = id(str(ctx, "model", true), "--model");
        const reward = amount(str(ctx, "reward", true), "--reward");
        const file = str(ctx, "input", true);
        const providerKey = hex32(str(ctx, "encrypt-for"), "--encrypt-for");
        const params = {
          model,
          reward,
          mode,
          deadline: int(str(ctx, "deadline"), "--deadline"),
          execWindow: int(str(ctx, "exec-window"), "--exec-window"),
          redundancy: int(str(ctx, "redundancy"), "--redundancy"),
          minTier: int(str(ctx, "min-tier"), "--min-tier"),
          permit: ctx.values.permit === true,
          private: providerKey ? { providerKey } : undefined,
        } as const;
        const input =
          mode === "zk"
            ? await zkInput(file)
            : new Uint8Array(
                await readFile(file).catch((err: NodeJS.ErrnoException) => {
                  throw new Error(`--input: cannot read ${file}: ${err.code ?? err.message}`);
                }),
              );
        const client = await ctx.client();
        const { taskId, spec, inputURI, txHash, warnings } = await client.submitTask({ ...params, input });
        for (const warning of warnings) ctx.io.err(`eai: warning: ${warning}`);
        return { taskId, inputURI, txHash, warnings, spec: specToJson(spec) };
      },
    },
    status: {
      summary: "show a task's state and spec",
      usage: "eai task status TASK_ID",
      options: {},
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        const task = await (await ctx.client()).getTask(taskId);
        return { ...task, spec: specToJson(task.spec) };
      },
    },
    result: {
      summary: "verify and print a completed task's result",
      usage: `eai task result TASK_ID [--wait] [--timeout S] [--out FILE]
  --wait        poll until the task settles
  --timeout S   give up waiting after S seconds (default 600)
  --out FILE    write a REDUNDANT result's bytes to FILE`,
      options: { wait: { type: "boolean" }, timeout: { type: "string" }, out: { type: "string" } },
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        const timeout = int(str(ctx, "timeout"), "--timeout") ?? 600;
        const client = await ctx.client();
        const result = ctx.values.wait
          ? await client.waitForResult(taskId, { timeoutMs: timeout * 1000 })
          : await client.verifyResult(taskId);
        if (result.mode === "zk") return result;
        const out = str(ctx, "out");
        if (out) await writeFile(out, result.result);
        const { result: bytes, ...rest } = result;
        return { ...rest, size: bytes.byteLength, ...(out ? { out } : {}) };
      },
    },
    cancel: {
      summary: "cancel an unclaimed task (the reward is credited back)",
      usage: "eai task cancel TASK_ID",
      options: {},
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        return (await ctx.client()).cancelTask(taskId);
      },
    },
    settle: {
      summary: "finalize or expire a task, whichever applies now (anyone may)",
      usage: `eai task settle TASK_ID
  Finalizes a REDUNDANT task whose reveals are in or whose reveal window ended, expires a ZK claim past its
  delivery deadline or an Open task past its deadline; otherwise says when it can be settled (exit 0).`,
      options: {},
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        const result = await (await ctx.client()).settleTask(taskId);
        if (result.action === "none") ctx.io.err(`eai: nothing to settle yet: ${result.reason}`);
        return result;
      },
    },
    leave: {
      summary: "leave an Open REDUNDANT task whose draws did not fill in time (your bonds back)",
      usage: "eai task leave TASK_ID",
      options: {},
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        return (await ctx.client()).leaveTask(taskId);
      },
    },
  },
  provider: {
    register: {
      summary: "register the key's account as a provider",
      usage: `eai provider register --resources FILE --x25519 HEX32 [--gpu NAME] [--metadata URI]
  --resources FILE   JSON { vramMiB, computeCapability, cpuCores, ramMiB, storageGiB, bandwidthMbps,
                     benchmarkScore, region }`,
      options: {
        resources: { type: "string" },
        x25519: { type: "string" },
        gpu: { type: "string" },
        metadata: { type: "string" },
      },
      run: async (ctx) => {
        const resources = await readJson(str(ctx, "resources", true), "--resources");
        const key = hex32(str(ctx, "x25519", true), "--x25519") as Hex;
        return (await ctx.client()).registerProvider({
          resources: resources as never,
          x25519PublicKey: key,
          gpuModel: str(ctx, "gpu"),
          metadataURI: str(ctx, "metadata"),
        });
      },
    },
    stake: {
      summary: "approve and stake EAI (or sign a permit: one transaction)",
      usage: `eai provider stake AMOUNT_EAI [--permit]
  --permit   pay with an EIP-2612 permit instead of approve`,
      options: { permit: { type: "boolean" } },
      run: async (ctx) => {
        const value = amount(ctx.positionals[0], "AMOUNT_EAI");
        return (await ctx.client()).stake(value, { permit: ctx.values.permit === true });
      },
    },
    unstake: {
      summary: "start unbonding EAI (withdraw after the unbonding period with --withdraw)",
      usage: `eai provider unstake AMOUNT_EAI | eai provider unstake --withdraw
  --withdraw   withdraw everything whose unbonding period has passed`,
      options: { withdraw: { type: "boolean" } },
      run: async (ctx) => {
        if (ctx.values.withdraw) return (await ctx.client()).withdrawStake();
        const value = amount(ctx.positionals[0], "AMOUNT_EAI");
        return (await ctx.client()).requestUnstake(value);
      },
    },
    operator: {
      summary: "two-step operators: offer|revoke (provider), accept|renounce (operator)",
      usage: `eai provider operator offer|revoke OPERATOR_ADDRESS     (as the provider)
eai provider operator accept|renounce PROVIDER_ADDRESS  (as the operator)
  An offer binds nobody until the operator accepts it; either side can end the link.`,
      options: {},
      run: async (ctx) => {
        const action = ctx.positionals[0];
        const who = address(ctx.positionals[1], "ADDRESS");
        if (!who) throw new UsageError("ADDRESS: required");
        const client = await ctx.client();
        switch (action) {
          case "offer":
            return client.offerOperator(who);
          case "revoke":
            return client.revokeOperator(who);
          case "accept":
            return client.acceptOperator(who);
          case "renounce":
            return client.renounceOperator(who);
          default:
            throw new UsageError(`expected offer, revoke, accept or renounce, got ${JSON.stringify(action)}`);
        }
      },
    },
    status: {
      summary:
        "trust, availability, tier, stake, earnings, credits and recent failures of a provider, in words",
      usage: "eai provider status [ADDRESS] [--json]   (default: the key's address)",
      options: {},
      run: async (ctx) => {
        const client = await ctx.client();
        const who = address(ctx.positionals[0], "ADDRESS") ?? client.address;
        const c = client.deployment.contracts;
        const [status, summary] = await Promise.all([
          client.providerStatus(who),
          providerSummary(
            client.publicClient,
            {
              TaskMarket: c.TaskMarket.address,
              ProviderRegistry: c.ProviderRegistry.address,
              StakingVault: c.StakingVault.address,
              Reputation: c.Reputation.address,
              EAIToken: c.EAIToken.address,
            },
            who,
            { fromBlock: BigInt(c.TaskMarket.startBlock) },
          ),
        ]);
        if (ctx.values.json) return { ...status, summary: { ...summary, words: describeProvider(summary) } };
        return new Words(describeProvider(summary));
      },
    },
  },
  gov: {
    propose: {
      summary: "propose one governed call",
      usage: `eai gov propose --contract NAME --function NAME --args JSON --description TEXT
  --contract NAME   one of ${PROTOCOL_CONTRACTS.filter((c) => c !== "MnistMlpVerifier").join(", ")}
  --args JSON       JSON array of arguments (integers as decimal strings are fine)`,
      options: {
        contract: { type: "string" },
        function: { type: "string" },
        args: { type: "string" },
        description: { type: "string" },
      },
      run: async (ctx) => {
        const contract = str(ctx, "contract", true);
        if (
          !(PROTOCOL_CONTRACTS as readonly string[]).includes(contract) ||
          contract === "MnistMlpVerifier"
        ) {
          throw new UsageError(`--contract: unknown contract ${JSON.stringify(contract)}`);
        }
        let args: unknown;
        try {
          args = JSON.parse(str(ctx, "args") ?? "[]");
        } catch {
          throw new UsageError("--args: expected a JSON array");
        }
        if (!Array.isArray(args)) throw new UsageError("--args: expected a JSON array");
        return (await ctx.client()).proposeParameterChange({
          contract: contract as ParameterChange["contract"],
          functionName: str(ctx, "function", true),
          args,
          description: str(ctx, "description", true),
        });
      },
    },
    vote: {
      summary: "vote on a proposal",
      usage: "eai gov vote PROPOSAL_ID for|against|abstain [--reason TEXT]",
      options: { reason: { type: "string" } },
      run: async (ctx) => {
        const proposalId = id(ctx.positionals[0], "PROPOSAL_ID");
        const support = ctx.positionals[1];
        if (support !== "for" && support !== "against" && support !== "abstain") {
          throw new UsageError(
            `support: expected for, against or abstain, got ${JSON.stringify(support ?? "")}`,
          );
        }
        return (await ctx.client()).vote(proposalId, support, str(ctx, "reason"));
      },
    },
    queue: {
      summary: "queue a succeeded proposal in the timelock",
      usage: `eai gov queue PROPOSAL_ID
  Queues a Succeeded proposal; it can be executed once the timelock delay has passed (shown as executableAt).`,
      options: {},
      run: async (ctx) => {
        const proposalId = id(ctx.positionals[0], "PROPOSAL_ID");
        const client = await ctx.client();
        await expectProposalState(client, proposalId, "queue");
        const { txHash } = await client.queue(proposalId);
        const eta = await client.contracts.governor.read.proposalEta([proposalId]);
        return {
          proposalId,
          txHash,
          state: await client.proposalState(proposalId),
          ...timeFields("executableAt", eta),
        };
      },
    },
    execute: {
      summary: "execute a queued proposal once its timelock delay has passed",
      usage: `eai gov execute PROPOSAL_ID
  Executes a Queued proposal whose timelock delay has passed (anyone may execute).`,
      options: {},
      run: async (ctx) => {
        const proposalId = id(ctx.positionals[0], "PROPOSAL_ID");
        const client = await ctx.client();
        await expectProposalState(client, proposalId, "execute");
        const { txHash } = await client.execute(proposalId);
        return { proposalId, txHash, state: await client.proposalState(proposalId) };
      },
    },
    delegate: {
      summary: "delegate voting power (default: to yourself)",
      usage: "eai gov delegate [ADDRESS]",
      options: {},
      run: async (ctx) => {
        const to = address(ctx.positionals[0], "ADDRESS");
        return (await ctx.client()).delegate(to);
      },
    },
  },
  rewards: REWARDS_COMMANDS,
};

function topHelp(): string {
  const lines = ["Usage: eai <group> <command> [options]", ""];
  for (const [group, commands] of Object.entries(COMMANDS)) {
    for (const [name, cmd] of Object.entries(commands))
      lines.push(`  eai ${group} ${name}`.padEnd(28) + cmd.summary);
  }
  lines.push("", GLOBAL_HELP, "", "Run eai <group> <command> --help for a command's options.");
  return lines.join("\n");
}

function groupHelp(group: string): string {
  const commands = COMMANDS[group] ?? {};
  const lines = [`Usage: eai ${group} <command> [options]`, ""];
  for (const [name, cmd] of Object.entries(commands)) lines.push(`  ${name}`.padEnd(14) + cmd.summary);
  return [...lines, "", GLOBAL_HELP].join("\n");
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

function human(value: unknown, indent = ""): string[] {
  if (typeof value !== "object" || value === null) return [`${indent}${String(value)}`];
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      lines.push(`${indent}${k}:`, ...human(v, `${indent}  `));
    } else {
      const shown =
        typeof v === "bigint" && /stake|locked|free|amount|reward|bond/i.test(k)
          ? `${formatEther(v)} EAI`
          : Array.isArray(v)
            ? v.map(String).join(", ")
            : String(v);
      lines.push(`${indent}${k}: ${shown}`);
    }
  }
  return lines;
}

const HEX_KEY = /^0x[0-9a-fA-F]{64}$/;

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [group, name, ...rest] = argv;
  const json = argv.includes("--json");
  let storage: BlobStorage | undefined;
  try {
    if (group === undefined || group === "--help" || group === "-h" || group === "help") {
      io.out(topHelp());
      return group === undefined ? 2 : 0;
    }
    const commands = COMMANDS[group];
    if (!commands)
      throw new UsageError(`unknown command group ${JSON.stringify(group)} (task, provider, gov)`);
    if (name === undefined || name === "--help" || name === "-h") {
      io.out(groupHelp(group));
      return name === undefined ? 2 : 0;
    }
    const cmd = commands[name];
    if (!cmd) throw new UsageError(`unknown command "eai ${group} ${name}" (eai ${group} --help lists them)`);
    let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...GLOBAL_OPTIONS, ...cmd.options },
        allowPositionals: true,
        strict: true,
      }) as typeof parsed;
    } catch (err) {
      throw new UsageError((err as Error).message.split("\n")[0] ?? "bad arguments");
    }
    if (parsed.values.help) {
      io.out(`Usage: ${cmd.usage}\n\n${GLOBAL_HELP}`);
      return 0;
    }
    const values = parsed.values;
    const ctx: Context = {
      values,
      positionals: parsed.positionals,
      io,
      client: async () => {
        const rpc = (values.rpc as string | undefined) ?? env.EAI_RPC_URL ?? "http://127.0.0.1:8545";
        const key = (values.key as string | undefined) ?? (env.EAI_PRIVATE_KEY || undefined);
        if (key !== undefined && !HEX_KEY.test(key)) {
          throw new UsageError("--key / EAI_PRIVATE_KEY: expected 0x + 64 hex digits");
        }
        let chainId: number;
        try {
          chainId = await createPublicClient({ transport: http(rpc, { retryCount: 0 }) }).getChainId();
        } catch {
          throw new Error(`cannot reach the RPC endpoint ${rpc}`);
        }
        const dir =
          (values.deployments as string | undefined) ?? env.EAI_DEPLOYMENTS_DIR ?? "deploy/deployments";
        const deployment = await loadDeployment(chainId, dir);
        const chain = defineChain({
          id: chainId,
          name: `chain ${chainId}`,
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [rpc] } },
        });
        return createEaiClient({
          chain,
          transport: http(rpc),
          account: key ? privateKeyToAccount(key as Hex) : undefined,
          deployment,
          blobStoreUrl: (values["blob-store"] as string | undefined) ?? env.EAI_BLOB_STORE_URL,
          storage: (storage ??= await openCliStorage(values, env).catch((e: unknown) => {
            throw e instanceof StorageFlagError ? new UsageError(e.message) : e;
          })),
        });
      },
    };
    const result = await cmd.run(ctx);
    io.out(
      result instanceof Words ? result.lines.join("\n") : json ? toJson(result) : human(result).join("\n"),
    );
    return 0;
  } catch (err) {
    // sdk/src/cli/rewards.ts throws its own usage errors (it cannot import this module's class without a cycle)
    const usage = err instanceof UsageError || (err instanceof Error && err.name === "UsageError");
    const message = (usage ? err : decodeEaiError(err)).message.split("\n")[0] ?? "failed";
    if (json) io.err(toJson({ error: message, usage }));
    else io.err(`eai: ${message}${usage ? " (see --help)" : ""}`);
    return usage ? 2 : 1;
  } finally {
    await storage?.close();
  }
}
