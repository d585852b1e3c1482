import { describe, expect, it } from "vitest";
import { getAddress, hexToBigInt, numberToHex, zeroAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { signFarmMessage } from "./client.ts";
import {
  FarmAuthError,
  SECP256K1_HALF_N,
  decodeSignedHeader,
  encodeSignedHeader,
  grantSchema,
  newCommandId,
  scopeMask,
  scopesOf,
  signedGrantSchema,
  verifyAccess,
  verifyCommand,
  verifyGrant,
  verifyManifest,
  verifyRevocation,
  type FarmDomain,
  type Grant,
} from "./grants.ts";

const owner = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const grantee = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const stranger = privateKeyToAccount("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
const worker = getAddress("0x15d34aaf54267db7d7c367839aaf71a00a2c6a65");
const domain: FarmDomain = { chainId: 31337, providerRegistry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const NOW = 1_800_000_000;

function grant(over: Partial<Grant> = {}): Grant {
  return {
    owner: owner.address,
    worker,
    grantee: grantee.address,
    scopes: scopeMask(["view", "logs"]),
    expiry: BigInt(NOW + 3600),
    nonce: 5n,
    ...over,
  };
}
const check = { domain, owner: owner.address, worker, now: NOW, minNonce: 0n };

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "accepted";
  } catch (err) {
    if (err instanceof FarmAuthError) return err.code;
    throw err;
  }
}

/** The other valid signature of the same message: s → n − s, v flipped (what EIP-2 forbids). */
function malleable(sig: Hex): Hex {
  const N = SECP256K1_HALF_N * 2n + 1n;
  const s = hexToBigInt(`0x${sig.slice(66, 130)}`);
  const v = Number.parseInt(sig.slice(130, 132), 16);
  return `${sig.slice(0, 66)}${numberToHex(N - s, { size: 32 }).slice(2)}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}

describe("farm grants (EIP-712)", () => {
  it("accepts a grant the owner signed for this worker or the whole farm, with its scopes", async () => {
    const signed = await signFarmMessage(owner, domain, "Grant", grant());
    const v = await verifyGrant(signed, check);
    expect([...v.scopes].sort()).toEqual(["logs", "view"]);
    const farm = await signFarmMessage(owner, domain, "Grant", grant({ worker: zeroAddress }));
    expect((await verifyGrant(farm, check)).grant.worker).toBe(zeroAddress);
  });

  it("refuses another signer, another domain, another worker, an expired or revoked grant", async () => {
    const byStranger = await signFarmMessage(stranger, domain, "Grant", grant());
    expect(await code(verifyGrant(byStranger, check))).toBe("wrong-signer");
    for (const other of [
      { ...domain, chainId: 1 },
      { ...domain, providerRegistry: worker },
    ]) {
      const signed = await signFarmMessage(owner, other, "Grant", grant());
      expect(await code(verifyGrant(signed, check))).toBe("wrong-signer");
    }
    const otherWorker = await signFarmMessage(owner, domain, "Grant", grant({ worker: stranger.address }));
    expect(await code(verifyGrant(otherWorker, check))).toBe("wrong-worker");
    const expired = await signFarmMessage(owner, domain, "Grant", grant({ expiry: BigInt(NOW) }));
    expect(await code(verifyGrant(expired, check))).toBe("expired");
    const signed = await signFarmMessage(owner, domain, "Grant", grant());
    expect(await code(verifyGrant(signed, { ...check, minNonce: 6n }))).toBe("revoked");
    expect(await code(verifyGrant(signed, { ...check, minNonce: 5n }))).toBe("accepted");
    // A grant whose fields were changed after signing recovers someone else.
    const widened = { ...signed, message: { ...signed.message, scopes: 15 } };
    expect(await code(verifyGrant(widened, check))).toBe("wrong-signer");
    // Another owner's grant (even well signed) does not count on this worker.
    const strangerOwn = await signFarmMessage(stranger, domain, "Grant", grant({ owner: stranger.address }));
    expect(await code(verifyGrant(strangerOwn, check))).toBe("wrong-owner");
  });

  it("rejects the high-s twin of a valid signature (malleability) and malformed signatures", async () => {
    const signed = await signFarmMessage(owner, domain, "Grant", grant());
    const twin = malleable(signed.signature);
    expect(await code(verifyGrant({ ...signed, signature: twin }, check))).toBe("malleable-signature");
    const badV = `${signed.signature.slice(0, 130)}05` as Hex;
    expect(await code(verifyGrant({ ...signed, signature: badV }, check))).toBe("bad-signature");
    expect(await code(verifyGrant({ ...signed, signature: "0x1234" }, check))).toBe("bad-signature");
  });

  it("commands: bound to the worker, signed by the grantee, inside the time window", async () => {
    const cmd = {
      worker,
      id: newCommandId(),
      action: "pause" as const,
      args: "{}",
      issuedAt: BigInt(NOW - 10),
    };
    const signed = await signFarmMessage(grantee, domain, "Command", cmd);
    expect(await code(verifyCommand(signed, domain, worker, grantee.address, NOW, 120))).toBe("accepted");
    expect(await code(verifyCommand(signed, domain, stranger.address, grantee.address, NOW, 120))).toBe(
      "wrong-worker",
    );
    expect(await code(verifyCommand(signed, domain, worker, grantee.address, NOW + 200, 120))).toBe("stale");
    expect(await code(verifyCommand(signed, domain, worker, grantee.address, NOW - 200, 120))).toBe("stale");
    expect(await code(verifyCommand(signed, domain, worker, stranger.address, NOW, 120))).toBe(
      "wrong-signer",
    );
    const twin = { ...signed, signature: malleable(signed.signature) };
    expect(await code(verifyCommand(twin, domain, worker, grantee.address, NOW, 120))).toBe(
      "malleable-signature",
    );
  });

  it("read tokens, revocations and manifests", async () => {
    const access = await signFarmMessage(grantee, domain, "Access", {
      grantee: grantee.address,
      worker,
      notAfter: BigInt(NOW + 600),
    });
    expect(await code(verifyAccess(access, domain, worker, NOW))).toBe("accepted");
    expect(await code(verifyAccess(access, domain, worker, NOW + 601))).toBe("expired");
    const forged = await signFarmMessage(stranger, domain, "Access", access.message);
    expect(await code(verifyAccess(forged, domain, worker, NOW))).toBe("wrong-signer");
    const forever = await signFarmMessage(grantee, domain, "Access", {
      ...access.message,
      notAfter: BigInt(NOW + 86_400),
    });
    expect(await code(verifyAccess(forever, domain, worker, NOW))).toBe("malformed");

    const rev = await signFarmMessage(owner, domain, "Revocation", {
      owner: owner.address,
      minNonce: 6n,
      issuedAt: BigInt(NOW),
    });
    expect((await verifyRevocation(rev, domain, owner.address)).minNonce).toBe(6n);
    const fakeRev = await signFarmMessage(stranger, domain, "Revocation", rev.message);
    expect(await code(verifyRevocation(fakeRev, domain, owner.address))).toBe("wrong-signer");

    const manifest = {
      owner: owner.address,
      version: "0.2.0",
      url: "http://127.0.0.1/a.tgz",
      sha256: `0x${"ab".repeat(32)}` as Hex,
      expiry: BigInt(NOW + 60),
    };
    const signedManifest = await signFarmMessage(owner, domain, "UpgradeManifest", manifest);
    expect(await code(verifyManifest(signedManifest, domain, owner.address, NOW))).toBe("accepted");
    expect(await code(verifyManifest(signedManifest, domain, owner.address, NOW + 61))).toBe("expired");
    const byGrantee = await signFarmMessage(grantee, domain, "UpgradeManifest", manifest);
    expect(await code(verifyManifest(byGrantee, domain, owner.address, NOW))).toBe("wrong-signer");
  });

  it("travels as JSON and in headers (bigints as decimal strings)", async () => {
    const signed = await signFarmMessage(owner, domain, "Grant", grant({ nonce: 2n ** 200n }));
    const back = signedGrantSchema.parse(decodeSignedHeader(encodeSignedHeader(signed)));
    expect(back).toEqual(signed);
    expect(await code(verifyGrant(back, check))).toBe("accepted");
    expect(grantSchema.safeParse({ ...grant(), scopes: 16 }).success).toBe(false);
    expect(grantSchema.safeParse({ ...grant(), expiry: "-1" }).success).toBe(false);
    expect([...scopesOf(15)]).toEqual(["view", "logs", "command", "config"]);
    expect(decodeSignedHeader("%%%")).toBeUndefined();
  });
});
