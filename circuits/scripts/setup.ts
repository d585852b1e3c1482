/**
 * Groth16 trusted setup for a circuit of circuits/circuits.json (default mnist_mlp), with a multi-party phase 2:
 *
 *   npx node --experimental-strip-types circuits/scripts/setup.ts --ptau <file.ptau>
 *   npx node --experimental-strip-types circuits/scripts/setup.ts --generate-ptau 13
 *   npx node --experimental-strip-types circuits/scripts/setup.ts --circuit mnist_mlp_b4 --ptau <file.ptau>
 *
 * Options:
 *   --circuit <name>         which circuit (mnist_mlp, mnist_mlp_b4, mnist_mlp_b11; default mnist_mlp)
 *   --ptau <path>            a prepared (phase-2) powers-of-tau file, e.g. a public ceremony's (Hermez/Polygon)
 *   --generate-ptau <power>  make a local one from scratch: new -> contribute -> beacon -> prepare phase2 -> verify
 *                            (development only: this machine saw the toxic waste; prepare phase2 takes minutes)
 *   --contributions <n>      phase-2 contributions before the beacon (default 2, each with fresh random entropy)
 *   --beacon <hex>           public random beacon for the final phase-2 step (production: a future block hash)
 *   --ptau-origin <text>     where the ptau came from, recorded in the manifest
 *   --production             record the ptau as production-safe (only with a public ceremony ptau)
 *
 * Steps: compile (--O2) -> [ptau] -> groth16 setup -> n contributions -> beacon -> zkey verify -> export
 * verification key and Solidity verifier -> copy artifacts -> manifest.json with hashes and the transcript.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import * as snarkjs from "snarkjs";
import { z } from "zod";
import { loadMnistMlpModel, modelCommitment } from "../../sdk/src/zk/index.ts";
import { circuitConfig, compileCircuit, sourceHashes } from "./compile.ts";
import { batchSize, renderVerifier } from "./export-verifier.ts";
import { progress, repoPath, sha256 } from "./lib.ts";
import { circuitArtifactPaths, manifestSchema, type Manifest } from "./manifest.ts";

const args = z
  .object({
    circuit: z.string().default("mnist_mlp"),
    ptau: z.string().optional(),
    "generate-ptau": z.coerce.number().int().min(8).max(28).optional(),
    contributions: z.coerce.number().int().min(1).max(16).default(2),
    beacon: z
      .string()
      .regex(/^(0x)?[0-9a-fA-F]{64}$/, "beacon must be 32 bytes of hex")
      .default(sha256(Buffer.from("EAI mnist_mlp development beacon: replace with a future block hash"))),
    "ptau-origin": z.string().optional(),
    production: z.boolean().default(false),
  })
  .refine((a) => (a.ptau === undefined) !== (a["generate-ptau"] === undefined), {
    message: "give exactly one of --ptau <path> or --generate-ptau <power>",
  })
  .parse(
    parseArgs({
      options: {
        circuit: { type: "string" },
        ptau: { type: "string" },
        "generate-ptau": { type: "string" },
        contributions: { type: "string" },
        beacon: { type: "string" },
        "ptau-origin": { type: "string" },
        production: { type: "boolean" },
      },
    }).values,
  );

const start = performance.now();
const log = (m: string): void => progress(start, m);
/** snarkjs logger: its info lines are the progress of long steps. */
const logger = {
  info: (m: string) => log(`  snarkjs: ${m}`),
  warn: (m: string) => log(`  snarkjs warning: ${m}`),
  error: (m: string) => log(`  snarkjs error: ${m}`),
  debug: () => undefined,
};
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const entropy = (): string => randomBytes(32).toString("hex");
const beaconHex = args.beacon.replace(/^0x/, "");

const CIRCUIT = args.circuit;
const paths = circuitArtifactPaths(CIRCUIT);
const build = repoPath("circuits/build");
const setupDir = join(build, `setup-${CIRCUIT}`);
rmSync(setupDir, { recursive: true, force: true });
mkdirSync(setupDir, { recursive: true });

// ---- 1. compile -------------------------------------------------------------------------------------------------------
log("compiling the circuit (circom2 --O2)");
const compiled = await compileCircuit(build, CIRCUIT);
const info = await snarkjs.r1cs.info(compiled.r1cs);
log(`compiled: ${info.nConstraints} constraints, ${info.nVars} wires, ${info.nPrvInputs} private inputs`);
const minPower = Math.ceil(Math.log2(info.nConstraints + info.nPubInputs + info.nOutputs + 1));

// ---- 2. powers of tau -------------------------------------------------------------------------------------------------
let ptauPath: string;
let ptauOrigin: string;
if (args["generate-ptau"] !== undefined) {
  const power = args["generate-ptau"];
  if (power < minPower)
    throw new Error(`--generate-ptau ${power} is too small: the circuit needs 2^${minPower}`);
  const dir = join(build, "ptau");
  mkdirSync(dir, { recursive: true });
  const p = (s: string): string => join(dir, `pot${power}_${s}.ptau`);
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  log(`powers of tau 2^${power}: new accumulator`);
  await snarkjs.powersOfTau.newAccumulator(curve, power, p("0000"), logger);
  log("powers of tau: contribution (random entropy)");
  const c1 = await snarkjs.powersOfTau.contribute(
    p("0000"),
    p("0001"),
    "EAI local contribution",
    entropy(),
    logger,
  );
  log(`powers of tau: contribution hash ${hex(c1)}`);
  log("powers of tau: beacon");
  await snarkjs.powersOfTau.beacon(p("0001"), p("beacon"), "EAI local beacon", beaconHex, 10, logger);
  log(
    "powers of tau: prepare phase 2 (the slow step: measured here ~1.5 min at 2^12, ~6 min at 2^13 on 2 shared cores)",
  );
  await snarkjs.powersOfTau.preparePhase2(p("beacon"), p("final"), logger);
  log("powers of tau: verify");
  if (!(await snarkjs.powersOfTau.verify(p("final"), logger)))
    throw new Error("generated ptau failed verification");
  ptauPath = p("final");
  ptauOrigin =
    args["ptau-origin"] ??
    `generated locally by circuits/scripts/setup.ts --generate-ptau ${power}: new bn128 2^${power}, ` +
      `1 random contribution (hash ${hex(c1)}), beacon ${beaconHex} (2^10 iterations), prepare phase2, verified. ` +
      "Development only.";
} else {
  ptauPath = args.ptau as string;
  ptauOrigin = args["ptau-origin"] ?? `given by --ptau ${basename(ptauPath)}`;
}
const ptauSha = sha256(ptauPath);
log(`ptau: ${basename(ptauPath)} sha256 ${ptauSha}`);

// ---- 3. groth16 setup and the phase-2 ceremony --------------------------------------------------------------------------
const zk = (i: number | string): string =>
  join(setupDir, `${CIRCUIT}_${typeof i === "number" ? String(i).padStart(4, "0") : i}.zkey`);
log("groth16 setup (phase 2 initialisation)");
await snarkjs.zKey.newZKey(compiled.r1cs, ptauPath, zk(0), logger);
const contributions: Manifest["ceremony"]["phase2Contributions"] = [];
for (let i = 1; i <= args.contributions; i++) {
  const name = `EAI phase-2 contribution ${i}`;
  log(`phase 2: ${name} (fresh random entropy, discarded)`);
  const hash = await snarkjs.zKey.contribute(zk(i - 1), zk(i), name, entropy(), logger);
  contributions.push({ name, hash: hex(hash) });
  log(`phase 2: contribution hash ${hex(hash)}`);
}
const beaconName = "EAI phase-2 final beacon";
log(`phase 2: beacon ${beaconHex} (2^10 iterations)`);
const beaconHash = await snarkjs.zKey.beacon(
  zk(args.contributions),
  zk("final"),
  beaconName,
  beaconHex,
  10,
  logger,
);
log("zkey verify (against r1cs and ptau)");
const verified = await snarkjs.zKey.verifyFromR1cs(compiled.r1cs, ptauPath, zk("final"), logger);
if (!verified) throw new Error("zkey verification failed");

// ---- 4. artifacts ---------------------------------------------------------------------------------------------------------
const artifactsDir = repoPath("circuits/artifacts");
mkdirSync(artifactsDir, { recursive: true });
const files = { wasm: paths.wasm, zkey: paths.zkey, vkey: paths.vkey, verifier: paths.verifier };
copyFileSync(compiled.wasm, repoPath(files.wasm));
copyFileSync(zk("final"), repoPath(files.zkey));
const vkey = await snarkjs.zKey.exportVerificationKey(repoPath(files.zkey));
writeFileSync(repoPath(files.vkey), `${JSON.stringify(vkey, null, 2)}\n`);
mkdirSync(repoPath("contracts/verifiers"), { recursive: true });
writeFileSync(
  repoPath(files.verifier),
  await renderVerifier(repoPath(files.zkey), CIRCUIT, batchSize(CIRCUIT)),
);
log(`exported verification key and ${paths.contract}`);

const config = circuitConfig(CIRCUIT);
const manifest: Manifest = manifestSchema.parse({
  circuit: CIRCUIT,
  template: config.template,
  params: config.params,
  publicSignals: config.pubs,
  compiler: "circom 2.2.3 (npm circom2@0.2.23) --O2",
  source: (() => {
    const s = sourceHashes(CIRCUIT);
    return { sha256: s.combined, files: s.files };
  })(),
  constraints: info.nConstraints,
  domainPower: minPower,
  wires: info.nVars,
  privateInputs: info.nPrvInputs,
  build: { r1csSha256: sha256(compiled.r1cs), wasmSha256: sha256(compiled.wasm) },
  artifacts: Object.fromEntries(Object.values(files).map((f) => [f, sha256(repoPath(f))])),
  ptau: {
    name: basename(ptauPath),
    sha256: ptauSha,
    origin: ptauOrigin,
    productionSafe: args.production,
  },
  ceremony: {
    phase2Contributions: contributions,
    beacon: { name: beaconName, beaconHash: beaconHex, iterationsExp: 10, hash: hex(beaconHash) },
    zkeyVerified: verified,
  },
  modelCommitment: (await modelCommitment(await loadMnistMlpModel())).toString(),
  generatedBy: "circuits/scripts/setup.ts",
});
writeFileSync(repoPath(paths.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
log(`wrote ${paths.manifest}; setup done`);
process.exit(0); // snarkjs keeps curve worker threads alive
