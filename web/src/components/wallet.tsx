"use client";
import { useEffect, useId, useRef, useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { useWebConfig } from "./config-context.tsx";
import { shortAddress } from "@/lib/format.ts";

/** Whether the page has a plain injected EIP-1193 provider (`window.ethereum`). */
function hasInjectedProvider(): boolean {
  return typeof window !== "undefined" && (window as { ethereum?: unknown }).ethereum !== undefined;
}

/**
 * What the dialog says when the browser has no wallet at all (no EIP-6963 announcement and no `window.ethereum`).
 * "Provider" means a compute provider in this app, so the words are "browser wallet".
 */
export function NoWalletHelp({ chainId }: { chainId: number }) {
  return (
    <div className="no-wallet">
      <p>
        <strong>No browser wallet found.</strong> Connecting needs a wallet extension in this browser, such as
        MetaMask, Rabby or Frame (any wallet that announces itself through EIP-6963). Install one, then reload
        this page.
      </p>
      {chainId === 31337 && (
        <p className="hint">
          On the local network, import a development account into the wallet: <code>npm start</code> prints
          their public test keys (account 0 holds the EAI supply) and the RPC address to add as a network.
          Without a wallet, the command line signs with such a key:{" "}
          <code>npm run eai -- task submit --help</code>.
        </p>
      )}
    </div>
  );
}

/** A connection error in words: wagmi's "Provider not found." means no browser wallet, not a compute provider. */
export function connectErrorText(err: { name?: string; message: string }): string {
  if (err.name === "ProviderNotFoundError" || /^provider not found/i.test(err.message)) {
    return "No browser wallet answered: install or unlock a wallet extension, then reload the page.";
  }
  return err.message.split("\n")[0] ?? "connection failed";
}

/**
 * "Connect wallet" button and dialog. Lists the wallets announced through EIP-6963 (and the plain injected
 * provider when no announced wallet stands for it and the page has one); once connected, shows the account and
 * a disconnect button. With no wallet at all it says so and how to get one ({@link NoWalletHelp}).
 */
export function ConnectButton() {
  const { address, status } = useConnection();
  const { chainId } = useWebConfig();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [error, setError] = useState<string | null>(null);
  const [mounted, setMounted] = useState(false);
  const [injectedPresent, setInjectedPresent] = useState(false);
  useEffect(() => setMounted(true), []);

  // EIP-6963 wallets carry their rdns as the connector id; the generic injected() one is only a fallback, and
  // only when the page has a `window.ethereum` for it to use (checked when the dialog opens: wallets inject late).
  const discovered = connectors.filter((c) => c.id !== "injected");
  const choices =
    discovered.length > 0 ? discovered : injectedPresent ? connectors.filter((c) => c.id === "injected") : [];

  if (mounted && status === "connected" && address) {
    return (
      <div className="wallet">
        <span className="wallet-address" title={address} aria-label={`Connected account ${address}`}>
          {shortAddress(address)}
        </span>
        <button type="button" className="btn btn-secondary" onClick={() => disconnect.mutate()}>
          Disconnect
        </button>
      </div>
    );
  }

  return (
    <>
      <button
        type="button"
        className="btn"
        onClick={() => {
          setError(null);
          setInjectedPresent(hasInjectedProvider());
          dialogRef.current?.showModal();
        }}
        disabled={!mounted || status === "connecting" || status === "reconnecting"}
      >
        {status === "connecting" || status === "reconnecting" ? "Connecting…" : "Connect wallet"}
      </button>
      <dialog ref={dialogRef} className="dialog" aria-labelledby={titleId}>
        <h2 id={titleId}>Connect a wallet</h2>
        {choices.length === 0 ? (
          <NoWalletHelp chainId={chainId} />
        ) : (
          <ul className="wallet-list">
            {choices.map((connector) => (
              <li key={connector.uid}>
                <button
                  type="button"
                  className="btn btn-secondary wallet-choice"
                  onClick={() => {
                    setError(null);
                    connect.mutate(
                      { connector },
                      {
                        onSuccess: () => dialogRef.current?.close(),
                        onError: (err) => setError(connectErrorText(err)),
                      },
                    );
                  }}
                >
                  {connector.icon ? <img src={connector.icon} alt="" width={24} height={24} /> : null}
                  {connector.name}
                </button>
              </li>
            ))}
          </ul>
        )}
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <form method="dialog">
          <button type="submit" className="btn btn-secondary">
            Close
          </button>
        </form>
      </dialog>
    </>
  );
}

/** A banner asking to switch networks whenever the wallet is on another chain than the deployment's. */
export function NetworkGuard() {
  const { chainId: walletChain, status } = useConnection();
  const { chainId, chainName } = useWebConfig();
  const switchChain = useSwitchChain();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted || status !== "connected" || walletChain === chainId) return null;
  return (
    <div role="alert" className="banner banner-warning">
      <span>
        Your wallet is on chain {walletChain ?? "unknown"}; this app runs on {chainName} (chain {chainId}).
      </span>
      <button
        type="button"
        className="btn"
        disabled={switchChain.isPending}
        onClick={() => switchChain.mutate({ chainId })}
      >
        {switchChain.isPending ? "Switching…" : `Switch to ${chainName}`}
      </button>
      {switchChain.error ? <span className="error">{switchChain.error.message.split("\n")[0]}</span> : null}
    </div>
  );
}
