import { describe, expect, it } from "vitest";
import { x25519PublicKey } from "@eai/sdk/crypto";
import {
  EMPTY_PROVIDER_FORM,
  generateX25519KeyFile,
  parseProviderForm,
  providerFormFromProfile,
  type ProviderFormValues,
} from "./stake.ts";

const KEY = `0x${"ab".repeat(32)}` as const;
const filled: ProviderFormValues = {
  ...EMPTY_PROVIDER_FORM,
  cpuCores: "8",
  ramGb: "15.5",
  storageGb: "200",
  gpuModel: "NVIDIA H100 80GB HBM3",
  vramGb: "80",
  computeCapability: "9.0",
  bandwidthMbps: "1000",
  benchmarkScore: "4200",
  region: "276",
  x25519PublicKey: KEY,
  metadataURI: "https://example.org/provider.json",
};

describe("provider form", () => {
  it("converts the form's units to the registry's", () => {
    const parsed = parseProviderForm(filled, null);
    expect(parsed).toEqual({
      ok: true,
      value: {
        resources: {
          vramMiB: 81920,
          computeCapability: 90,
          cpuCores: 8,
          ramMiB: 15872,
          storageGiB: 200,
          bandwidthMbps: 1000,
          benchmarkScore: 4200,
          region: 276,
        },
        gpuModel: "NVIDIA H100 80GB HBM3",
        x25519PublicKey: KEY,
        metadataURI: "https://example.org/provider.json",
      },
    });
    if (!parsed.ok) throw new Error("unreachable");
    // and back: the form prefilled from the profile parses to the same profile (the key field stays empty).
    const again = parseProviderForm(providerFormFromProfile(parsed.value), KEY);
    expect(again).toEqual(parsed);
  });

  it("rejects what the registry would, naming the field", () => {
    const errorsOf = (patch: Partial<ProviderFormValues>, key: `0x${string}` | null = null) => {
      const r = parseProviderForm({ ...filled, ...patch }, key);
      return r.ok ? {} : r.errors;
    };
    expect(errorsOf({ cpuCores: "0" }).cpuCores).toMatch(/between 1 and 65535/);
    expect(errorsOf({ cpuCores: "2.5" }).cpuCores).toMatch(/whole number/);
    expect(errorsOf({ ramGb: "" }).ramGb).toMatch(/Enter the RAM/);
    expect(errorsOf({ ramGb: "0" }).ramGb).toMatch(/between/);
    expect(errorsOf({ gpuModel: "é".repeat(33) }).gpuModel).toMatch(/At most 64 bytes \(this is 66\)/);
    expect(errorsOf({ metadataURI: "x".repeat(257) }).metadataURI).toMatch(/At most 256 bytes/);
    expect(errorsOf({ region: "1000" }).region).toMatch(/between 0 and 999/);
    expect(errorsOf({ vramGb: "0" }).computeCapability).toMatch(/needs a GPU/);
    expect(errorsOf({ x25519PublicKey: "0x1234" }).x25519PublicKey).toMatch(/64 hex digits/);
    expect(errorsOf({ x25519PublicKey: `0x${"0".repeat(64)}` }).x25519PublicKey).toMatch(/zero key/);
    expect(errorsOf({ x25519PublicKey: "" }).x25519PublicKey).toMatch(/Registration needs a key/);
    // An empty key keeps the registered one on an update.
    const update = parseProviderForm({ ...filled, x25519PublicKey: "" }, KEY);
    expect(update.ok && update.value.x25519PublicKey).toBe(KEY);
  });
});

describe("generateX25519KeyFile", () => {
  it("makes a key pair in the worker's x25519.json format", async () => {
    const file = await generateX25519KeyFile();
    expect(file.version).toBe(1);
    expect(file.publicKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(file.privateKey).toMatch(/^0x[0-9a-f]{64}$/);
    // The SDK (and so the worker) derives the same public key from the private key.
    expect(x25519PublicKey(file.privateKey)).toBe(file.publicKey);
  });

  it("explains what to do when the browser lacks X25519", async () => {
    const subtle = {
      generateKey: () => Promise.reject(new Error("Unrecognized name")),
    } as unknown as SubtleCrypto;
    await expect(generateX25519KeyFile(subtle)).rejects.toThrow(/paste the public key from your worker/);
  });
});
