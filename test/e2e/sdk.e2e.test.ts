/**
 * End to end through the SDK only, against a whole running network: `scripts/start.ts` (local chain, deployment,
 * demo models, blob store, indexer, 3 real workers; ports 8851 / 8852 / 42351 / 9651–9653, state in a fresh temp
 * folder, no web app) is started as a child process group and stopped after the tests.
 *
 * Everything a requester does goes through `createEaiClient`; the test reads only what any observer can: the
 * indexer's REST and GraphQL answers and raw chain data (blocks, transactions and logs) through a viem public client.
 *   (a) a ZK task on a real held-out MNIST digit: completes, `waitForResult` verifies it, the prediction is the
 *       label, the provider is credited and withdraws the payment, the indexer shows it Completed and paid;
 *   (b) a REDUNDANT task on the demo ONNX model (id 2) run by the 3 workers: `waitForResult` verifies the majority
 *       result, which is the model's output, all three winners are paid, the indexer shows it; the demo WASM model
 *       (id 3) too;
 *   (c) a private ZK task (input encrypted to one worker's X25519 key; only that worker can run it) completes, and
 *       its plaintext input (raw bytes, hex, base64, the pixel list, the salt) appears nowhere on chain (every
 *       transaction's input and every log's data and topics since the deployment) nor in the indexer's answers.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { defineChain, http, toHex, type Address, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { createEaiClient, encodeZkInput, type EaiClient } from "../../sdk/src/client/index.ts";
import type { Deployment } from "../../sdk/src/deployments.ts";
import { fetchBlob } from "../../sdk/src/storage/index.ts";
import { argmax, infer, loadMnistMlpModel, quantiseImage } from "../../sdk/src/zk/index.ts";
import { decodeTensors, encodeTensors } from "@eai/sdk/tasks/tensors";
import { tinyMlpReference } from "../../worker/scripts/tiny-mlp.ts";
import { advanceTime, startNetwork, type Network } from "../support/network.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PORTS = { chain: 8851, blob: 8852, indexer: 42351, metrics: 9651 } as const;
const RPC = `http://127.0.0.1:${PORTS.chain}`;
const BLOBS = `http://127.0.0.1:${PORTS.blob}`;
const INDEXER = `http://127.0.0.1:${PORTS.indexer}`;
const MNEMONIC = "test test test test test test test test test test test junk";
/** Account 0 of the dev mnemonic: holds the EAI supply on the local chain; our requester. */
const REQUESTER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** Priority window (tier-3 providers only) of a fresh deployment: skipped with evm_increaseTime. */
const PRIORITY_WINDOW_S = 30;

let network: Network | undefined;
let stateDir = "";
let requester: EaiClient;
let workers: Address[] = [];
let demo: { onnx: bigint; wasm: bigint };

// ─── helpers ────────────────────────────────────────────────────────────────────

/** Lets the chain's clock pass a new task's priority window so the (tier-1) workers may claim it. */
async function skipPriorityWindow(): Promise<void> {
  await advanceTime(RPC, PRIORITY_WINDOW_S + 1);
}

function devKey(index: number): Hex {
  const key = mnemonicToAccount(MNEMONIC, { addressIndex: index }).getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return toHex(key);
}

function clientFor(key: Hex, deployment: Deployment): EaiClient {
  return createEaiClient({
    chain: defineChain({
      id: deployment.chainId,
      name: "e2e",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [RPC] } },
    }),
    transport: http(RPC),
    account: privateKeyToAccount(key),
    deployment,
    blobStoreUrl: BLOBS,
  });
}

const bigintish = z.union([z.string(), z.number()]).transform((v) => BigInt(v));
const indexedTask = z.object({
  id: bigintish,
  status: z.string(),
  mode: z.enum(["ZK", "REDUNDANT"]),
  winners: z.number().nullable(),
  timeline: z.array(z.object({ kind: z.string(), provider: z.string().nullable() })),
  payments: z.array(z.object({ kind: z.string(), account: z.string(), amount: bigintish })),
});
type IndexedTask = z.infer<typeof indexedTask>;

/** The indexer's /tasks/:id once it shows the task Completed with its payments (raw text and parsed). */
async function indexedCompleted(taskId: bigint): Promise<{ text: string; task: IndexedTask }> {
  const until = Date.now() + 30_000;
  let last = "";
  for (;;) {
    const res = await fetch(`${INDEXER}/tasks/${taskId}`);
    last = await res.text();
    if (res.ok) {
      const task = indexedTask.parse(JSON.parse(last));
      if (task.status === "Completed" && task.payments.some((p) => p.kind === "provider")) {
        return { text: last, task };
      }
    }
    if (Date.now() > until) throw new Error(`indexer: task ${taskId} not shown completed and paid: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function providerPayments(task: IndexedTask): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const p of task.payments.filter((p) => p.kind === "provider"))
    out.set(p.account.toLowerCase(), (out.get(p.account.toLowerCase()) ?? 0n) + p.amount);
  return out;
}

async function credits(): Promise<Map<string, bigint>> {
  return new Map(
    await Promise.all(workers.map(async (w) => [w.toLowerCase(), await requester.creditOf(w)] as const)),
  );
}

async function graphql(query: string): Promise<unknown> {
  const res = await fetch(`${INDEXER}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = z
    .object({ data: z.unknown().optional(), errors: z.array(z.object({ message: z.string() })).optional() })
    .parse(await res.json());
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  return body.data;
}

/** Every scalar field of a GraphQL object type (so the privacy scan reads all columns, whatever the schema). */
async function scalarFields(type: string): Promise<string[]> {
  const typeRef: z.ZodType<{ kind: string; ofType?: unknown }> = z.lazy(() =>
    z.object({ kind: z.string(), ofType: typeRef.nullable().optional() }),
  );
  const data = z
    .object({ __type: z.object({ fields: z.array(z.object({ name: z.string(), type: typeRef })) }) })
    .parse(await graphql(`{ __type(name: "${type}") { fields { name type { kind ofType { kind } } } } }`));
  return data.__type.fields
    .filter((f) => {
      const t = f.type.kind === "NON_NULL" ? (f.type.ofType as { kind: string }).kind : f.type.kind;
      return t === "SCALAR" || t === "ENUM";
    })
    .map((f) => f.name);
}

const hexOf = (bytes: Uint8Array | readonly number[]) => Buffer.from(Uint8Array.from(bytes)).toString("hex");
const textHex = (s: string) => Buffer.from(s, "utf8").toString("hex");

/** True when `needle` (hex, no 0x) occurs in `haystack` (hex) at a byte boundary. */
function containsBytes(haystack: string, needle: string): boolean {
  const h = haystack.toLowerCase().replace(/^0x/, "");
  for (let i = h.indexOf(needle); i !== -1; i = h.indexOf(needle, i + 1)) if (i % 2 === 0) return true;
  return false;
}

// ─── the network ────────────────────────────────────────────────────────────────

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "eai-e2e-"));
  // Generous: on a loaded 2-core machine the deployment alone took minutes (the 240 s default ran out once).
  network = await startNetwork({ ports: PORTS, stateDir, workers: 3, web: false, timeoutMs: 540_000 });
  const output = network.output();
  workers = [...output.matchAll(/^ {2}worker \d+ +(0x[0-9a-fA-F]{40})/gm)].map((m) => m[1] as Address);
  const model = (name: string) => {
    const m = new RegExp(`^ {2}(\\d+) +${name} `, "m").exec(output);
    if (!m?.[1]) throw new Error(`demo model ${name} not listed:\n${output}`);
    return BigInt(m[1]);
  };
  demo = { onnx: model("tiny-mlp"), wasm: model("byte-sum") };
  requester = clientFor(REQUESTER_KEY, network.deployment);
}, 600_000);

afterAll(async () => {
  await network?.stop(); // start.ts stops the workers, the indexer, the blob store and the chain
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
}, 60_000);

// ─── the tests ──────────────────────────────────────────────────────────────────

const samples = z
  .object({ samples: z.array(z.object({ label: z.number().int(), image: z.base64() })) })
  .parse(JSON.parse(await readFile(join(ROOT, "data/mnist-test-samples.json"), "utf8")))
  .samples.map((s) => ({ label: s.label, image: new Uint8Array(Buffer.from(s.image, "base64")) }));

/** A held-out digit with this label that the quantised model classifies correctly. */
async function digit(label: number) {
  const model = await loadMnistMlpModel();
  const sample = samples.find(
    (s) => s.label === label && argmax(infer(model, quantiseImage(s.image)).logits) === label,
  );
  if (!sample) throw new Error(`no correctly classified sample of ${label}`);
  return sample;
}

/** Tasks the tests above completed, for the CLI's decoding (d). */
const completed: { zk?: bigint; onnx?: bigint; wasm?: { taskId: bigint; sum: number } } = {};
let zkLabel = -1;

/** `eai …` (sdk/bin/eai.js) against this network; resolves with the exit code and both outputs. */
function eai(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "sdk/bin/eai.js"), ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        EAI_RPC_URL: RPC,
        EAI_BLOB_STORE_URL: BLOBS,
        EAI_DEPLOYMENTS_DIR: join(stateDir, "deployments"),
        EAI_PRIVATE_KEY: REQUESTER_KEY,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += String(d)));
    child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("EAI network end to end, through the SDK", () => {
  it("started 3 workers and registered the demo models", () => {
    expect(workers).toHaveLength(3);
    expect(demo.onnx).toBe(2n);
    expect(demo.wasm).toBe(3n);
  });

  it("(a) a ZK digits task completes, is verified, pays its provider and shows in the indexer", async () => {
    const sample = await digit(7);
    zkLabel = sample.label;
    const before = await credits();
    const { taskId, spec } = await requester.submitTask({
      model: 1n,
      input: { image: sample.image },
      reward: 10n ** 18n,
      mode: "zk",
    });
    expect(spec.mode).toBe(0);
    await skipPriorityWindow();
    const result = await requester.waitForResult(taskId, { timeoutMs: 90_000, pollMs: 500 });
    if (result.mode !== "zk") throw new Error("expected a ZK result");
    completed.zk = taskId;
    expect(result.prediction).toBe(sample.label);
    expect(result.logits).toHaveLength(10);
    const provider = result.provider.toLowerCase();
    expect(workers.map((w) => w.toLowerCase())).toContain(provider);

    const after = await credits();
    const { task } = await indexedCompleted(taskId);
    expect(task.mode).toBe("ZK");
    // The worker settles an unclaimed ZK task directly when it ranks first (no "claimed" then); a claim, if any,
    // must be the proving provider's.
    const kinds = task.timeline.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["submitted", "proven", "completed", "paid"]));
    for (const claim of task.timeline.filter((e) => e.kind === "claimed")) {
      expect(claim.provider?.toLowerCase()).toBe(provider);
    }
    const paid = providerPayments(task);
    expect([...paid.keys()]).toEqual([provider]);
    const payout = paid.get(provider) ?? 0n;
    expect(payout).toBeGreaterThan(0n);
    expect(payout).toBeLessThan(spec.reward);
    for (const w of workers.map((a) => a.toLowerCase())) {
      expect((after.get(w) ?? 0n) - (before.get(w) ?? 0n)).toBe(w === provider ? payout : 0n);
    }

    // The provider withdraws its credit with its own SDK client (the dev key start.ts gave that worker).
    const index = workers.findIndex((w) => w.toLowerCase() === provider);
    const providerClient = clientFor(devKey(2 + index), requester.deployment);
    const balance = await providerClient.contracts.token.read.balanceOf([result.provider]);
    const credit = await providerClient.creditOf();
    const withdrawn = await providerClient.withdraw();
    expect(withdrawn.amount).toBe(credit);
    expect(await providerClient.contracts.token.read.balanceOf([result.provider])).toBe(balance + credit);
    expect(await providerClient.creditOf()).toBe(0n);
  });

  it("(b) a REDUNDANT task on the demo ONNX model completes with 3 workers; waitForResult verifies the majority", async () => {
    const x = [0.25, -1.5, 2, 0.75];
    const input = encodeTensors([{ name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from(x) }]);
    const before = await credits();
    const { taskId, spec } = await requester.submitTask({
      model: demo.onnx,
      input,
      reward: 3n * 10n ** 18n,
      mode: "redundant",
    });
    expect(spec.redundancy).toBe(3);
    await skipPriorityWindow();
    const result = await requester.waitForResult(taskId, { timeoutMs: 90_000, pollMs: 500 });
    if (result.mode !== "redundant") throw new Error("expected a REDUNDANT result");
    completed.onnx = taskId;
    expect(result.winners).toBe(3);
    const [y, ...rest] = decodeTensors(result.result);
    expect(rest).toHaveLength(0);
    expect(y?.dtype).toBe("float32");
    if (!(y?.data instanceof Float32Array)) throw new Error("expected one float32 output tensor");
    const expected = tinyMlpReference(Float32Array.from(x), 1);
    expect(y.dims).toEqual([1, 3]);
    // The demo ONNX model runs under the quantised profile (step 2^-12, QUANTISED_PROFILE): every output is on the
    // grid, within half a step (plus float rounding of the reference) of the float result.
    y.data.forEach((v, i) => {
      expect(Number.isInteger(v * 4096), `output ${i} = ${v} is on the 2^-12 grid`).toBe(true);
      expect(Math.abs(v - (expected[i] as number))).toBeLessThanOrEqual(2 ** -13 + 1e-6);
    });

    const after = await credits();
    const { task } = await indexedCompleted(taskId);
    expect(task.mode).toBe("REDUNDANT");
    expect(task.winners).toBe(3);
    const paid = providerPayments(task);
    expect([...paid.keys()].sort()).toEqual(workers.map((w) => w.toLowerCase()).sort());
    for (const w of workers.map((a) => a.toLowerCase())) {
      expect(paid.get(w)).toBeGreaterThan(0n);
      expect((after.get(w) ?? 0n) - (before.get(w) ?? 0n)).toBe(paid.get(w));
    }
  });

  it("(b') a REDUNDANT task on the demo WASM model returns the byte sum", async () => {
    const input = new TextEncoder().encode("end to end through the SDK");
    const { taskId } = await requester.submitTask({
      model: demo.wasm,
      input,
      reward: 10n ** 18n,
      mode: "redundant",
    });
    await skipPriorityWindow();
    const result = await requester.waitForResult(taskId, { timeoutMs: 90_000, pollMs: 500 });
    if (result.mode !== "redundant") throw new Error("expected a REDUNDANT result");
    const sum = input.reduce((a, b) => a + b, 0);
    completed.wasm = { taskId, sum };
    expect(result.result).toEqual(Uint8Array.from([sum & 0xff, (sum >> 8) & 0xff, 0, 0]));
    expect((await indexedCompleted(taskId)).task.winners).toBe(3);
  });

  it("(c) a private task completes and its plaintext input appears nowhere on chain or in the indexer", async () => {
    const sample = await digit(3);
    const target = workers[0] as Address;
    const status = await requester.providerStatus(target);
    expect(status.x25519PublicKey).toMatch(/^0x[0-9a-f]{64}$/);
    const salt = 0x1f2e3d4c5b6a79887766554433221100ffeeddccbbaa99887766554433221n;
    const { taskId, inputURI, txHash } = await requester.submitTask({
      model: 1n,
      input: { image: sample.image, salt },
      reward: 2n * 10n ** 18n,
      mode: "zk",
      private: { providerKey: status.x25519PublicKey as Hex },
    });
    await skipPriorityWindow();
    const result = await requester.waitForResult(taskId, { timeoutMs: 90_000, pollMs: 500 });
    if (result.mode !== "zk") throw new Error("expected a ZK result");
    expect(result.prediction).toBe(sample.label);
    expect(result.provider.toLowerCase()).toBe(target.toLowerCase()); // only the key holder can run it
    const indexed = await indexedCompleted(taskId);

    // What must stay secret: the zk-mlp input blob the SDK encrypted, the quantised pixels, the image, the salt.
    const x = quantiseImage(sample.image);
    const { blob: plaintext } = await encodeZkInput({ x, salt });
    const plaintextText = new TextDecoder().decode(plaintext);
    expect(plaintextText).toContain(`"x":[${x.join(",")}]`);
    const stored = await fetchBlob(inputURI, { baseUrl: BLOBS, maxBytes: 1 << 20 });
    expect(new TextDecoder().decode(stored.subarray(0, 4))).toBe("EAIE"); // the blob store holds the envelope only

    const textNeedles = [
      plaintextText,
      Buffer.from(plaintext).toString("base64"),
      x.join(","),
      Buffer.from(sample.image).toString("base64"),
      salt.toString(),
    ];
    const hexNeedles = [
      hexOf(plaintext),
      hexOf(x),
      hexOf(sample.image),
      salt.toString(16).padStart(64, "0"),
      ...textNeedles.map(textHex),
    ];

    // 1. Chain: every transaction's input and every log's data and topics since the deployment.
    const publicClient = requester.publicClient;
    const from = BigInt(Math.min(...Object.values(requester.deployment.contracts).map((c) => c.startBlock)));
    const head = await publicClient.getBlockNumber();
    const chain: { where: string; hex: string }[] = [];
    for (let b = from; b <= head; b++) {
      const block = await publicClient.getBlock({ blockNumber: b, includeTransactions: true });
      for (const tx of block.transactions) chain.push({ where: `tx ${tx.hash} input`, hex: tx.input });
    }
    const logs = await publicClient.getLogs({ fromBlock: from, toBlock: head });
    for (const log of logs) {
      chain.push({ where: `log ${log.transactionHash}#${log.logIndex} data`, hex: log.data });
      for (const t of log.topics)
        chain.push({ where: `log ${log.transactionHash}#${log.logIndex} topic`, hex: t });
    }
    expect(chain.some((c) => c.where === `tx ${txHash} input`)).toBe(true); // the scan covers the submission
    expect(logs.length).toBeGreaterThan(50);
    // Positive control: the scan does find strings the submission put on chain (the input URI, in calldata and log).
    expect(chain.filter((c) => containsBytes(c.hex, textHex(inputURI))).length).toBeGreaterThanOrEqual(2);
    const onChain = chain.flatMap((c) =>
      hexNeedles.filter((n) => containsBytes(c.hex, n)).map(() => c.where),
    );
    expect(onChain).toEqual([]);

    // 2. Indexer: /tasks/:id and every column of the task, its events, claims and payments over GraphQL.
    const [taskFields, eventFields, claimFields, paymentFields] = await Promise.all(
      ["task", "taskEvent", "taskClaim", "payment"].map(scalarFields),
    );
    const answer = await graphql(`{
      task(id: "${taskId}") {
        ${taskFields?.join(" ")}
        events { items { ${eventFields?.join(" ")} } }
        claimants { items { ${claimFields?.join(" ")} } }
        payments { items { ${paymentFields?.join(" ")} } }
      }
      taskEvents(where: { taskId: "${taskId}" }, limit: 100) { items { ${eventFields?.join(" ")} } }
    }`);
    const graph = JSON.stringify(answer);
    expect(graph).toContain(`"inputUri":"${inputURI}"`); // the answer really is this task's
    expect(graph).toContain('"kind":"completed"');
    for (const [where, text] of [
      ["GraphQL", graph],
      ["/tasks/:id", indexed.text],
    ] as const) {
      const lower = text.toLowerCase();
      expect(textNeedles.filter((n) => text.includes(n)).map((n) => `${where}: ${n.slice(0, 40)}`)).toEqual(
        [],
      );
      expect(hexNeedles.filter((n) => lower.includes(n)).map((n) => `${where}: ${n.slice(0, 40)}`)).toEqual(
        [],
      );
    }
  });

  it("(d) the eai CLI decodes each demo model's verified result and lists the tasks from the indexer", async () => {
    const { zk, onnx, wasm } = completed;
    if (zk === undefined || onnx === undefined || wasm === undefined)
      throw new Error("(a), (b) and (b') first");
    const digitResult = await eai(["task", "result", String(zk), "--json"]);
    expect(digitResult.stderr).toBe("");
    const d = JSON.parse(digitResult.stdout) as { digit: number; scores: string[]; logits: number[] };
    expect(d.digit).toBe(zkLabel);
    expect(d.scores[0]).toBe(`${zkLabel}: ${d.logits[zkLabel]}`);
    const tensors = await eai(["task", "result", String(onnx), "--json"]);
    expect(tensors.stderr).toBe("");
    expect(JSON.parse(tensors.stdout)).toMatchObject({
      decoded: {
        kind: "ONNX",
        tensors: [{ dtype: "float32", dims: [1, 3], rowArgmax: [expect.any(Number)] }],
      },
    });
    const bytes = await eai(["task", "result", String(wasm.taskId)]);
    expect(bytes.stderr).toBe("");
    expect(bytes.stdout).toMatch(new RegExp(`^ {2}u32le: ${wasm.sum}$`, "m"));
    const listed = await eai([
      "task",
      "list",
      "--mine",
      "--status",
      "completed",
      "--indexer",
      INDEXER,
      "--json",
    ]);
    expect(listed.stderr).toBe("");
    const ids = (JSON.parse(listed.stdout) as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId);
    expect(ids).toEqual(expect.arrayContaining([String(zk), String(onnx), String(wasm.taskId)]));
  });
});
