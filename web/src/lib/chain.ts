import { defineChain, type Chain } from "viem";
import type { WebConfig } from "./config.ts";

/** The viem chain the app and the wallet use, built from the server's configuration. */
export function chainOf(config: Pick<WebConfig, "chainId" | "chainName" | "rpcUrl">): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    testnet: config.chainId === 31337,
  });
}
