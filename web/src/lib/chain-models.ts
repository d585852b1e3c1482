/**
 * The registry fields of the listed models (`ModelRegistry.getModel`: approval, minimum execution window,
 * execution profile), read in one multicall. Loaded lazily by the models page, so the ABI and the contract-read
 * code stay out of its first load (the page is otherwise read-only from the indexer).
 */
import type { Address } from "viem";
import type { Config } from "wagmi";
import { readContracts } from "wagmi/actions";
import { modelRegistryAbi } from "@eai/sdk/abis";
import type { ChainModelInfo } from "./models.ts";

export async function readChainModels(
  config: Config,
  chainId: number,
  registry: Address,
  ids: readonly string[],
): Promise<Record<string, ChainModelInfo>> {
  const models = await readContracts(config, {
    allowFailure: false,
    contracts: ids.map((id) => ({
      address: registry,
      abi: modelRegistryAbi,
      functionName: "getModel" as const,
      args: [BigInt(id)] as const,
      chainId,
    })),
  });
  const out: Record<string, ChainModelInfo> = {};
  models.forEach((m, i) => {
    const id = ids[i];
    if (id) out[id] = { approved: m.approved, minExecWindow: m.minExecWindow, profile: { ...m.profile } };
  });
  return out;
}
