// Minimal typings for the untyped JavaScript packages the zk module uses.

declare module "circomlibjs" {
  export interface PoseidonField {
    toObject(element: Uint8Array): bigint;
    e(value: bigint | number | string): Uint8Array;
  }
  export interface PoseidonHasher {
    (inputs: readonly (bigint | number | string)[]): Uint8Array;
    F: PoseidonField;
  }
  export function buildPoseidon(): Promise<PoseidonHasher>;
}

declare module "snarkjs" {
  export type NumericString = string;
  export interface Groth16Proof {
    pi_a: NumericString[];
    pi_b: NumericString[][];
    pi_c: NumericString[];
    protocol: string;
    curve: string;
  }
  export interface VerificationKey {
    protocol: string;
    curve: string;
    nPublic: number;
    [key: string]: unknown;
  }
  export type CircuitSignals = Record<string, string | string[] | string[][]>;
  export const groth16: {
    fullProve(
      input: CircuitSignals,
      wasmFile: string | Uint8Array,
      zkeyFile: string | Uint8Array,
      logger?: unknown,
    ): Promise<{ proof: Groth16Proof; publicSignals: NumericString[] }>;
    prove(
      zkeyFile: string | Uint8Array,
      witnessFile: string | Uint8Array | { type: "mem"; data?: Uint8Array },
      logger?: unknown,
    ): Promise<{ proof: Groth16Proof; publicSignals: NumericString[] }>;
    verify(
      vk: VerificationKey,
      publicSignals: NumericString[],
      proof: Groth16Proof,
      logger?: unknown,
    ): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: NumericString[]): Promise<string>;
  };
  export const wtns: {
    calculate(
      input: CircuitSignals,
      wasmFile: string | Uint8Array,
      wtnsFile: string | { type: "mem"; data?: Uint8Array },
      options?: unknown,
    ): Promise<void>;
    exportJson(wtnsFile: string | { type: "mem"; data?: Uint8Array }): Promise<bigint[]>;
    check(
      r1csFile: string,
      wtnsFile: string | { type: "mem"; data?: Uint8Array },
      logger?: unknown,
    ): Promise<boolean>;
  };
  export const zKey: {
    exportVerificationKey(zkeyFile: string | Uint8Array, logger?: unknown): Promise<VerificationKey>;
    exportSolidityVerifier(
      zkeyFile: string | Uint8Array,
      templates: Record<string, string>,
      logger?: unknown,
    ): Promise<string>;
    newZKey(r1csFile: string, ptauFile: string, zkeyFile: string, logger?: unknown): Promise<unknown>;
    contribute(
      zkeyIn: string,
      zkeyOut: string,
      name: string,
      entropy: string,
      logger?: unknown,
    ): Promise<Uint8Array>;
    beacon(
      zkeyIn: string,
      zkeyOut: string,
      name: string,
      beaconHash: string,
      numIterationsExp: number,
      logger?: unknown,
    ): Promise<Uint8Array>;
    verifyFromR1cs(r1csFile: string, ptauFile: string, zkeyFile: string, logger?: unknown): Promise<boolean>;
  };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, fileName: string, logger?: unknown): Promise<unknown>;
    contribute(
      ptauIn: string,
      ptauOut: string,
      name: string,
      entropy: string,
      logger?: unknown,
    ): Promise<Uint8Array>;
    beacon(
      ptauIn: string,
      ptauOut: string,
      name: string,
      beaconHash: string,
      numIterationsExp: number,
      logger?: unknown,
    ): Promise<Uint8Array>;
    preparePhase2(ptauIn: string, ptauOut: string, logger?: unknown): Promise<void>;
    verify(ptauFile: string, logger?: unknown): Promise<boolean>;
    truncate(ptauFile: string, template: string, logger?: unknown): Promise<void>;
  };
  export const r1cs: {
    exportJson(
      r1csFile: string,
      logger?: unknown,
    ): Promise<{
      nConstraints: number;
      constraints: [Record<string, string>, Record<string, string>, Record<string, string>][];
    }>;
    info(
      r1csFile: string,
      logger?: unknown,
    ): Promise<{
      nConstraints: number;
      nVars: number;
      nPubInputs: number;
      nPrvInputs: number;
      nOutputs: number;
    }>;
  };
  export const curves: {
    getCurveFromName(name: string): Promise<unknown>;
  };
}

declare module "circom_runtime" {
  /** circom's witness calculator: the circuit's wasm compiled once, reusable for any number of witnesses. */
  export function WitnessCalculatorBuilder(
    code: Uint8Array,
    options?: Record<string, unknown>,
  ): Promise<{ calculateWTNSBin(input: Record<string, unknown>, sanityCheck: number): Promise<Uint8Array> }>;
}
