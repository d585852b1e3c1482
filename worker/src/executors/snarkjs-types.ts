/**
 * The slice of snarkjs (untyped JavaScript) the worker uses. snarkjs is loaded with a non-literal dynamic
 * import so these types do not clash with ambient `declare module "snarkjs"` typings elsewhere.
 */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

export interface SnarkjsGroth16 {
  fullProve(
    input: Record<string, unknown>,
    wasmFile: string,
    zkeyFile: string,
    logger?: unknown,
    wtnsCalcOptions?: unknown,
    proverOptions?: { singleThread?: boolean },
  ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
  verify(vk: unknown, publicSignals: string[], proof: Groth16Proof): Promise<boolean>;
}

const SNARKJS = "snarkjs";

export async function loadSnarkjs(): Promise<{ groth16: SnarkjsGroth16 }> {
  return (await import(SNARKJS)) as { groth16: SnarkjsGroth16 };
}
