/**
 * Pure parts of the farm view: which workers a provider has (its own key and its on-chain operators, from the
 * indexer), whether the provider is online from its heartbeats, what a grant allows, and where the owner keeps
 * its workers' control API URLs and its own grant (localStorage, this browser only).
 */
import { ALL_SCOPES, COMMAND_SCOPE, scopesOf, type CommandAction, type Scope } from "@eai/sdk/farm";
import { availabilityOf } from "@eai/sdk/farm";
import type { ProviderDetail } from "@/lib/indexer-views.ts";

export interface FarmWorker {
  address: string;
  role: "owner key" | "operator";
  since: number | null;
}

/** The provider's own key and every currently authorised operator. */
export function farmWorkers(p: ProviderDetail): FarmWorker[] {
  return [
    { address: p.address, role: "owner key", since: p.registeredAt },
    ...p.operators
      .filter((o) => o.authorized && o.revokedAt === null)
      .map((o) => ({ address: o.address, role: "operator" as const, since: o.authorizedAt })),
  ];
}

/** online / idle / offline from the provider's last ProviderRegistry heartbeat (chain time of the indexer's head). */
export function heartbeatState(p: ProviderDetail): ReturnType<typeof availabilityOf> {
  return availabilityOf(p.lastHeartbeat ?? 0, p.head.timestamp);
}

/** The commands a grant with `mask` allows, in the order the page shows them. */
export function allowedCommands(
  mask: number,
): Extract<CommandAction, "pause" | "resume" | "drain" | "restart">[] {
  const scopes = scopesOf(mask);
  return (["pause", "resume", "drain", "restart"] as const).filter((a) => scopes.has(COMMAND_SCOPE[a]));
}

export function scopeList(mask: number): Scope[] {
  const scopes = scopesOf(mask);
  return ALL_SCOPES.filter((s) => scopes.has(s));
}

const URLS_KEY = "eai.farm.controlUrls";

/** Control API base URLs by worker address (lower case), as the owner typed them. */
export function loadControlUrls(storage: Pick<Storage, "getItem"> | undefined): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(URLS_KEY) ?? "{}");
    if (typeof parsed !== "object" || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (e): e is [string, string] => typeof e[1] === "string" && /^https?:\/\/[^\s]+$/.test(e[1]),
      ),
    );
  } catch {
    return {};
  }
}

export function saveControlUrls(storage: Pick<Storage, "setItem"> | undefined, urls: Record<string, string>) {
  storage?.setItem(URLS_KEY, JSON.stringify(urls));
}

/** Grant nonces are the unix time of signing, so "revoke all grants so far" is `minNonce = now`. */
export function nonceNow(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}
