/**
 * Prover pool child process: keeps snarkjs and its cached bn128 curve warm and proves Groth16 jobs one
 * at a time, talking to the pool over the IPC channel. A child process, not a worker thread: snarkjs'
 * ffjavascript (through the `web-worker` package) takes over any non-main thread it is loaded in.
 * Kept free of TypeScript-only runtime syntax so Node runs it directly.
 */
import { loadSnarkjs } from "./snarkjs-types.ts";

interface ProveMessage {
  id: number;
  wasmPath: string;
  zkeyPath: string;
  input: Record<string, unknown>;
  singleThread: boolean;
}

const send = (msg: unknown) => process.send?.(msg);
const snarkjs = await loadSnarkjs();

process.on("message", (msg: ProveMessage) => {
  const started = performance.now();
  snarkjs.groth16
    .fullProve(msg.input, msg.wasmPath, msg.zkeyPath, undefined, undefined, {
      singleThread: msg.singleThread,
    })
    .then(
      ({ proof, publicSignals }) =>
        send({ id: msg.id, ok: true, proof, publicSignals, elapsedMs: performance.now() - started }),
      (err: unknown) =>
        send({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
    );
});
// The pool went away: nothing left to prove for.
process.on("disconnect", () => process.exit(0));
send({ ready: true });
