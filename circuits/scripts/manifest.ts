import { readFileSync } from "node:fs";
import { z } from "zod";
import { repoPath } from "./lib.ts";

export const MANIFEST_PATH = "circuits/artifacts/manifest.json";

/** Where a circuit's committed artifacts live (repository-relative); mnist_mlp keeps its historical names. */
export interface CircuitArtifactPaths {
  wasm: string;
  zkey: string;
  vkey: string;
  verifier: string;
  manifest: string;
  /** the Solidity contract name of the verifier */
  contract: string;
}

export function circuitArtifactPaths(name: string): CircuitArtifactPaths {
  const contract = `${name
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("")}Verifier`;
  const legacy = name === "mnist_mlp";
  return {
    wasm: `circuits/artifacts/${name}.wasm`,
    zkey: `circuits/artifacts/${name}_final.zkey`,
    vkey: legacy
      ? "circuits/artifacts/verification_key.json"
      : `circuits/artifacts/${name}_verification_key.json`,
    verifier: `contracts/verifiers/${contract}.sol`,
    manifest: legacy ? MANIFEST_PATH : `circuits/artifacts/${name}.manifest.json`,
    contract,
  };
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const contribution = z.object({ name: z.string(), hash: z.string() });

/** circuits/artifacts/manifest.json: what was set up, from what, and the hashes check.ts compares. */
export const manifestSchema = z.object({
  circuit: z.string(),
  template: z.string(),
  params: z.array(z.number().int()),
  publicSignals: z.array(z.string()),
  compiler: z.string(),
  source: z.object({ sha256: hex64, files: z.record(z.string(), hex64) }),
  constraints: z.number().int(),
  /** log2 of the QAP domain: constraints + public inputs + 1 <= 2^domainPower (the ptau must be at least this). */
  domainPower: z.number().int(),
  wires: z.number().int(),
  privateInputs: z.number().int(),
  /** Build outputs not committed (r1cs is ~4 MB) but pinned by hash: check.ts recompiles and compares. */
  build: z.object({ r1csSha256: hex64, wasmSha256: hex64 }),
  /** Committed files (repository-relative) and their sha256. */
  artifacts: z.record(z.string(), hex64),
  ptau: z.object({
    name: z.string(),
    sha256: hex64,
    origin: z.string(),
    productionSafe: z.boolean(),
  }),
  ceremony: z.object({
    phase2Contributions: z.array(contribution),
    beacon: z.object({
      name: z.string(),
      beaconHash: z.string(),
      iterationsExp: z.number().int(),
      hash: z.string(),
    }),
    zkeyVerified: z.boolean(),
  }),
  modelCommitment: z.string(),
  generatedBy: z.string(),
});

export type Manifest = z.infer<typeof manifestSchema>;

export function readManifest(name = "mnist_mlp"): Manifest {
  return manifestSchema.parse(
    JSON.parse(readFileSync(repoPath(circuitArtifactPaths(name).manifest), "utf8")),
  );
}
