/**
 * EIP-2612 permits signed in the browser wallet, with the typed data the SDK builds (`@eai/sdk/tasks/permit`),
 * so the web app and the SDK client sign exactly the same message.
 */
import type { Account, Address, Hex, PublicClient, WalletClient } from "viem";
import { eaiTokenAbi } from "@eai/sdk/abis";
import { permitSignatureParts, permitTypedData } from "@eai/sdk/tasks/permit";

/** How long a permit the app asks for stays valid, from the latest block's time. */
export const PERMIT_VALIDITY_SECONDS = 3600;

/** The arguments a `…WithPermit` call takes besides its own. */
export interface SignedPermit {
  deadline: bigint;
  v: number;
  r: Hex;
  s: Hex;
}

/** What signing needs: reads of the token and a wallet that signs typed data. */
export interface PermitClients {
  publicClient: Pick<PublicClient, "readContract">;
  walletClient: Pick<WalletClient, "signTypedData">;
}

/**
 * Asks the wallet to sign a permit letting `spender` pull `value` of `token` from `owner` until `deadline`. The
 * token's EIP-712 domain (ERC-5267 `eip712Domain()`) and the owner's current nonce are read first, so the
 * signature is valid for exactly the next permit of this owner.
 */
export async function signPermit(
  clients: PermitClients,
  params: { token: Address; owner: Address | Account; spender: Address; value: bigint; deadline: bigint },
): Promise<SignedPermit> {
  const owner = typeof params.owner === "string" ? params.owner : params.owner.address;
  const [domain, nonce] = await Promise.all([
    clients.publicClient.readContract({
      address: params.token,
      abi: eaiTokenAbi,
      functionName: "eip712Domain",
    }),
    clients.publicClient.readContract({
      address: params.token,
      abi: eaiTokenAbi,
      functionName: "nonces",
      args: [owner],
    }),
  ]);
  const typed = permitTypedData(domain, {
    owner,
    spender: params.spender,
    value: params.value,
    nonce,
    deadline: params.deadline,
  });
  const signature = await clients.walletClient.signTypedData({ account: params.owner, ...typed });
  return { deadline: params.deadline, ...permitSignatureParts(signature) };
}
