"use client";
import { createContext, useContext } from "react";
import type { Address } from "viem";
import type { ProtocolContract } from "@eai/sdk/deployments";
import type { WebConfig } from "@/lib/config.ts";

const ConfigContext = createContext<WebConfig | null>(null);

export const ConfigProvider = ConfigContext.Provider;

/** The server's configuration (chain, RPC, indexer, deployment). */
export function useWebConfig(): WebConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error("useWebConfig outside <Providers>");
  return config;
}

/** Address of one of the protocol's contracts in the configured deployment. */
export function useContractAddress(name: ProtocolContract): Address {
  return useWebConfig().deployment.contracts[name].address;
}
