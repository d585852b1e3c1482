import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  MNIST_MLP_SPEC as SPEC,
  PUBLIC_SIGNAL_NAMES,
  buildCircuitInput,
  circuitParams,
  computeWitness,
  inputCommitment,
  loadMnistMlpModel,
  loadMnistMlpVerificationKey,
  mnistMlpArtifacts,
  modelCommitment,
  packOutput,
  packModel,
  proveInference,
  quantiseImage,
  requantise,
  toField,
  verifyInferenceProof,
  type MnistMlpCircuitInput,
  type QuantisedModel,
} from "../../sdk/src/zk/index.ts";
import { circuitConfig, compileCircuit, type CompiledCircuit } from "../scripts/compile.ts";
import { repoPath } from "../scripts/lib.ts";

interface TestSample {
  label: number;
  index: number;
  image: string;
}

const samples = (
  JSON.parse(readFileSync(repoPath("data/mnist-test-samples.json"), "utf8")) as { samples: TestSample[] }
).samples;
const imageOf = (s: TestSample): Uint8Array => new Uint8Array(Buffer.from(s.image, "base64"));
const BINDING = 0x1234_5678_9abc_def0_1234_5678_9abc_def0n;

let compiled: CompiledCircuit;
let compileDir: string | undefined;
let wasm: Uint8Array;
let model: QuantisedModel;
/** witness index of every named signal (from the .sym file) */
const symbols = new Map<string, number>();

beforeAll(async () => {
  // One compile per run, from the current sources, into a temporary folder.
  compileDir = mkdtempSync(join(tmpdir(), "mnist-mlp-"));
  compiled = await compileCircuit(compileDir);
  wasm = readFileSync(compiled.wasm);
  model = await loadMnistMlpModel();
  for (const line of readFileSync(compiled.sym, "utf8").split("\n")) {
    const [, witnessIdx, , name] = line.split(",");
    if (name !== undefined && witnessIdx !== undefined && Number(witnessIdx) >= 0)
      symbols.set(name, Number(witnessIdx));
  }
});

afterAll(async () => {
  if (compileDir) rmSync(compileDir, { recursive: true, force: true });
  // snarkjs keeps bn128 worker threads: terminate them so the fork exits.
  const curve = (await snarkjs.curves.getCurveFromName("bn128")) as { terminate?: () => Promise<void> };
  await curve.terminate?.();
});

async function witnessOf(input: MnistMlpCircuitInput): Promise<bigint[]> {
  const wtns = await computeWitness(input, wasm);
  return snarkjs.wtns.exportJson({ type: "mem", data: wtns });
}

async function validInput(sampleIdx = 0, salt = 0n): Promise<MnistMlpCircuitInput> {
  const s = samples[sampleIdx] as TestSample;
  const built = await buildCircuitInput({
    model,
    input: quantiseImage(imageOf(s)),
    taskBinding: BINDING,
    inputSalt: salt,
  });
  return built.circuitInput;
}

const circuitSource = readFileSync(repoPath("circuits/src/mnist_mlp.circom"), "utf8").split("\n");

/** 1-based line of the (unique) circuit statement `statement` in mnist_mlp.circom. */
function lineOf(statement: string): number {
  const lines = circuitSource.flatMap((l, i) => (l.trim() === statement ? [i + 1] : []));
  if (lines.length !== 1) throw new Error(`statement "${statement}" found ${lines.length} times`);
  return lines[0] as number;
}

/**
 * Expects the witness generator to reject the input at exactly `statement` of the MnistMlp template, i.e. the
 * constraint under test (the wasm asserts every constraint; its message names the template line that failed).
 */
async function expectFail(input: MnistMlpCircuitInput, statement: string): Promise<void> {
  const line = lineOf(statement);
  // the witness generator prints the failed assert with console.error before throwing: keep the test output clean
  const mute = vi.spyOn(console, "error").mockImplementation(() => undefined);
  await expect(computeWitness(input, wasm)).rejects.toThrow(
    new RegExp(`Assert Failed[\\s\\S]*MnistMlp_\\d+ line: ${line}\\b`),
  );
  mute.mockRestore();
}

/** Hidden and logit values for an input WITHOUT the reference's range checks (to build out-of-range attacks). */
function uncheckedInference(
  m: QuantisedModel,
  x: readonly number[],
): { q1: number[]; r1: number[]; logits: number[] } {
  const z1 = m.w1.map((row, i) => row.reduce((acc, w, j) => acc + w * (x[j] as number), m.b1[i] as number));
  const rq = z1.map((z) => requantise(z, SPEC.shift));
  const h = rq.map(({ q }) => Math.max(0, q));
  const logits = m.w2.map((row, k) =>
    row.reduce((acc, w, i) => acc + w * (h[i] as number), m.b2[k] as number),
  );
  return { q1: rq.map((v) => v.q), r1: rq.map((v) => v.r), logits };
}

const dec = (v: number | bigint): string => toField(v).toString();

/** The reference trace of committed sample `i`. */
async function traceOf(i = 0): Promise<Awaited<ReturnType<typeof buildCircuitInput>>["trace"]> {
  const s = samples[i] as TestSample;
  return (await buildCircuitInput({ model, input: quantiseImage(imageOf(s)), taskBinding: BINDING })).trace;
}

describe("mnist_mlp circuit: configuration", () => {
  it("circuits.json params and pubs equal the SDK spec and ProofLib's order", () => {
    const config = circuitConfig();
    expect(config.params).toEqual(circuitParams());
    expect(config.pubs).toEqual([...PUBLIC_SIGNAL_NAMES]);
    expect(config.pubs).toEqual(["modelCommitment", "inputCommitment", "outputWord", "taskBinding"]);
  });

  it("stays within the constraint budget (a 2^12 domain) and every public input is constrained", async () => {
    const r1cs = await snarkjs.r1cs.exportJson(compiled.r1cs);
    // 2^12 rows (constraints + public inputs + 1) keep the prover under the 1 s budget on 2 cores
    expect(r1cs.nConstraints).toBeLessThanOrEqual(4096 - 5);
    // wires 1..4 are the public inputs in declaration order; each must appear in some constraint
    for (let wire = 1; wire <= 4; wire++) {
      const used = r1cs.constraints.some(
        ([a, b, c]) => String(wire) in a || String(wire) in b || String(wire) in c,
      );
      expect(used, `public input wire ${wire} is constrained`).toBe(true);
    }
    // the binding is used quadratically (bindingSquare <== taskBinding * taskBinding)
    expect(r1cs.constraints.some(([a, b]) => "4" in a && "4" in b)).toBe(true);
  });
});

describe("mnist_mlp circuit: bit-identical to the TypeScript reference", () => {
  it(`matches the reference on all ${samples.length} committed test samples`, async () => {
    expect(samples.length).toBeGreaterThanOrEqual(20);
    let correct = 0;
    for (const [i, s] of samples.entries()) {
      const built = await buildCircuitInput({
        model,
        input: quantiseImage(imageOf(s)),
        taskBinding: BINDING,
      });
      const w = await witnessOf(built.circuitInput);
      const at = (name: string): bigint => {
        const k = symbols.get(name);
        if (k === undefined) throw new Error(`signal ${name} not in the witness`);
        return w[k] as bigint;
      };
      PUBLIC_SIGNAL_NAMES.forEach((name, p) => {
        expect(w[p + 1], `sample ${i}: public signal ${name} is witness wire ${p + 1}`).toBe(
          built.publicSignals[name],
        );
      });
      built.trace.hidden.forEach((h, j) =>
        expect(at(`main.h[${j}]`), `sample ${i} h[${j}]`).toBe(toField(h)),
      );
      // The logits, from this test's own arithmetic (not the SDK's trace). --O2 substitutes a signal that is a
      // linear combination of others: the output word is Σ logit_k · 2^(k·bits), so one logit may be left out of
      // the witness. The ones kept are compared one by one; the output word (public signal 2, compared above)
      // packs all ten, and packing is one-to-one on the range the circuit checks, so it pins the missing one.
      const ref = uncheckedInference(model, quantiseImage(imageOf(s))).logits;
      expect(ref).toEqual(built.trace.logits);
      const missing = ref.filter((_, k) => !symbols.has(`main.logits[${k}]`)).length;
      expect(missing, "logits the optimiser removed from the witness").toBeLessThanOrEqual(1);
      ref.forEach((l, k) => {
        if (symbols.has(`main.logits[${k}]`))
          expect(at(`main.logits[${k}]`), `sample ${i} logit ${k}`).toBe(toField(l));
      });
      expect(w[1 + PUBLIC_SIGNAL_NAMES.indexOf("outputWord")], `sample ${i}: output word`).toBe(
        packOutput(ref),
      );
      if (built.trace.predicted === s.label) correct++;
    }
    expect(correct / samples.length).toBeGreaterThanOrEqual(0.85);
  });

  it("the witness satisfies the r1cs (not only the witness generator's asserts)", async () => {
    const wtns = await computeWitness(await validInput(3), wasm);
    expect(await snarkjs.wtns.check(compiled.r1cs, { type: "mem", data: wtns })).toBe(true);
  });

  it("accepts a hiding input commitment (salt) and any model with a matching commitment", async () => {
    await witnessOf(await validInput(1, 987654321n));
    const other = structuredClone(model);
    const row = other.w1[0] as number[];
    row[27] = (row[27] as number) === 31 ? 30 : (row[27] as number) + 1;
    const s = samples[2] as TestSample;
    const built = await buildCircuitInput({
      model: other,
      input: quantiseImage(imageOf(s)),
      taskBinding: BINDING,
    });
    expect(built.publicSignals.modelCommitment).not.toBe(await modelCommitment(model));
    await witnessOf(built.circuitInput);
  });
});

describe("mnist_mlp circuit: one expectFail per constraint boundary", () => {
  it("rejects a wrong remainder (requantisation equation)", async () => {
    const input = await validInput();
    input.r1[0] = dec(Number(input.r1[0]) === 0 ? 1 : 0);
    await expectFail(input, "acc1 === unpacked1;");
  });

  it("rejects a remainder >= 2^shift even when the equation balances (q - 1, r + 2^shift)", async () => {
    const input = await validInput();
    const trace = await traceOf();
    input.q1[0] = dec((trace.q1[0] as number) - 1);
    input.r1[0] = dec((trace.r1[0] as number) + 2 ** SPEC.shift);
    await expectFail(input, "r1Bits[i].in <== r1[i];");
  });

  it("rejects a negative remainder (q + 1, r - 2^shift)", async () => {
    const input = await validInput();
    const trace = await traceOf();
    input.q1[0] = dec((trace.q1[0] as number) + 1);
    input.r1[0] = dec((trace.r1[0] as number) - 2 ** SPEC.shift);
    await expectFail(input, "r1Bits[i].in <== r1[i];");
  });

  it("rejects a carry between packed slots (q1 out of its signed range, accumulator unchanged)", async () => {
    const input = await validInput();
    const trace = await traceOf();
    // z0 + 2^K1 and z1 - 1 pack to the same accumulator
    const z0 = (trace.z1[0] as number) + 2 ** SPEC.k1;
    const z1 = (trace.z1[1] as number) - 1;
    const a = requantise(z0, SPEC.shift);
    const b = requantise(z1, SPEC.shift);
    input.q1[0] = dec(a.q);
    input.r1[0] = dec(a.r);
    input.q1[1] = dec(b.q);
    input.r1[1] = dec(b.r);
    await expectFail(input, "q1Sign[i].in <== q1[i];");
  });

  it("rejects a pixel >= 2^xBits even when the packed input (and its commitment) is unchanged", async () => {
    const x = quantiseImage(imageOf(samples[0] as TestSample));
    const j = x.findIndex((v, k) => k > 0 && k < 49 && v > 0 && (x[k - 1] as number) === 0);
    expect(j).toBeGreaterThan(0);
    const tampered = [...x];
    tampered[j - 1] = 16; // +16 * 2^(4(j-1)) ...
    tampered[j] = (tampered[j] as number) - 1; // ... -1 * 2^(4j): same packed chunk
    const input = await validInput();
    const attack = uncheckedInference(model, tampered);
    input.x = tampered.map(dec);
    input.q1 = attack.q1.map(dec);
    input.r1 = attack.r1.map(dec);
    input.logits = attack.logits.map(dec);
    // the packed input and therefore its commitment are unchanged: only the range check can catch it
    input.outputWord = packOutput(attack.logits).toString();
    await expectFail(input, "xBits[j].in <== x[j];");
  });

  it("rejects a tampered output (logit changed, output word recomputed for it)", async () => {
    const input = await validInput();
    const trace = await traceOf();
    const tampered = [...trace.logits];
    const best = trace.predicted;
    tampered[(best + 1) % 10] = (trace.logits[best] as number) + 1; // claim another digit wins
    input.logits = tampered.map(dec);
    input.outputWord = packOutput(tampered).toString();
    await expectFail(input, "acc2 === unpacked2;");
  });

  it("rejects a logit carry between packed slots (logit out of its signed range)", async () => {
    const input = await validInput();
    const trace = await traceOf();
    const tampered = [...trace.logits];
    tampered[0] = (tampered[0] as number) + 2 ** SPEC.k2;
    tampered[1] = (tampered[1] as number) - 1;
    input.logits = tampered.map(dec);
    await expectFail(input, "logitSign[k].in <== logits[k];");
  });

  it("rejects an output word that does not match the logits (proven digit 3, published digit 4)", async () => {
    const input = await validInput();
    input.outputWord = (BigInt(input.outputWord) + 1n).toString();
    await expectFail(input, "outputWord === logitsPacked;");
    // the attack of the protocol-economics review: the published word claims another digit wins
    const trace = await traceOf();
    const claimed = [...trace.logits];
    claimed[(trace.predicted + 1) % 10] = (trace.logits[trace.predicted] as number) + 100;
    const other = await validInput();
    other.outputWord = packOutput(claimed).toString();
    await expectFail(other, "outputWord === logitsPacked;");
  });

  it("rejects wrong weights under the registered model commitment", async () => {
    const input = await validInput();
    const other = structuredClone(model);
    const row = other.w1[5] as number[];
    row[7] = (row[7] as number) + 1;
    const packed = packModel(other);
    input.w1Packed = packed.w1Packed.map(String);
    // the prover recomputes every hint for the other weights; only the commitment can catch it
    const attack = uncheckedInference(other, quantiseImage(imageOf(samples[0] as TestSample)));
    input.q1 = attack.q1.map(dec);
    input.r1 = attack.r1.map(dec);
    input.logits = attack.logits.map(dec);
    input.outputWord = packOutput(attack.logits).toString();
    await expectFail(input, "modelCommitment === modelHash.out;");
  });

  it("rejects an input that does not match the input commitment", async () => {
    const input = await validInput();
    input.inputCommitment = (
      await inputCommitment(quantiseImage(imageOf(samples[1] as TestSample)))
    ).toString();
    await expectFail(input, "inputCommitment === inputHash.out;");
    const salted = await validInput(0, 42n);
    salted.inputSalt = "43";
    await expectFail(salted, "inputCommitment === inputHash.out;");
  });
});

describe("mnist_mlp proof with the committed artifacts", () => {
  const haveArtifacts = existsSync(repoPath("circuits/artifacts/mnist_mlp_final.zkey"));

  it.skipIf(!haveArtifacts)(
    "emits public signals in ProofLib order, verifies, and is bound to the task",
    async () => {
      const s = samples[7] as TestSample;
      const result = await proveInference({
        model,
        input: imageOf(s),
        taskBinding: BINDING,
        artifacts: await mnistMlpArtifacts(),
      });
      const expected = [
        await modelCommitment(model),
        await inputCommitment(quantiseImage(imageOf(s))),
        packOutput(result.trace.logits),
        BINDING,
      ].map(String);
      expect(result.publicSignals).toEqual(expected);
      expect(result.publicSignals[0]).toBe(model.commitment);
      const vkey = await loadMnistMlpVerificationKey();
      expect(vkey.nPublic).toBe(4);
      expect(await verifyInferenceProof(vkey, result.publicSignals, result.proof)).toBe(true);
      // any other task binding (another task, market, chain or provider) rejects the same proof
      const moved = [...result.publicSignals];
      moved[3] = (BINDING + 1n).toString();
      expect(await verifyInferenceProof(vkey, moved, result.proof)).toBe(false);
      // and so does any other output
      const forged = [...result.publicSignals];
      forged[2] = packOutput(result.trace.logits.map((l, k) => (k === 0 ? l + 1 : l))).toString();
      expect(await verifyInferenceProof(vkey, forged, result.proof)).toBe(false);
      // the Solidity calldata layout equals snarkjs' own export
      const calldata = JSON.parse(
        `[${await snarkjs.groth16.exportSolidityCallData(result.proof, result.publicSignals)}]`,
      ) as [string[], string[][], string[], string[]];
      const p = result.calldata.proof;
      expect([p.a.map(String), p.b.map((r) => r.map(String)), p.c.map(String)]).toEqual(
        calldata
          .slice(0, 3)
          .map((v) =>
            (v as (string | string[])[]).map((e) =>
              Array.isArray(e) ? e.map((x) => BigInt(x).toString()) : BigInt(e).toString(),
            ),
          ),
      );
      expect(result.calldata.publicSignals.map(String)).toEqual(
        (calldata[3] as string[]).map((x) => BigInt(x).toString()),
      );
    },
  );
});
