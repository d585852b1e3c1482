"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { http } from "viem";
import { WagmiProvider, createConfig } from "wagmi";
import { injected } from "wagmi/connectors";
import type { WebConfig } from "@/lib/config.ts";
import { chainOf } from "@/lib/chain.ts";
import { ConfigProvider } from "./config-context.tsx";

/**
 * wagmi + react-query for the whole app. Wallets are found through EIP-6963 discovery (wagmi's
 * `multiInjectedProviderDiscovery`); the plain `injected()` connector covers a wallet that only sets
 * `window.ethereum` and is hidden in the connect dialog when a discovered wallet already stands for it.
 */
export function Providers({ config, children }: { config: WebConfig; children: ReactNode }) {
  const [wagmiConfig] = useState(() => {
    const chain = chainOf(config);
    return createConfig({
      chains: [chain],
      transports: { [chain.id]: http(config.rpcUrl) },
      connectors: [injected({ shimDisconnect: true })],
      multiInjectedProviderDiscovery: true,
      ssr: true,
    });
  });
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 1 } } }),
  );
  return (
    <ConfigProvider value={config}>
      <WagmiProvider config={wagmiConfig}>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </WagmiProvider>
    </ConfigProvider>
  );
}
