"use client";
import { useEffect, useId, useRef, useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { useWebConfig } from "./config-context.tsx";
import { shortAddress } from "@/lib/format.ts";

/**
 * "Connect wallet" button and dialog. Lists the wallets announced through EIP-6963 (and the plain injected
 * provider when no announced wallet stands for it); once connected, shows the account and a disconnect button.
 */
export function ConnectButton() {
  const { address, status } = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [error, setError] = useState<string | null>(null);
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);

  // EIP-6963 wallets carry their rdns as the connector id; the generic injected() one is only a fallback.
  const discovered = connectors.filter((c) => c.id !== "injected");
  const choices = discovered.length > 0 ? discovered : connectors;

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
          dialogRef.current?.showModal();
        }}
        disabled={!mounted || status === "connecting" || status === "reconnecting"}
      >
        {status === "connecting" || status === "reconnecting" ? "Connecting…" : "Connect wallet"}
      </button>
      <dialog ref={dialogRef} className="dialog" aria-labelledby={titleId}>
        <h2 id={titleId}>Connect a wallet</h2>
        {choices.length === 0 ? (
          <p>No browser wallet found. Install an EIP-6963 wallet extension and reload the page.</p>
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
                        onError: (err) => setError(err.message.split("\n")[0] ?? "connection failed"),
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
