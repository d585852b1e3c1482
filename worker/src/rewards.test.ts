import { describe, expect, it } from "vitest";

import { ConfigError, parseWorkerConfig } from "./config.ts";

const base = {
  rpcUrl: "http://127.0.0.1:8545",
  chainId: 31337,
  deploymentsDir: "deploy/deployments",
  stateDir: ".state/worker-1",
  blobStoreUrl: "http://127.0.0.1:7070",
  maxBond: "1000000000000000000",
  minReward: { "0x5FbDB2315678afecb367f032d93F642f64180aa3": "5000" },
  bandwidthMbps: 1000,
};

// The claim path itself (RewardsClaimer.claimOnce against a deployed MiningRewards) is exercised in
// test/integration/rewards.test.ts.
describe("worker autoClaim config", () => {
  it("is off by default, hourly, over the last 30 epochs", () => {
    const cfg = parseWorkerConfig(base, {}, "/etc/eai");
    expect(cfg.autoClaim).toEqual({ enabled: false, intervalMs: 3_600_000, lookbackEpochs: 30 });
  });

  it("is turned on by EAI_WORKER_AUTO_CLAIM and rejects an interval under a minute", () => {
    expect(parseWorkerConfig(base, { EAI_WORKER_AUTO_CLAIM: "true" }, "/etc/eai").autoClaim.enabled).toBe(
      true,
    );
    expect(() =>
      parseWorkerConfig({ ...base, autoClaim: { enabled: true, intervalMs: 1000 } }, {}, "/etc/eai"),
    ).toThrow(ConfigError);
    expect(() =>
      parseWorkerConfig({ ...base, autoClaim: { enabled: true, rewards: "0x12" } }, {}, "/etc/eai"),
    ).toThrow(/autoClaim\.rewards/);
  });
});
