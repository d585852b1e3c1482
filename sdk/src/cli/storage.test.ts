import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { storageConfigFromCli } from "./storage.ts";

describe("CLI storage flags", () => {
  it("keeps the HTTP blob store by default and selects an IPFS backend by flag or env", () => {
    expect(storageConfigFromCli({}, {})).toBeUndefined();
    expect(storageConfigFromCli({ storage: "http" }, { EAI_STORAGE: "kubo" })).toBeUndefined();
    expect(storageConfigFromCli({ "ipfs-api": "http://127.0.0.1:5001" }, { EAI_STORAGE: "ipfs" })).toEqual({
      backend: "kubo",
      apiUrl: "http://127.0.0.1:5001",
      timeoutMs: undefined,
    });
    expect(
      storageConfigFromCli(
        { storage: "ipfs" },
        {
          EAI_IPFS_PEERS: "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA, /ip4/127.0.0.1/tcp/4002/p2p/12D3KooWB",
          EAI_IPFS_TIMEOUT_MS: "5000",
        },
      ),
    ).toEqual({
      backend: "helia",
      dir: join(homedir(), ".eai", "ipfs"),
      peers: ["/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA", "/ip4/127.0.0.1/tcp/4002/p2p/12D3KooWB"],
      listen: undefined,
      timeoutMs: 5000,
    });
    expect(storageConfigFromCli({ storage: "helia" }, { EAI_IPFS_DIR: "/tmp/n" })).toMatchObject({
      dir: "/tmp/n",
    });
  });

  it("names the flag or variable to set", () => {
    expect(() => storageConfigFromCli({ storage: "kubo" }, {})).toThrow(
      "--storage kubo: set --ipfs-api or EAI_IPFS_API_URL",
    );
    expect(() => storageConfigFromCli({ storage: "s3" }, {})).toThrow(
      /--storage \/ EAI_STORAGE: expected http, helia, kubo or ipfs, got "s3"/,
    );
    expect(() => storageConfigFromCli({ storage: "helia" }, { EAI_IPFS_TIMEOUT_MS: "soon" })).toThrow(
      /EAI_IPFS_TIMEOUT_MS/,
    );
  });
});
