// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WebConfig } from "@/lib/config.ts";
import { TEST_WALLET_INFO, TestWallet, type WalletEvent } from "../../test/wallet.ts";
import { Providers } from "./providers.tsx";
import { ConnectButton, NetworkGuard, connectErrorText } from "./wallet.tsx";

// Hardhat's public dev key #1 (never used on a real chain).
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ZERO = "0x0000000000000000000000000000000000000001";

const contract = { address: ZERO, startBlock: 0 } as const;
const config: WebConfig = {
  chainId: 31337,
  chainName: "EAI Local",
  // Never reached: the wallet is offline on both chains and the components read nothing from the chain.
  rpcUrl: "http://127.0.0.1:9/",
  indexerUrl: "http://127.0.0.1:9",
  deployment: {
    chainId: 31337,
    deployedAt: "2026-01-01T00:00:00.000Z",
    deployer: ZERO,
    contracts: {
      EAIToken: contract,
      EAITimelock: contract,
      EAIGovernor: contract,
      StakingVault: contract,
      ProviderRegistry: contract,
      ModelRegistry: contract,
      Reputation: contract,
      TaskMarket: contract,
      MnistMlpVerifier: contract,
    },
  },
};

/** An EIP-1193 provider in jsdom backed by the test wallet (the same one the browser tests inject). */
function providerFor(wallet: TestWallet) {
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const emit = (events: WalletEvent[]) => {
    for (const e of events) for (const fn of listeners.get(e.event) ?? []) fn(e.data);
  };
  const provider = {
    async request(args: { method: string; params?: unknown }) {
      const answer = await wallet.request(args);
      emit(answer.events);
      if ("error" in answer) throw Object.assign(new Error(answer.error.message), answer.error);
      return answer.result;
    },
    on(event: string, fn: (data: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(fn);
      listeners.set(event, set);
      return provider;
    },
    removeListener(event: string, fn: (data: unknown) => void) {
      listeners.get(event)?.delete(fn);
      return provider;
    },
  };
  return { provider, emit };
}

let wallet: TestWallet;
let announce: () => void;

beforeAll(() => {
  // jsdom has <dialog> but not its modal methods.
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.open = false;
  };
});

beforeEach(() => {
  wallet = new TestWallet({ privateKey: KEY, chainId: 1, chains: [{ id: 1 }, { id: 31337 }] });
  const { provider } = providerFor(wallet);
  announce = () =>
    window.dispatchEvent(
      new CustomEvent("eip6963:announceProvider", {
        detail: Object.freeze({ info: TEST_WALLET_INFO, provider }),
      }),
    );
  window.addEventListener("eip6963:requestProvider", announce);
});

afterEach(() => {
  cleanup();
  window.removeEventListener("eip6963:requestProvider", announce);
  localStorage.clear();
});

function renderApp() {
  return render(
    <Providers config={config}>
      <ConnectButton />
      <NetworkGuard />
    </Providers>,
  );
}

describe("ConnectButton", () => {
  it("lists the EIP-6963 wallet in the connect dialog and connects through it", async () => {
    renderApp();
    const open = await screen.findByRole("button", { name: "Connect wallet" });
    await waitFor(() => expect(open.hasAttribute("disabled")).toBe(false));
    fireEvent.click(open);

    const dialog = screen.getByRole("dialog", { name: "Connect a wallet" });
    // Only the announced wallet is offered (the generic injected connector stands for the same provider).
    const choices = within(dialog)
      .getAllByRole("button")
      .filter((b) => b.classList.contains("wallet-choice"));
    expect(choices.map((b) => b.textContent)).toEqual(["EAI Test Wallet"]);
    const [choice] = choices;
    if (!choice) throw new Error("no wallet offered");
    const icon = choice.querySelector("img");
    expect(icon?.getAttribute("src")).toBe(TEST_WALLET_INFO.icon);
    expect(icon?.getAttribute("alt")).toBe("");

    fireEvent.click(choice);
    expect(await screen.findByLabelText(`Connected account ${ADDRESS}`)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Disconnect" })).toBeTruthy();
    expect(wallet.authorised).toBe(true);
    expect(dialog.isConnected && (dialog as HTMLDialogElement).open).toBe(false);

    fireEvent.click(screen.getByRole("button", { name: "Disconnect" }));
    expect(await screen.findByRole("button", { name: "Connect wallet" })).toBeTruthy();
  });

  it("shows the wallet's refusal in the dialog", async () => {
    renderApp();
    const open = await screen.findByRole("button", { name: "Connect wallet" });
    await waitFor(() => expect(open.hasAttribute("disabled")).toBe(false));
    // The user rejects every prompt.
    const request = wallet.request.bind(wallet);
    wallet.request = async (raw) => {
      const method = (raw as { method?: string } | null)?.method;
      if (method === "eth_requestAccounts" || method === "wallet_requestPermissions") {
        return { error: { code: 4001, message: "User rejected the request." }, events: [] };
      }
      return request(raw);
    };
    fireEvent.click(open);
    fireEvent.click(await screen.findByRole("button", { name: "EAI Test Wallet" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/rejected/i);
    expect(screen.queryByRole("button", { name: "Disconnect" })).toBeNull();
  });
});

describe("ConnectButton without a browser wallet", () => {
  it("says no browser wallet was found and how to get one, and offers no connector that cannot work", async () => {
    window.removeEventListener("eip6963:requestProvider", announce);
    renderApp();
    const open = await screen.findByRole("button", { name: "Connect wallet" });
    await waitFor(() => expect(open.hasAttribute("disabled")).toBe(false));
    fireEvent.click(open);
    const dialog = screen.getByRole("dialog", { name: "Connect a wallet" });
    expect(dialog.textContent).toContain("No browser wallet found.");
    expect(dialog.textContent).toMatch(/MetaMask, Rabby or Frame/);
    // On the local chain: the development accounts npm start prints, and the CLI as the way without a wallet.
    expect(dialog.textContent).toContain("import a development account");
    expect(dialog.textContent).toContain("npm run eai -- task submit --help");
    expect(dialog.textContent).not.toMatch(/provider not found/i);
    expect(
      within(dialog)
        .queryAllByRole("button")
        .filter((b) => b.classList.contains("wallet-choice")),
    ).toEqual([]);
  });

  it("offers the plain injected wallet when the page has window.ethereum but no EIP-6963 announcement", async () => {
    window.removeEventListener("eip6963:requestProvider", announce);
    const { provider } = providerFor(wallet);
    (window as { ethereum?: unknown }).ethereum = provider;
    try {
      renderApp();
      const open = await screen.findByRole("button", { name: "Connect wallet" });
      await waitFor(() => expect(open.hasAttribute("disabled")).toBe(false));
      fireEvent.click(open);
      const dialog = screen.getByRole("dialog", { name: "Connect a wallet" });
      const choices = within(dialog)
        .getAllByRole("button")
        .filter((b) => b.classList.contains("wallet-choice"));
      expect(choices).toHaveLength(1);
      expect(dialog.textContent).not.toContain("No browser wallet found.");
      fireEvent.click(choices[0] as HTMLElement);
      expect(await screen.findByLabelText(`Connected account ${ADDRESS}`)).toBeTruthy();
    } finally {
      delete (window as { ethereum?: unknown }).ethereum;
    }
  });

  it("words wagmi's ProviderNotFoundError as a missing browser wallet", () => {
    const text = connectErrorText({ name: "ProviderNotFoundError", message: "Provider not found." });
    expect(text).toMatch(/no browser wallet/i);
    expect(text).not.toMatch(/provider/i);
    expect(connectErrorText({ message: "User rejected the request.\nDetails: …" })).toBe(
      "User rejected the request.",
    );
  });
});

describe("NetworkGuard", () => {
  it("asks to switch when the wallet is on another chain, and the switch clears the banner", async () => {
    renderApp();
    const open = await screen.findByRole("button", { name: "Connect wallet" });
    await waitFor(() => expect(open.hasAttribute("disabled")).toBe(false));
    expect(screen.queryByRole("alert")).toBeNull();
    fireEvent.click(open);
    fireEvent.click(await screen.findByRole("button", { name: "EAI Test Wallet" }));

    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toContain(
      "Your wallet is on chain 1; this app runs on EAI Local (chain 31337).",
    );
    await act(async () => {
      fireEvent.click(within(banner).getByRole("button", { name: "Switch to EAI Local" }));
    });
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect(wallet.chainId).toBe(31337);
    expect(wallet.log).toContain("wallet_switchEthereumChain");
  });
});
