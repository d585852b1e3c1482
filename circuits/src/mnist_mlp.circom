pragma circom 2.2.3;

include "poseidon.circom";
include "bitify.circom";

// =====================================================================================================================
// EAI verifiable inference: a two-layer fixed-point MLP (N_IN -> N_HID ReLU -> N_OUT logits).
//
// Public signals, in this order (contracts/libraries/ProofLib.sol, circuits/circuits.json `pubs`):
//   [0] modelCommitment   PoseidonChain(header, w1Packed[0..N_IN), b1Packed, w2Packed[0..N_HID), b2Packed)
//   [1] inputCommitment   Poseidon(xPacked[0..N_X_CHUNKS), inputSalt)
//   [2] outputWord        logitsPacked = sum_k (logit_k + 2^(K2-1)) * 2^(K2*k), the output itself
//   [3] taskBinding       keccak256(abi.encode(chainid, market, taskId, provider)) mod p
// All four are public INPUTS declared in this order; the circuit has no outputs, so snarkjs emits exactly this order.
//
// Packed ("SIMD") weights. Column j of layer 1 is one field element holding the N_HID weights that multiply input j,
// one signed K1-bit slot per hidden neuron:  w1Packed[j] = sum_i w1[i][j] * 2^(K1*i)  (mod p).
// One multiplication w1Packed[j] * x[j] therefore computes N_HID products at once, and
//   acc1 = b1Packed + sum_j w1Packed[j] * x[j] = sum_i z[i] * 2^(K1*i),   z[i] = b1[i] + sum_j w1[i][j] * x[j].
// The circuit never unpacks a weight, so the weights need no in-circuit range check: the packed field elements ARE
// the private model, Poseidon binds them, and every value the circuit does unpack (pixels, accumulator slots, logits)
// is range checked, which makes the unpacking unique. See docs/CIRCUITS.md, "Why the weights need no range check".
// =====================================================================================================================

/// Poseidon over any number of field elements: Poseidon(16) over the first 16, then each further chunk of up to 15
/// elements is absorbed as Poseidon(acc, chunk...). For n <= 16 it is plain Poseidon(n).
template PoseidonChain(n) {
    signal input in[n];
    signal output out;

    if (n <= 16) {
        component h = Poseidon(n);
        for (var i = 0; i < n; i++) {
            h.inputs[i] <== in[i];
        }
        out <== h.out;
    } else {
        var nChunks = (n - 16 + 14) \ 15;
        component first = Poseidon(16);
        for (var i = 0; i < 16; i++) {
            first.inputs[i] <== in[i];
        }
        component rest[nChunks];
        signal acc[nChunks + 1];
        acc[0] <== first.out;
        for (var c = 0; c < nChunks; c++) {
            var start = 16 + 15 * c;
            var size = n - start < 15 ? n - start : 15;
            rest[c] = Poseidon(size + 1);
            rest[c].inputs[0] <== acc[c];
            for (var i = 0; i < size; i++) {
                rest[c].inputs[i + 1] <== in[start + i];
            }
            acc[c + 1] <== rest[c].out;
        }
        out <== acc[nChunks];
    }
}

/// Signed range check through an offset: constrains -2^(n-1) <= in < 2^(n-1) and outputs 1 when in >= 0.
/// Costs n constraints (bits of in + 2^(n-1)); the top bit of the offset value is the sign.
template SignedRange(n) {
    signal input in;
    signal output nonNegative;

    component bits = Num2Bits(n);
    bits.in <== in + (1 << (n - 1));
    nonNegative <== bits.out[n - 1];
}

/// The model header: architecture constants hashed in front of the weights, so a commitment also fixes the shape.
/// 16-bit fields, least significant first: version 1, N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2.
function mlpHeader(N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2) {
    var fields[8] = [1, N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2];
    var h = 0;
    for (var i = 0; i < 8; i++) {
        h += fields[i] * (1 << (16 * i));
    }
    return h;
}

/// N_IN:   number of input pixels                  X_BITS: bits per pixel (unsigned, 0 <= x < 2^X_BITS)
/// N_HID:  hidden neurons (N_HID * K1 <= 252)      K1:     signed slot width of a hidden pre-activation
/// N_OUT:  logits (N_OUT * K2 <= 252)              SHIFT:  requantisation shift, h = ReLU(floor(z / 2^SHIFT))
/// K2:     signed slot width of a logit
template MnistMlp(N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2) {
    assert(N_HID * K1 <= 252);
    assert(N_OUT * K2 <= 252);
    assert(SHIFT > 0 && SHIFT < K1);
    var Q1 = K1 - SHIFT; // signed width of the requantised hidden value
    var X_PER_CHUNK = 252 \ X_BITS;
    var N_X_CHUNKS = (N_IN + X_PER_CHUNK - 1) \ X_PER_CHUNK;

    // ---- public inputs (order = public-signal order) ----------------------------------------------------------------
    signal input modelCommitment;
    signal input inputCommitment;
    signal input outputWord;
    signal input taskBinding;

    // ---- private: the model, packed ---------------------------------------------------------------------------------
    signal input w1Packed[N_IN];
    signal input b1Packed;
    signal input w2Packed[N_HID];
    signal input b2Packed;

    // ---- private: the input -----------------------------------------------------------------------------------------
    signal input x[N_IN];
    signal input inputSalt;

    // ---- private: prover hints (computed by the TypeScript reference, fully constrained below) ----------------------
    signal input q1[N_HID]; // floor(z / 2^SHIFT)
    signal input r1[N_HID]; // z - q1 * 2^SHIFT, in [0, 2^SHIFT)
    signal input logits[N_OUT];

    // ---- 1. task binding: a public input used in a constraint, so the proof cannot be moved to another task ---------
    signal bindingSquare <== taskBinding * taskBinding;

    // ---- 2. model commitment ------------------------------------------------------------------------------------------
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

    // ---- 3. input: unsigned range check per pixel, packing, commitment -------------------------------------------------
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

    // ---- 4. layer 1: N_IN packed multiplications give all N_HID accumulators, one per K1-bit slot ---------------------
    signal prod1[N_IN];
    var acc1 = b1Packed;
    for (var j = 0; j < N_IN; j++) {
        prod1[j] <== w1Packed[j] * x[j];
        acc1 += prod1[j];
    }

    // ---- 5. requantisation + ReLU: z = q1 * 2^SHIFT + r1, 0 <= r1 < 2^SHIFT, -2^(Q1-1) <= q1 < 2^(Q1-1) ----------------
    // The slots are unpacked by one linear equation; with every q1, r1 range checked, the signed K1-bit digits of acc1
    // are unique (|acc1| < 2^(N_HID*K1 - 1) <= 2^251 < p/2), so q1 and r1 are exactly floor(z / 2^SHIFT) and z mod 2^SHIFT.
    component r1Bits[N_HID];
    component q1Sign[N_HID];
    signal h[N_HID];
    var unpacked1 = 0;
    for (var i = 0; i < N_HID; i++) {
        r1Bits[i] = Num2Bits(SHIFT);
        r1Bits[i].in <== r1[i];
        q1Sign[i] = SignedRange(Q1);
        q1Sign[i].in <== q1[i];
        // ReLU(q) = q when q >= 0 else 0: one constraint, reusing the sign bit of the range check.
        h[i] <== q1[i] * q1Sign[i].nonNegative;
        unpacked1 += (q1[i] * (1 << SHIFT) + r1[i]) * (1 << (K1 * i));
    }
    acc1 === unpacked1;

    // ---- 6. layer 2: N_HID packed multiplications give all N_OUT logits, one per K2-bit slot ----------------------------
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

    // ---- 7. output: the logits packed as unsigned K2-bit slots (logit + 2^(K2-1)) ARE the public output word ----------
    // Every logit is range checked to K2 signed bits, so each slot holds a value in [0, 2^K2) and the packing is
    // injective (N_OUT * K2 <= 252 bits < p): the word fixes the logits, and a published output that differs from the
    // proven one cannot verify. No hash: the market checks the word itself against the proof.
    outputWord === logitsPacked;
}
