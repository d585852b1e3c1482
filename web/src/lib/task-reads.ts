/**
 * Light chain and blob reads of a task (viem and the ABIs only), kept apart from the verification itself so that
 * pages load the Poseidon code only when a task is verified.
 */
import type { Address, Hex, PublicClient } from "viem";
import { taskMarketAbi } from "@eai/sdk/abis";
import type { TaskSpec } from "@eai/sdk/tasks";

/** Result blobs larger than this are not downloaded for verification. */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024;

/** What the checks read from the chain; a viem PublicClient fits. */
export type VerificationClient = Pick<
  PublicClient,
  "getContractEvents" | "getTransaction" | "readContract" | "getBlock"
>;

export interface VerifyContext {
  client: VerificationClient;
  chainId: number;
  market: Address;
  /** First block to search for the market's events (the deployment's start block). */
  fromBlock: bigint;
  /** The deployment's MnistMlpVerifier (tasks verified by it ran the digits model). */
  digitsVerifier: Address;
  /** Fetches a blob by sha256 (in the app: GET /api/blobs/<sha256>). */
  fetchBlob: (sha256: string) => Promise<Uint8Array>;
}

/** The spec and input URI the market emitted at submission (`TaskSubmitted`), or null when there is none. */
export async function readSubmittedTask(
  ctx: Pick<VerifyContext, "client" | "market" | "fromBlock">,
  taskId: bigint,
): Promise<{ spec: TaskSpec; inputURI: string; txHash: Hex; blockNumber: bigint } | null> {
  const [event] = await ctx.client.getContractEvents({
    address: ctx.market,
    abi: taskMarketAbi,
    eventName: "TaskSubmitted",
    args: { taskId },
    fromBlock: ctx.fromBlock,
    strict: true,
  });
  if (!event) return null;
  return {
    spec: event.args.spec,
    inputURI: event.args.inputURI,
    txHash: event.transactionHash,
    blockNumber: event.blockNumber,
  };
}

/** Downloads a blob through this app's same-origin proxy, refusing more than {@link MAX_RESULT_BYTES}. */
export async function fetchBlobFromApp(sha256: string): Promise<Uint8Array> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
  const res = await fetch(`/api/blobs/${sha256}`);
  if (!res.ok) throw new Error(`the blob store answered ${res.status}`);
  const length = Number(res.headers.get("content-length") ?? "0");
  if (length > MAX_RESULT_BYTES)
    throw new Error(`the result is ${length} bytes, more than ${MAX_RESULT_BYTES}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_RESULT_BYTES) {
    throw new Error(`the result is ${bytes.length} bytes, more than ${MAX_RESULT_BYTES}`);
  }
  return bytes;
}
