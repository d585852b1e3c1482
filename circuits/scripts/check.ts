/**
 * CI check of the committed circuit artifacts (fast, no setup, no ptau):
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
import { compileCircuit, sourceHashes } from "./compile.ts";
import { renderVerifier, VERIFIER_PATH, ZKEY_PATH } from "./export-verifier.ts";
import { progress, repoPath, sha256 } from "./lib.ts";
import { readManifest } from "./manifest.ts";

const start = performance.now();
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  progress(start, `${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

const manifest = readManifest();

// ---- 1. verifier ------------------------------------------------------------------------------------------------------
const regenerated = await renderVerifier(repoPath(ZKEY_PATH));
const committed = readFileSync(repoPath(VERIFIER_PATH), "utf8");
check(regenerated === committed, `${VERIFIER_PATH} equals the verifier regenerated from ${ZKEY_PATH}`);

// ---- 2. recompile -------------------------------------------------------------------------------------------------------
const out = mkdtempSync(join(tmpdir(), "mnist-mlp-check-"));
try {
  const compiled = await compileCircuit(out);
  const info = await snarkjs.r1cs.info(compiled.r1cs);
  check(
    info.nConstraints === manifest.constraints,
    `constraints ${info.nConstraints} = manifest ${manifest.constraints}`,
  );
  check(sha256(compiled.r1cs) === manifest.build.r1csSha256, "recompiled r1cs sha256 = manifest");
  check(sha256(compiled.wasm) === manifest.build.wasmSha256, "recompiled wasm sha256 = manifest");
  check(
    sha256(compiled.wasm) === sha256(repoPath("circuits/artifacts/mnist_mlp.wasm")),
    "committed circuits/artifacts/mnist_mlp.wasm = recompiled wasm",
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
check(sourceHashes().combined === manifest.source.sha256, "circuit source hash = manifest");

// ---- 3. artifact hashes ---------------------------------------------------------------------------------------------------
for (const [file, hash] of Object.entries(manifest.artifacts)) {
  let actual = "missing";
  try {
    actual = sha256(repoPath(file));
  } catch {
    // reported below
  }
  check(actual === hash, `${file} sha256 = manifest`);
}
const vkey = await snarkjs.zKey.exportVerificationKey(repoPath(ZKEY_PATH));
const committedVkey = JSON.parse(
  readFileSync(repoPath("circuits/artifacts/verification_key.json"), "utf8"),
) as unknown;
check(
  JSON.stringify(vkey) === JSON.stringify(committedVkey),
  "verification_key.json = key exported from the zkey",
);
const model = await loadMnistMlpModel();
const commitment = (await modelCommitment(model)).toString();
check(
  commitment === model.commitment && commitment === manifest.modelCommitment,
  "model commitment: recomputed = circuits/models/mnist-mlp.json = manifest",
);

progress(start, failures.length === 0 ? "all checks passed" : `${failures.length} check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
