import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptFor, generateX25519KeyPair } from "@eai/sdk/crypto";
import { startBlobStore, uploadBlob, type BlobStore } from "@eai/sdk/storage";
import { fetchTaskInput, InputError } from "./inputs.ts";
import { Secret } from "./secret.ts";

let dir: string;
let store: BlobStore;
const provider = generateX25519KeyPair();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-inputs-"));
  store = await startBlobStore({ dir });
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return (err as InputError).code;
}

describe("fetchTaskInput", () => {
  it("fetches a public input", async () => {
    const data = new TextEncoder().encode("public input");
    const ref = await uploadBlob(store.url, data);
    expect(
      await fetchTaskInput({
        uri: ref.uri,
        blobStoreUrl: store.url,
        maxBytes: 1024,
        expectedSha256: ref.sha256,
      }),
    ).toEqual(data);
  });

  it("fetches and decrypts a private input", async () => {
    const plain = new TextEncoder().encode("private input");
    const ref = await uploadBlob(store.url, encryptFor(provider.publicKey, plain));
    const got = await fetchTaskInput({
      uri: ref.uri,
      blobStoreUrl: store.url,
      maxBytes: 1024,
      decryptionKey: new Secret(provider.privateKey),
    });
    expect(got).toEqual(plain);
  });

  it("rejects a private input with the wrong key", async () => {
    const ref = await uploadBlob(store.url, encryptFor(provider.publicKey, new Uint8Array([1, 2, 3])));
    const other = new Secret(generateX25519KeyPair().privateKey);
    expect(
      await codeOf(
        fetchTaskInput({ uri: ref.uri, blobStoreUrl: store.url, maxBytes: 1024, decryptionKey: other }),
      ),
    ).toBe("decrypt-failed");
  });

  it("rejects a plaintext blob where an envelope was expected", async () => {
    const ref = await uploadBlob(store.url, new TextEncoder().encode("not encrypted"));
    const key = new Secret(provider.privateKey);
    expect(
      await codeOf(
        fetchTaskInput({ uri: ref.uri, blobStoreUrl: store.url, maxBytes: 1024, decryptionKey: key }),
      ),
    ).toBe("decrypt-failed");
  });

  it("rejects malformed URIs, oversized and hash-mismatched inputs, and reports missing ones", async () => {
    const base = { blobStoreUrl: store.url, maxBytes: 1024 };
    for (const uri of ["", "eai://blob/sha256-12", "ftp://x/y", "eai://model/1"]) {
      expect(await codeOf(fetchTaskInput({ ...base, uri })), uri).toBe("malformed-uri");
    }
    const big = await uploadBlob(store.url, new Uint8Array(2048));
    expect(await codeOf(fetchTaskInput({ ...base, uri: big.uri }))).toBe("too-large");
    const small = await uploadBlob(store.url, new Uint8Array([7]));
    expect(await codeOf(fetchTaskInput({ ...base, uri: small.uri, expectedSha256: "ab".repeat(32) }))).toBe(
      "hash-mismatch",
    );
    expect(
      await codeOf(
        fetchTaskInput({
          ...base,
          uri: `${store.url}/blobs/${small.sha256}`,
          expectedSha256: "ab".repeat(32),
        }),
      ),
    ).toBe("hash-mismatch");
    expect(await codeOf(fetchTaskInput({ ...base, uri: `eai://blob/sha256-${"c".repeat(64)}` }))).toBe(
      "not-found",
    );
    expect(
      await codeOf(fetchTaskInput({ ...base, blobStoreUrl: "http://127.0.0.1:1", uri: small.uri })),
    ).toBe("unavailable");
  });
});
