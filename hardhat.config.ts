import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { defineConfig } from "hardhat/config";

// No native solc can be downloaded here: compile with solcjs from the pinned `solc` package.
const SOLCJS = createRequire(import.meta.url).resolve("solc/soljson.js");
const SOLC_VERSION = "0.8.37";

export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    profiles: {
      default: {
        compilers: [
          {
            version: SOLC_VERSION,
            path: SOLCJS,
            settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
          },
        ],
        // TaskMarket fits under the 24,576-byte limit (EIP-170) only with the IR pipeline. Its own artifact (what
        // deployment and the TypeScript tests use) is built with viaIR; Solidity tests that import it compile it
        // with the settings above (a few hundred gas apart), so `npm run bench:gas` measures on deployed bytecode.
        overrides: {
          "contracts/market/TaskMarket.sol": {
            version: SOLC_VERSION,
            path: SOLCJS,
            settings: { viaIR: true, optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
          },
        },
      },
      production: {
        version: SOLC_VERSION,
        path: SOLCJS,
        isolated: false,
        settings: { viaIR: true, optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
      },
    },
  },
  paths: {
    sources: "./contracts",
    tests: { solidity: "./test/contracts", nodejs: "./test/integration" },
    ignition: "./deploy/ignition",
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
  },
  networks: {
    // The local node `npm start` runs, or any RPC given with EAI_RPC_URL (and EAI_DEPLOYER_KEY for a real chain).
    localhost: {
      type: "http",
      url: process.env.EAI_RPC_URL ?? "http://127.0.0.1:8545",
      chainType: "l1",
      ...(process.env.EAI_DEPLOYER_KEY ? { accounts: [process.env.EAI_DEPLOYER_KEY] } : {}),
    },
    // The second local chain `npm start` runs as an L2 (chain 31338; deploy/bridge-run.ts), or EAI_L2_RPC_URL.
    l2: {
      type: "http",
      url: process.env.EAI_L2_RPC_URL ?? "http://127.0.0.1:8546",
      chainType: "l1",
      ...(process.env.EAI_DEPLOYER_KEY ? { accounts: [process.env.EAI_DEPLOYER_KEY] } : {}),
    },
  },
});
