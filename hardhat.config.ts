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
        version: SOLC_VERSION,
        path: SOLCJS,
        settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
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
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
  },
  networks: {
    localhost: { type: "http", url: "http://127.0.0.1:8545", chainType: "l1" },
  },
});
