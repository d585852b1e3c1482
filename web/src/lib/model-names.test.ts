import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEMO_MODELS } from "../../../deploy/demo-models.ts";
import { MNIST_MLP } from "../../../deploy/ignition/modules/EAIProtocol.ts";
import { KNOWN_MODELS, knownModelOf, modelName } from "./model-names.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("model names", () => {
  it("names exactly the models the project deploys, by the sha256 of the artifacts deploy/ registers", async () => {
    const deployed: Record<string, string> = {
      mnist: sha256(await readFile(new URL("../../../circuits/models/mnist-mlp.json", import.meta.url))),
    };
    // The Ignition module registers the MNIST model under this content address.
    expect(MNIST_MLP.artifactURI).toBe(`eai://blob/sha256-${deployed.mnist}`);
    expect(knownModelOf(MNIST_MLP.artifactURI)).toMatchObject({ name: "mnist-mlp", input: "zk-mlp" });
    for (const m of DEMO_MODELS) {
      const uri = `eai://blob/sha256-${sha256(await m.artifact())}`;
      expect(knownModelOf(uri)?.name, m.name).toBe(m.name);
      expect(knownModelOf(uri)?.input, m.name).toBe(m.kind === "onnx" ? "eait" : "bytes");
    }
    expect(Object.keys(KNOWN_MODELS)).toHaveLength(DEMO_MODELS.length + 1);
  });

  it("names any other model by kind and id", () => {
    expect(modelName({ id: "4", kind: "ONNX", artifactUri: `eai://blob/sha256-${"00".repeat(32)}` })).toBe(
      "ONNX model 4",
    );
    expect(modelName({ id: "7", kind: "ZK_MLP", artifactUri: "ipfs://bafy" })).toBe("ZK model 7");
    // An upper-case or malformed address is not a blob URI.
    expect(knownModelOf(`eai://blob/sha256-${"34A9".padEnd(64, "0")}`)).toBeUndefined();
  });
});
