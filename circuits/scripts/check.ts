/**
 * CI check of the committed artifacts of every circuit in circuits/circuits.json (fast, no setup, no ptau):
 *   npx node --experimental-strip-types circuits/scripts/check.ts
 *
 * 1. regenerates the Solidity verifier from the committed zkey and fails on any byte of difference;
 * 2. recompiles the circuit (circom2 --O2 output is byte-deterministic, also across checkout paths) and fails unless
 *    the r1cs and wasm hashes, the constraint count and the source hash equal the manifest, and the committed wasm
 *    is that wasm;
 * 3. checks the sha256 of every committed artifact against the manifest, the verification key against the zkey,
 *    and the model commitment against the committed model.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { loadMnistMlpModel, modelCommitment } from "../../sdk/src/zk/index.ts";
import { circuitNames, compileCircuit, sourceHashes } from "./compile.ts";
import { batchSize, renderVerifier } from "./export-verifier.ts";
import { progress, repoPath, sha256 } from "./lib.ts";
import { circuitArtifactPaths, readManifest } from "./manifest.ts";

const start = performance.now();
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  progress(start, `${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

const model = await loadMnistMlpModel();
const commitment = (await modelCommitment(model)).toString();

for (const circuit of circuitNames()) {
  const manifest = readManifest(circuit);
  const paths = circuitArtifactPaths(circuit);
  check(manifest.circuit === circuit, `${paths.manifest} is the manifest of ${circuit}`);

  // ---- 1. verifier ----------------------------------------------------------------------------------------------
  const regenerated = await renderVerifier(repoPath(paths.zkey), circuit, batchSize(circuit));
  const committed = readFileSync(repoPath(paths.verifier), "utf8");
  check(regenerated === committed, `${paths.verifier} equals the verifier regenerated from ${paths.zkey}`);

  // ---- 2. recompile -----------------------------------------------------------------------------------------------
  const out = mkdtempSync(join(tmpdir(), `${circuit}-check-`));
  try {
    const compiled = await compileCircuit(out, circuit);
    const info = await snarkjs.r1cs.info(compiled.r1cs);
    check(
      info.nConstraints === manifest.constraints,
      `${circuit}: constraints ${info.nConstraints} = manifest ${manifest.constraints}`,
    );
    check(
      sha256(compiled.r1cs) === manifest.build.r1csSha256,
      `${circuit}: recompiled r1cs sha256 = manifest`,
    );
    check(
      sha256(compiled.wasm) === manifest.build.wasmSha256,
      `${circuit}: recompiled wasm sha256 = manifest`,
    );
    check(
      sha256(compiled.wasm) === sha256(repoPath(paths.wasm)),
      `committed ${paths.wasm} = recompiled wasm`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  check(
    sourceHashes(circuit).combined === manifest.source.sha256,
    `${circuit}: circuit source hash = manifest`,
  );

  // ---- 3. artifact hashes -------------------------------------------------------------------------------------------
  for (const [file, hash] of Object.entries(manifest.artifacts)) {
    let actual = "missing";
    try {
      actual = sha256(repoPath(file));
    } catch {
      // reported below
    }
    check(actual === hash, `${file} sha256 = manifest`);
  }
  const vkey = (await snarkjs.zKey.exportVerificationKey(repoPath(paths.zkey))) as { nPublic: number };
  const committedVkey = JSON.parse(readFileSync(repoPath(paths.vkey), "utf8")) as unknown;
  check(JSON.stringify(vkey) === JSON.stringify(committedVkey), `${paths.vkey} = key exported from the zkey`);
  check(
    vkey.nPublic === 1 + 3 * batchSize(circuit),
    `${circuit}: ${vkey.nPublic} public signals = 1 + 3 * ${batchSize(circuit)}`,
  );
  check(
    commitment === model.commitment && commitment === manifest.modelCommitment,
    `${circuit}: model commitment: recomputed = circuits/models/mnist-mlp.json = manifest`,
  );
}

progress(start, failures.length === 0 ? "all checks passed" : `${failures.length} check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
