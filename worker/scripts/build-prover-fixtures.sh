#!/usr/bin/env bash
# Regenerates worker/fixtures/multiplier/{multiplier.wasm,multiplier.zkey,verification_key.json}: the tiny
# circuit the prover-pool tests prove. Development setup only (local single-party ptau at 2^8).
# Run from the repository root: bash worker/scripts/build-prover-fixtures.sh
set -euo pipefail
dir=worker/fixtures/multiplier
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
npx circom2 "$dir/multiplier.circom" --r1cs --wasm --O2 -o "$build"
npx snarkjs powersoftau new bn128 8 "$build/pot_0.ptau"
npx snarkjs powersoftau contribute "$build/pot_0.ptau" "$build/pot_1.ptau" --name=dev -e="eai worker test fixture"
npx snarkjs powersoftau prepare phase2 "$build/pot_1.ptau" "$build/pot.ptau"
npx snarkjs groth16 setup "$build/multiplier.r1cs" "$build/pot.ptau" "$build/m_0.zkey"
npx snarkjs zkey contribute "$build/m_0.zkey" "$dir/multiplier.zkey" --name=dev -e="eai worker zkey"
npx snarkjs zkey export verificationkey "$dir/multiplier.zkey" "$dir/verification_key.json"
cp "$build/multiplier_js/multiplier.wasm" "$dir/multiplier.wasm"
sha256sum "$dir"/multiplier.{wasm,zkey} "$dir/verification_key.json"
