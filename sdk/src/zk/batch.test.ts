import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { afterAll, describe, expect, it } from "vitest";
import {
  BatchProver,
  PADDING_BINDING,
  infer,
  inputCommitment,
  loadMnistBatchVerificationKey,
  loadMnistMlpModel,
  mnistMlpArtifacts,
  packOutput,
  proveInference,
  quantiseImage,
  releaseProverThreads,
  verifyInferenceProof,
} from "./index.ts";

interface Sample {
  label: number;
  image: string;
}
const samples = (
  JSON.parse(readFileSync(new URL("../../../data/mnist-test-samples.json", import.meta.url), "utf8")) as {
    samples: Sample[];
  }
).samples;
const image = (i: number): number[] =>
  quantiseImage(new Uint8Array(Buffer.from((samples[i % samples.length] as Sample).image, "base64")));
const binding = (i: number): bigint => 0xb1d0n * 1_000_003n + BigInt(i);

afterAll(async () => {
  await releaseProverThreads();
});

describe("BatchProver", () => {
  // One shared test per circuit size: proving is the slow part (about 1 s for k = 11 here).
  it("k = 4 with 3 tasks and a padding slot, and k = 11 full: verifies, binds every slot's output", async () => {
    const model = await loadMnistMlpModel();
    // ZkLib.PADDING_INPUT is Poseidon(0, 0): the commitment of the all-zero input with salt 0
    const zkLib = readFileSync(new URL("../../../contracts/market/ZkLib.sol", import.meta.url), "utf8");
    const padInput = await inputCommitment(new Array<number>(49).fill(0));
    expect(zkLib).toContain(padInput.toString());

    const p4 = await BatchProver.load({ model, batchSize: 4 });
    const slots = [0, 1, 2].map((i) => ({ input: image(i), taskBinding: binding(i), inputSalt: BigInt(i) }));
    const r4 = await p4.prove(slots);
    expect(r4.publicSignals).toHaveLength(13);
    const vk4 = await loadMnistBatchVerificationKey(4);
    expect(vk4.nPublic).toBe(13);
    expect(await verifyInferenceProof(vk4, r4.publicSignals, r4.proof)).toBe(true);
    // layout: [0] model, [1 + i] input, [5 + i] output, [9 + i] binding; slot 3 is padding
    expect(r4.publicSignals[0]).toBe(model.commitment);
    for (let i = 0; i < 3; i++) {
      expect(r4.publicSignals[1 + i]).toBe(String(await inputCommitment(image(i), BigInt(i))));
      expect(r4.publicSignals[5 + i]).toBe(String(packOutput(infer(model, image(i)).logits)));
      expect(r4.publicSignals[9 + i]).toBe(String(binding(i)));
      expect(r4.slots[i]?.outputWord).toBe(BigInt(r4.publicSignals[5 + i] as string));
    }
    expect(r4.publicSignals[4]).toBe(String(padInput));
    expect(r4.publicSignals[8]).toBe(String(packOutput(infer(model, new Array<number>(49).fill(0)).logits)));
    expect(r4.padOutput).toBe(BigInt(r4.publicSignals[8] as string));
    expect(r4.publicSignals[12]).toBe(String(PADDING_BINDING));
    // one wrong output word (another digit for slot 1) and the whole proof fails
    const forged = [...r4.publicSignals];
    forged[6] = String(BigInt(forged[6] as string) + 1n);
    expect(await verifyInferenceProof(vk4, forged, r4.proof)).toBe(false);
    // a binding moved into the padding slot fails too
    const moved = [...r4.publicSignals];
    moved[12] = String(binding(7));
    expect(await verifyInferenceProof(vk4, moved, r4.proof)).toBe(false);
    await expect(p4.prove([...slots, ...slots])).rejects.toThrow(/holds 1..4 tasks/);

    const p11 = await BatchProver.load({ model, batchSize: 11 });
    const full = Array.from({ length: 11 }, (_, i) => ({
      input: image(10 + i),
      taskBinding: binding(10 + i),
    }));
    const r11 = await p11.prove(full);
    const vk11 = await loadMnistBatchVerificationKey(11);
    expect(r11.publicSignals).toHaveLength(34);
    expect(await verifyInferenceProof(vk11, r11.publicSignals, r11.proof)).toBe(true);
    for (let i = 0; i < 11; i++) {
      expect(r11.publicSignals[12 + i]).toBe(String(packOutput(infer(model, image(10 + i)).logits)));
      expect(r11.publicSignals[23 + i]).toBe(String(binding(10 + i)));
    }
    // the calldata layout is snarkjs' own
    const calldata = JSON.parse(
      `[${await snarkjs.groth16.exportSolidityCallData(r11.proof, r11.publicSignals)}]`,
    ) as [string[], string[][], string[], string[]];
    expect(r11.calldata.publicSignals.map(String)).toEqual(calldata[3].map((x) => BigInt(x).toString()));
    expect(r11.calldata.proof.b[0].map(String)).toEqual(
      (calldata[1][0] as string[]).map((x) => BigInt(x).toString()),
    );
  }, 180_000);

  it("k = 1 reuses the single-task circuit and gives proveInference's signals", async () => {
    const model = await loadMnistMlpModel();
    const p1 = await BatchProver.load({ model, batchSize: 1 });
    const r = await p1.prove([{ input: image(5), taskBinding: binding(5) }]);
    const single = await proveInference({
      model,
      input: image(5),
      taskBinding: binding(5),
      artifacts: await mnistMlpArtifacts(),
    });
    expect(r.publicSignals).toEqual(single.publicSignals);
    expect(await verifyInferenceProof(await loadMnistBatchVerificationKey(1), r.publicSignals, r.proof)).toBe(
      true,
    );
  }, 120_000);
});
