import { describe, expect, it } from "vitest";
import { scopeMask } from "@eai/sdk/farm";
import type { ProviderDetail } from "@/lib/indexer-views.ts";
import {
  allowedCommands,
  farmWorkers,
  heartbeatState,
  loadControlUrls,
  saveControlUrls,
} from "./farm-state.ts";

const OWNER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const OP1 = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const OP2 = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";

function detail(over: Partial<ProviderDetail>): ProviderDetail {
  return {
    address: OWNER,
    registeredAt: 100,
    head: { block: "10", timestamp: 10_000 },
    lastHeartbeat: null,
    operators: [],
    ...over,
  } as ProviderDetail;
}

describe("farm view state", () => {
  it("lists the owner key and the operators still authorised", () => {
    const p = detail({
      operators: [
        { address: OP1, provider: OWNER, authorized: true, authorizedAt: 200, revokedAt: null },
        { address: OP2, provider: OWNER, authorized: false, authorizedAt: 150, revokedAt: 300 },
      ],
    });
    expect(farmWorkers(p)).toEqual([
      { address: OWNER, role: "owner key", since: 100 },
      { address: OP1, role: "operator", since: 200 },
    ]);
  });

  it("online / idle / offline from the last heartbeat against the indexer's head time", () => {
    expect(heartbeatState(detail({ lastHeartbeat: null }))).toBe("never seen");
    expect(heartbeatState(detail({ lastHeartbeat: 10_000 - 1_800 }))).toBe("online");
    expect(heartbeatState(detail({ lastHeartbeat: 10_000 - 1_801 }))).toBe("idle");
    expect(
      heartbeatState(
        detail({ head: { block: "1", timestamp: 100_000 }, lastHeartbeat: 100_000 - 6 * 3600 - 1 }),
      ),
    ).toBe("offline");
  });

  it("shows only the commands a grant's scopes allow", () => {
    expect(allowedCommands(scopeMask(["view", "logs"]))).toEqual([]);
    expect(allowedCommands(scopeMask(["command"]))).toEqual(["pause", "resume", "drain", "restart"]);
    expect(allowedCommands(scopeMask(["config"]))).toEqual([]);
  });

  it("keeps control URLs per worker and drops what is not an http(s) URL", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    saveControlUrls(storage, { [OP1]: "https://w1.example.org", [OP2]: "javascript:alert(1)" });
    expect(loadControlUrls(storage)).toEqual({ [OP1]: "https://w1.example.org" });
    store.set("eai.farm.controlUrls", "not json");
    expect(loadControlUrls(storage)).toEqual({});
    expect(loadControlUrls(undefined)).toEqual({});
  });
});
