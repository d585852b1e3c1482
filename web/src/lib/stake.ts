/**
 * The "Stake and provide" page's rules: the provider profile form (every field `ProviderRegistry.register` takes,
 * in the units people think in, converted to the on-chain ones) and an X25519 key pair generated in the browser
 * for providers registering without a worker key at hand.
 */
import { toHex, type Hex } from "viem";
import type { TaskResources } from "@eai/sdk/tasks";
import { parseInteger, parseScaled, type Parsed } from "./form-values.ts";

/** ProviderRegistry.MAX_GPU_MODEL_LENGTH / MAX_METADATA_URI_LENGTH (bytes). */
export const MAX_GPU_MODEL_BYTES = 64;
export const MAX_METADATA_URI_BYTES = 256;
const U32 = 2 ** 32 - 1;
const U16 = 2 ** 16 - 1;

/** The provider form as typed. */
export interface ProviderFormValues {
  cpuCores: string;
  ramGb: string;
  storageGb: string;
  gpuModel: string;
  vramGb: string;
  computeCapability: string;
  bandwidthMbps: string;
  benchmarkScore: string;
  region: string;
  x25519PublicKey: string;
  metadataURI: string;
}

/** The arguments of `register` / `updateProfile`. */
export interface ProviderProfileArgs {
  resources: TaskResources;
  gpuModel: string;
  x25519PublicKey: Hex;
  metadataURI: string;
}

export type ProviderFieldErrors = Partial<Record<keyof ProviderFormValues, string>>;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** The form prefilled from a registered profile (on-chain units back to the form's). */
export function providerFormFromProfile(profile: {
  resources: TaskResources;
  gpuModel: string;
  x25519PublicKey: Hex;
  metadataURI: string;
}): ProviderFormValues {
  const r = profile.resources;
  const gb = (mib: number) => String(Math.round((mib / 1024) * 1000) / 1000);
  return {
    cpuCores: String(r.cpuCores),
    ramGb: gb(r.ramMiB),
    storageGb: String(r.storageGiB),
    gpuModel: profile.gpuModel,
    vramGb: gb(r.vramMiB),
    computeCapability: r.computeCapability ? String(r.computeCapability / 10) : "0",
    bandwidthMbps: String(r.bandwidthMbps),
    benchmarkScore: String(r.benchmarkScore),
    region: String(r.region),
    x25519PublicKey: "",
    metadataURI: profile.metadataURI,
  };
}

/** An empty form for a first registration. */
export const EMPTY_PROVIDER_FORM: ProviderFormValues = {
  cpuCores: "",
  ramGb: "",
  storageGb: "0",
  gpuModel: "",
  vramGb: "0",
  computeCapability: "0",
  bandwidthMbps: "0",
  benchmarkScore: "0",
  region: "0",
  x25519PublicKey: "",
  metadataURI: "",
};

/**
 * Validates the provider form the way the registry will (at least one CPU core and some RAM, GPU model ≤ 64 bytes,
 * metadata URI ≤ 256 bytes, a non-zero X25519 key, each resource within its field's width).
 * @param currentKey the registered key: an empty key field keeps it; without one (first registration) a key is
 *        required.
 */
export function parseProviderForm(
  values: ProviderFormValues,
  currentKey: Hex | null,
): { ok: true; value: ProviderProfileArgs } | { ok: false; errors: ProviderFieldErrors } {
  const errors: ProviderFieldErrors = {};
  const take = <T>(key: keyof ProviderFormValues, parsed: Parsed<T>): T => {
    if (parsed.error !== undefined) errors[key] = parsed.error;
    return parsed.value as T;
  };
  const cpuCores = take("cpuCores", parseInteger(values.cpuCores, "the number of CPU cores", 1, U16));
  const ramMiB = take("ramGb", parseScaled(values.ramGb, "the RAM", 1024, 1, U32, "GB"));
  const storageGiB = take("storageGb", parseInteger(values.storageGb, "the storage in GB", 0, U32));
  const vramMiB = take("vramGb", parseScaled(values.vramGb, "the VRAM", 1024, 0, U32, "GB"));
  const computeCapability = take(
    "computeCapability",
    parseScaled(values.computeCapability, "the compute capability", 10, 0, U16),
  );
  const bandwidthMbps = take(
    "bandwidthMbps",
    parseInteger(values.bandwidthMbps, "the bandwidth in Mbit/s", 0, U32),
  );
  const benchmarkScore = take(
    "benchmarkScore",
    parseInteger(values.benchmarkScore, "the benchmark score", 0, U32),
  );
  const region = take("region", parseInteger(values.region, "the region code", 0, 999));

  const gpuModel = values.gpuModel.trim();
  if (utf8Length(gpuModel) > MAX_GPU_MODEL_BYTES) {
    errors.gpuModel = `At most ${MAX_GPU_MODEL_BYTES} bytes (this is ${utf8Length(gpuModel)}).`;
  }
  const metadataURI = values.metadataURI.trim();
  if (utf8Length(metadataURI) > MAX_METADATA_URI_BYTES) {
    errors.metadataURI = `At most ${MAX_METADATA_URI_BYTES} bytes (this is ${utf8Length(metadataURI)}).`;
  }
  if (vramMiB === 0 && computeCapability > 0) {
    errors.computeCapability = "A compute capability needs a GPU: enter its VRAM too, or 0 here.";
  }

  let key: Hex | null = null;
  const keyText = values.x25519PublicKey.trim();
  if (!keyText) {
    if (currentKey) key = currentKey;
    else {
      errors.x25519PublicKey =
        "Registration needs a key: paste your worker's public key or generate a key pair below.";
    }
  } else if (!/^0x[0-9a-fA-F]{64}$/.test(keyText)) {
    errors.x25519PublicKey = "Expected 0x followed by 64 hex digits (32 bytes).";
  } else if (/^0x0{64}$/.test(keyText)) {
    errors.x25519PublicKey = "The zero key is not allowed.";
  } else key = keyText.toLowerCase() as Hex;

  if (Object.keys(errors).length > 0 || key === null) return { ok: false, errors };
  return {
    ok: true,
    value: {
      resources: {
        vramMiB,
        computeCapability,
        cpuCores,
        ramMiB,
        storageGiB,
        bandwidthMbps,
        benchmarkScore,
        region,
      },
      gpuModel,
      x25519PublicKey: key,
      metadataURI,
    },
  };
}

/** An X25519 key pair as the worker's `<stateDir>/x25519.json` holds it. */
export interface X25519KeyFile {
  version: 1;
  publicKey: Hex;
  privateKey: Hex;
}

/**
 * Generates an X25519 key pair with WebCrypto (the private key never leaves this page except in the file the user
 * saves). Same raw 32-byte encodings as `@eai/sdk/crypto`: the public key goes on-chain, the file goes into the
 * worker's state directory as `x25519.json`.
 * @throws Error when the browser's WebCrypto has no X25519.
 */
export async function generateX25519KeyFile(
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<X25519KeyFile> {
  let pair: CryptoKeyPair;
  try {
    pair = (await subtle.generateKey({ name: "X25519" }, true, ["deriveBits"])) as CryptoKeyPair;
  } catch (err) {
    throw new Error(
      `This browser cannot generate X25519 keys (${(err as Error).message}); paste the public key from your worker's x25519.json instead.`,
    );
  }
  const publicKey = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  // PKCS#8 of an X25519 key: a fixed 16-byte header, then the 32-byte private key.
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", pair.privateKey));
  if (publicKey.length !== 32 || pkcs8.length !== 48) throw new Error("unexpected X25519 key encoding");
  return { version: 1, publicKey: toHex(publicKey), privateKey: toHex(pkcs8.slice(16)) };
}
