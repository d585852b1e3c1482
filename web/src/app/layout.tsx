import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { loadWebConfig } from "@/lib/config.ts";
import { Providers } from "@/components/providers.tsx";
import { Nav } from "@/components/nav.tsx";
import { NetworkGuard } from "@/components/wallet.tsx";
import "./globals.css";

// Configuration is read per request from the environment, so one build serves any deployment.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "EAI — verifiable AI compute", template: "%s · EAI" },
  description: "Submit AI tasks, run a provider, stake and govern the EAI compute marketplace.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const result = await loadWebConfig();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {result.ok ? (
          <Providers config={result.config}>
            <Nav />
            <NetworkGuard />
            <main id="main" className="container">
              {children}
            </main>
          </Providers>
        ) : (
          <main id="main" className="container">
            <h1>EAI is not configured</h1>
            <p role="alert" className="error">
              {result.error}
            </p>
          </main>
        )}
      </body>
    </html>
  );
}
