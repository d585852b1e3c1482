import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptKeystore, encryptKeystore, KeystoreError, loadSigner } from "./keystore.ts";
import { createLogger } from "./logger.ts";

// Web3 Secret Storage Definition test vectors (password "testpassword"), as in go-ethereum's
// accounts/keystore/testdata/v3_test_vector.json.
const VECTOR_KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const SCRYPT_VECTOR = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
    ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    kdf: "scrypt",
    kdfparams: {
      dklen: 32,
      n: 262144,
      p: 8,
      r: 1,
      salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19",
    },
    mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};
const PBKDF2_VECTOR = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-keystore-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("keystore v3", () => {
  it("decrypts the scrypt test vector", async () => {
    expect((await decryptKeystore(SCRYPT_VECTOR, "testpassword")).reveal()).toBe(VECTOR_KEY);
  });

  it("decrypts geth's 31- and 30-byte key vectors (scrypt n=2, r=8), left-padding the key", async () => {
    const short = (iv: string, ciphertext: string, salt: string, mac: string) => ({
      version: 3,
      crypto: {
        cipher: "aes-128-ctr",
        cipherparams: { iv },
        ciphertext,
        kdf: "scrypt",
        kdfparams: { dklen: 32, n: 2, r: 8, p: 1, salt },
        mac,
      },
    });
    const k31 = short(
      "e0c41130a323adc1446fc82f724bca2f",
      "9517cd5bdbe69076f9bf5057248c6c050141e970efa36ce53692d5d59a3984",
      "711f816911c92d649fb4c84b047915679933555030b3552c1212609b38208c63",
      "d5e116151c6aa71470e67a7d42c9620c75c4d23229847dcc127794f0732b0db5",
    );
    expect((await decryptKeystore(k31, "foo")).reveal()).toBe(
      "0x00fa7b3db73dc7dfdf8c5fbdb796d741e4488628c41fc4febd9160a866ba0f35",
    );
    const k30 = short(
      "3ca92af36ad7c2cd92454c59cea5ef00",
      "108b7d34f3442fc26ab1ab90ca91476ba6bfa8c00975a49ef9051dc675aa",
      "d0769e608fb86cda848065642a9c6fa046845c928175662b8e356c77f914cd3b",
      "75d0e6759f7b3cefa319c3be41680ab6beea7d8328653474bd06706d4cc67420",
    );
    expect((await decryptKeystore(k30, "foo")).reveal()).toBe(
      "0x000081c29e8142bb6a81bef5a92bda7a8328a5c85bb2f9542e76f9b0f94fc018",
    );
  });

  it("refuses scrypt parameters that would need more than 1 GiB", async () => {
    const huge = {
      ...SCRYPT_VECTOR,
      crypto: { ...SCRYPT_VECTOR.crypto, kdfparams: { ...SCRYPT_VECTOR.crypto.kdfparams, n: 2 ** 24, r: 8 } },
    };
    await expect(decryptKeystore(huge, "x")).rejects.toThrow(/over the 1 GiB limit/);
  });

  it("decrypts the pbkdf2 test vector (also given as JSON text with a capitalised Crypto key)", async () => {
    const { crypto, ...rest } = PBKDF2_VECTOR;
    const text = JSON.stringify({ ...rest, Crypto: crypto });
    expect((await decryptKeystore(text, "testpassword")).reveal()).toBe(VECTOR_KEY);
  });

  it("rejects a wrong password with a MAC mismatch", async () => {
    await expect(decryptKeystore(PBKDF2_VECTOR, "wrong")).rejects.toThrow(/MAC mismatch/);
  });

  it("round-trips with encryptKeystore (scrypt and pbkdf2) and records the address", async () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    const ks = await encryptKeystore(key, "pw", { n: 1024, r: 8, p: 1 });
    expect(ks.address).toBe(privateKeyToAccount(key).address.slice(2).toLowerCase());
    expect((await decryptKeystore(ks, "pw")).reveal()).toBe(key);
    const ks2 = await encryptKeystore(key, "pw", { kdf: "pbkdf2", c: 1000 });
    expect((await decryptKeystore(ks2, "pw")).reveal()).toBe(key);
  });

  it("rejects a keystore whose address does not match its key", async () => {
    const ks = await encryptKeystore(VECTOR_KEY, "pw", { n: 1024 });
    await expect(decryptKeystore({ ...ks, address: "00".repeat(20) }, "pw")).rejects.toThrow(
      /belongs to 0x.* but the file says 0x0{40}/,
    );
  });

  it("names the bad field of a malformed keystore", async () => {
    await expect(decryptKeystore({ version: 2, crypto: SCRYPT_VECTOR.crypto }, "x")).rejects.toThrow(
      /version: expected version 3/,
    );
    await expect(
      decryptKeystore({ ...SCRYPT_VECTOR, crypto: { ...SCRYPT_VECTOR.crypto, cipher: "aes-256-cbc" } }, "x"),
    ).rejects.toThrow(/crypto.cipher: expected cipher "aes-128-ctr"/);
    await expect(
      decryptKeystore(
        {
          ...SCRYPT_VECTOR,
          crypto: { ...SCRYPT_VECTOR.crypto, kdfparams: { ...SCRYPT_VECTOR.crypto.kdfparams, n: 1000 } },
        },
        "x",
      ),
    ).rejects.toThrow(/crypto.kdfparams.n: expected n to be a power of two/);
    await expect(decryptKeystore("{", "x")).rejects.toThrow(KeystoreError);
  });
});

describe("loadSigner", () => {
  const key = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";

  it("loads from EAI_WORKER_PRIVATE_KEY", async () => {
    const signer = await loadSigner(undefined, { EAI_WORKER_PRIVATE_KEY: key });
    expect(signer.address).toBe(privateKeyToAccount(key).address);
    expect(signer.source).toBe("env");
    expect(signer.privateKey.reveal()).toBe(key);
  });

  it("loads from a keystore with a password file", async () => {
    const file = join(dir, "key.json");
    await writeFile(file, JSON.stringify(await encryptKeystore(key, "s3cret", { n: 1024 })));
    await writeFile(join(dir, "pw"), "s3cret\n");
    const signer = await loadSigner(file, { EAI_WORKER_KEYSTORE_PASSWORD_FILE: join(dir, "pw") });
    expect(signer.privateKey.reveal()).toBe(key);
    expect(signer.source).toBe("keystore");
  });

  it("explains a missing, ambiguous or malformed key without echoing it", async () => {
    await expect(loadSigner(undefined, {})).rejects.toThrow(
      /expected keystorePath in the config or EAI_WORKER_PRIVATE_KEY/,
    );
    await expect(loadSigner("/x", { EAI_WORKER_PRIVATE_KEY: key })).rejects.toThrow(/not both/);
    await expect(loadSigner("/x", {})).rejects.toThrow(
      /keystore password: expected EAI_WORKER_KEYSTORE_PASSWORD/,
    );
    const bad = `${key.slice(0, 60)}zz`;
    const err = (await loadSigner(undefined, { EAI_WORKER_PRIVATE_KEY: bad }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(/EAI_WORKER_PRIVATE_KEY: expected 0x-prefixed 32-byte hex/);
    expect(err.message).not.toContain(bad.slice(2, 20));
  });

  it("never lets the private key reach the logs", async () => {
    const signer = await loadSigner(undefined, { EAI_WORKER_PRIVATE_KEY: key });
    let out = "";
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const log = createLogger({ destination, level: "trace" });
    log.info({ signer }, "signer loaded");
    log.info({ privateKey: key, nested: { privateKey: key, deeper: { privateKey: key } } }, "raw key fields");
    log.info({ env: { EAI_WORKER_PRIVATE_KEY: key } }, "environment");
    log.info({ password: "s3cret", keystorePassword: "s3cret" }, "passwords");
    log.error({ err: new Error(`failed with ${String(signer.privateKey)}`) }, "error");
    log.info(`template ${signer.privateKey}`);
    expect(out.split("\n").filter(Boolean)).toHaveLength(6);
    expect(out).not.toContain(key.slice(2));
    expect(out).not.toContain("s3cret");
    expect(out).toContain(signer.address);
    expect(out).toContain("[redacted]");
    expect(inspect(signer)).not.toContain(key.slice(2));
    expect(JSON.stringify(signer)).not.toContain(key.slice(2));
  });
});
