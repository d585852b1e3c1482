/** Conversion of a snarkjs Groth16 proof to the `ProofLib.Proof` calldata layout. */

/** A snarkjs `groth16.prove` proof (decimal strings; projective coordinates). */
export interface SnarkjsProof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol?: string;
  curve?: string;
}

/** `ProofLib.Proof`: `b` holds each G2 coordinate with its limbs swapped, as `zkey export soliditycalldata` prints. */
export interface SolidityProof {
  a: readonly [bigint, bigint];
  b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  c: readonly [bigint, bigint];
}

function at(values: readonly string[] | undefined, i: number, field: string): bigint {
  const v = values?.[i];
  if (typeof v !== "string" || !/^\d+$/.test(v))
    throw new Error(`groth16 proof: ${field}[${i}]: expected a decimal string`);
  return BigInt(v);
}

export function toSolidityProof(proof: SnarkjsProof): SolidityProof {
  return {
    a: [at(proof.pi_a, 0, "pi_a"), at(proof.pi_a, 1, "pi_a")],
    b: [
      [at(proof.pi_b[0], 1, "pi_b[0]"), at(proof.pi_b[0], 0, "pi_b[0]")],
      [at(proof.pi_b[1], 1, "pi_b[1]"), at(proof.pi_b[1], 0, "pi_b[1]")],
    ],
    c: [at(proof.pi_c, 0, "pi_c"), at(proof.pi_c, 1, "pi_c")],
  };
}
