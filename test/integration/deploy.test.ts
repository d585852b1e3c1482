/**
 * The market parameters a deployment sets: the constructor's defaults unless told otherwise (the 30 s priority
 * window of real deployments), and the priority window `npm start` asks for on its own chain (0).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";

import { deployProtocol } from "../../deploy/deploy.ts";
import { DEFAULT_MARKET } from "../../deploy/ignition/modules/EAIProtocol.ts";

async function deployed(options: Parameters<typeof deployProtocol>[1]) {
  const connection = await network.create();
  const { contracts } = await deployProtocol(connection, { outDir: null, ...options });
  const publicClient = await connection.viem.getPublicClient();
  const logs = await publicClient.getContractEvents({
    address: contracts.market.address,
    abi: contracts.market.abi,
    eventName: "MarketParamsUpdated",
    fromBlock: 0n,
  });
  return { params: await contracts.market.read.marketParams(), updates: logs };
}

describe("deployment market parameters", () => {
  it("a default deployment keeps the constructor's parameters, a 30 s priority window included", async () => {
    const { params, updates } = await deployed({});
    assert.equal(params.priorityWindow, 30);
    assert.deepEqual({ ...params }, { ...DEFAULT_MARKET });
    // The constructor's defaults (first event) are what the module sets again (second event).
    assert.equal(updates.length, 2);
    assert.deepEqual({ ...updates[0]!.args.params }, { ...updates[1]!.args.params });
  });

  it("the production defaults (devDefaults: false) keep the 30 s window too", async () => {
    const { params } = await deployed({ devDefaults: false });
    assert.equal(params.priorityWindow, 30);
  });

  it("priorityWindow: 0 (npm start's own chain) changes that one parameter only", async () => {
    const { params } = await deployed({ priorityWindow: 0 });
    assert.deepEqual({ ...params }, { ...DEFAULT_MARKET, priorityWindow: 0 });
  });
});
