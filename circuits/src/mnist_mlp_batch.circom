pragma circom 2.2.3;

include "poseidon.circom";
include "bitify.circom";
include "mnist_mlp.circom";

// =====================================================================================================================
// EAI verifiable inference, batched: K inferences of ONE committed model in one Groth16 proof (issue #13).
//
// The model is hashed once (PoseidonChain over the header and the 69 packed elements: ~2.9k of the single circuit's
// 3.8k constraints); each further inference adds only the input commitment, the two packed layers and the range
// checks (~1.2k constraints). Public signals, 1 + 3K, in this order (ProofLib.sol, circuits/circuits.json `pubs`):
//   [0]            modelCommitment      as in mnist_mlp.circom
//   [1 + i]        inputCommitment[i]   Poseidon(xPacked_i, inputSalt_i)                       for task slot i < K
//   [1 + K + i]    outputWord[i]        sum_k (logit_{i,k} + 2^(K2-1)) * 2^(K2*k), the output itself
//   [1 + 2K + i]   taskBinding[i]       keccak256(abi.encode(chainid, market, taskId_i, provider)) mod p, or 0 for a
//                                       padding slot (the market settles nothing for it; docs/CIRCUITS.md)
// All are public INPUTS declared in this order (arrays flatten in index order); the circuit has no outputs. For K = 1
// the layout is exactly mnist_mlp's [model, input, output, binding].
//
// Every slot is a complete inference with the same constraints as MnistMlp sections 1 and 3-7 (MlpInference below is
// those sections, line for line), so each slot's output word is bound to its own input and the committed model.
// =====================================================================================================================

/// One inference of a packed model given as private signals (sections 1 and 3-7 of MnistMlp). The caller constrains
/// the model signals to the public model commitment once for all slots.
template MlpInference(N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2) {
    assert(N_HID * K1 <= 252);
    assert(N_OUT * K2 <= 252);
    assert(SHIFT > 0 && SHIFT < K1);
    var Q1 = K1 - SHIFT;
    var X_PER_CHUNK = 252 \ X_BITS;
    var N_X_CHUNKS = (N_IN + X_PER_CHUNK - 1) \ X_PER_CHUNK;

    // public (wired by the caller to the public inputs of this slot)
    signal input inputCommitment;
    signal input outputWord;
    signal input taskBinding;
    // the packed model (constrained to the model commitment by the caller)
    signal input w1Packed[N_IN];
    signal input b1Packed;
    signal input w2Packed[N_HID];
    signal input b2Packed;
    // private input and prover hints
    signal input x[N_IN];
    signal input inputSalt;
    signal input q1[N_HID];
    signal input r1[N_HID];
    signal input logits[N_OUT];

    // ---- 1. task binding in a constraint --------------------------------------------------------------------------
    signal bindingSquare <== taskBinding * taskBinding;

    // ---- 3. input: unsigned range check per pixel, packing, commitment ---------------------------------------------
    component xBits[N_IN];
    for (var j = 0; j < N_IN; j++) {
        xBits[j] = Num2Bits(X_BITS);
        xBits[j].in <== x[j];
    }
    component inputHash = Poseidon(N_X_CHUNKS + 1);
    for (var c = 0; c < N_X_CHUNKS; c++) {
        var packed = 0;
        for (var k = 0; k < X_PER_CHUNK; k++) {
            if (c * X_PER_CHUNK + k < N_IN) {
                packed += x[c * X_PER_CHUNK + k] * (1 << (X_BITS * k));
            }
        }
        inputHash.inputs[c] <== packed;
    }
    inputHash.inputs[N_X_CHUNKS] <== inputSalt;
    inputCommitment === inputHash.out;

    // ---- 4. layer 1, packed ------------------------------------------------------------------------------------------
    signal prod1[N_IN];
    var acc1 = b1Packed;
    for (var j = 0; j < N_IN; j++) {
        prod1[j] <== w1Packed[j] * x[j];
        acc1 += prod1[j];
    }

    // ---- 5. requantisation + ReLU (unique decomposition: every digit range checked) ----------------------------------
    component r1Bits[N_HID];
    component q1Sign[N_HID];
    signal h[N_HID];
    var unpacked1 = 0;
    for (var i = 0; i < N_HID; i++) {
        r1Bits[i] = Num2Bits(SHIFT);
        r1Bits[i].in <== r1[i];
        q1Sign[i] = SignedRange(Q1);
        q1Sign[i].in <== q1[i];
        h[i] <== q1[i] * q1Sign[i].nonNegative;
        unpacked1 += (q1[i] * (1 << SHIFT) + r1[i]) * (1 << (K1 * i));
    }
    acc1 === unpacked1;

    // ---- 6. layer 2, packed, unpacked into range-checked logits --------------------------------------------------------
    signal prod2[N_HID];
    var acc2 = b2Packed;
    for (var i = 0; i < N_HID; i++) {
        prod2[i] <== w2Packed[i] * h[i];
        acc2 += prod2[i];
    }
    component logitSign[N_OUT];
    var unpacked2 = 0;
    var logitsPacked = 0;
    for (var k = 0; k < N_OUT; k++) {
        logitSign[k] = SignedRange(K2);
        logitSign[k].in <== logits[k];
        unpacked2 += logits[k] * (1 << (K2 * k));
        logitsPacked += (logits[k] + (1 << (K2 - 1))) * (1 << (K2 * k));
    }
    acc2 === unpacked2;

    // ---- 7. the output word is the proven logits -------------------------------------------------------------------------
    outputWord === logitsPacked;
}

/// K inferences of one model. Parameters after K are MnistMlp's.
template MnistMlpBatch(K, N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2) {
    assert(K >= 1);

    // ---- public inputs (order = public-signal order) -------------------------------------------------------------------
    signal input modelCommitment;
    signal input inputCommitment[K];
    signal input outputWord[K];
    signal input taskBinding[K];

    // ---- private: the model, packed, once ------------------------------------------------------------------------------
    signal input w1Packed[N_IN];
    signal input b1Packed;
    signal input w2Packed[N_HID];
    signal input b2Packed;

    // ---- private: per slot ---------------------------------------------------------------------------------------------
    signal input x[K][N_IN];
    signal input inputSalt[K];
    signal input q1[K][N_HID];
    signal input r1[K][N_HID];
    signal input logits[K][N_OUT];

    // ---- 2. the model commitment, once for all slots ---------------------------------------------------------------------
    component modelHash = PoseidonChain(N_IN + N_HID + 3);
    modelHash.in[0] <== mlpHeader(N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2);
    for (var j = 0; j < N_IN; j++) {
        modelHash.in[1 + j] <== w1Packed[j];
    }
    modelHash.in[1 + N_IN] <== b1Packed;
    for (var i = 0; i < N_HID; i++) {
        modelHash.in[2 + N_IN + i] <== w2Packed[i];
    }
    modelHash.in[2 + N_IN + N_HID] <== b2Packed;
    modelCommitment === modelHash.out;

    // ---- K inferences with the same packed model --------------------------------------------------------------------------
    component slot[K];
    for (var s = 0; s < K; s++) {
        slot[s] = MlpInference(N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2);
        slot[s].inputCommitment <== inputCommitment[s];
        slot[s].outputWord <== outputWord[s];
        slot[s].taskBinding <== taskBinding[s];
        for (var j = 0; j < N_IN; j++) {
            slot[s].w1Packed[j] <== w1Packed[j];
            slot[s].x[j] <== x[s][j];
        }
        slot[s].b1Packed <== b1Packed;
        for (var i = 0; i < N_HID; i++) {
            slot[s].w2Packed[i] <== w2Packed[i];
            slot[s].q1[i] <== q1[s][i];
            slot[s].r1[i] <== r1[s][i];
        }
        slot[s].b2Packed <== b2Packed;
        slot[s].inputSalt <== inputSalt[s];
        for (var k = 0; k < N_OUT; k++) {
            slot[s].logits[k] <== logits[s][k];
        }
    }
}
