/**
 * Farm permissions: EIP-712 messages an owner (the provider address: bonded, paid and rated) signs to let others
 * watch or steer its workers, and the messages those grantees sign to act. Shared by the worker's control API, the
 * `eai` CLI and the dApp. docs/WORKER.md, "Remote control and farm permissions", explains the model.
 *
 * - `Grant { owner, worker, grantee, scopes, expiry, nonce }`, signed by `owner`. `worker` is one worker's signing
 *   address (the owner's own key or an on-chain operator), or the zero address for the whole farm (every worker
 *   whose provider is `owner`). `scopes` is a bit set of {@link SCOPES}.
 * - `Revocation { owner, minNonce, issuedAt }`, signed by `owner`: every grant of `owner` with `nonce < minNonce` is
 *   void (a nonce bump). There is no on-chain revocation: grants never move value, so a contract and its gas buy
 *   nothing but global visibility; each worker keeps the highest revocation it was shown, and grants expire anyway.
 * - `Command { worker, id, action, args, issuedAt }`, signed by the grantee for one worker (its signing address)
 *   on one chain (the domain), with a fresh random `id` and a time stamp: the worker refuses an id it has seen and a
 *   time stamp outside its window.
 * - `Access { grantee, worker, notAfter }`, signed by the grantee: a short-lived read token (status, logs) so that
 *   a dashboard need not sign every poll. Reads change nothing; the token lives at most {@link MAX_ACCESS_SEC}.
 * - `UpgradeManifest { owner, version, url, sha256, expiry }`, signed by `owner`: the only thing an upgrade command
 *   can install; the worker checks the artifact's sha256 before it unpacks or runs anything.
 *
 * The domain is `{ name: "EAI Farm", version: "1", chainId, verifyingContract: ProviderRegistry }`, so a signature
 * for another chain or deployment does not verify. Signatures must be 65 bytes with a low `s` (EIP-2) and v 27/28.
 * Owners and grantees are EOAs (no EIP-1271).
 */
import {
  getAddress,
  hexToBigInt,
  isAddress,
  recoverTypedDataAddress,
  zeroAddress,
  type Address,
  type Hex,
  type TypedDataDomain,
} from "viem";
import { z } from "zod";

/** Scope bits of a grant. `command` covers pause, resume, drain, restart and upgrade; `config` covers set-config. */
export const SCOPES = { view: 1, logs: 2, command: 4, config: 8 } as const;
export type Scope = keyof typeof SCOPES;
export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

/** Longest life of an `Access` read token, seconds. */
export const MAX_ACCESS_SEC = 3_600;

export const FARM_TYPES = {
  Grant: [
    { name: "owner", type: "address" },
    { name: "worker", type: "address" },
    { name: "grantee", type: "address" },
    { name: "scopes", type: "uint8" },
    { name: "expiry", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
  Revocation: [
    { name: "owner", type: "address" },
    { name: "minNonce", type: "uint256" },
    { name: "issuedAt", type: "uint64" },
  ],
  Command: [
    { name: "worker", type: "address" },
    { name: "id", type: "bytes32" },
    { name: "action", type: "string" },
    { name: "args", type: "string" },
    { name: "issuedAt", type: "uint64" },
  ],
  Access: [
    { name: "grantee", type: "address" },
    { name: "worker", type: "address" },
    { name: "notAfter", type: "uint64" },
  ],
  UpgradeManifest: [
    { name: "owner", type: "address" },
    { name: "version", type: "string" },
    { name: "url", type: "string" },
    { name: "sha256", type: "bytes32" },
    { name: "expiry", type: "uint64" },
  ],
} as const;

export interface FarmDomain {
  chainId: number;
  /** The deployment's ProviderRegistry. */
  providerRegistry: Address;
}

export function farmDomain(d: FarmDomain): TypedDataDomain {
  return {
    name: "EAI Farm",
    version: "1",
    chainId: d.chainId,
    verifyingContract: getAddress(d.providerRegistry),
  };
}

// ─── message shapes (zod: they arrive as JSON) ────────────────────────────────────────────────────────────────

const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), { error: "expected a 0x-prefixed 20-byte address" })
  .transform((v) => getAddress(v));
const uint = (max: bigint) =>
  z.union([z.string(), z.number(), z.bigint()]).transform((v, ctx) => {
    const s = typeof v === "bigint" ? v.toString() : String(v);
    if (!/^\d+$/.test(s) || BigInt(s) > max) {
      ctx.addIssue({ code: "custom", message: `expected an unsigned integer ≤ ${max}` });
      return z.NEVER;
    }
    return BigInt(s);
  });
const UINT64 = (1n << 64n) - 1n;
const UINT256 = (1n << 256n) - 1n;
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, { error: "expected 0x + 64 hex digits" })
  .transform((v) => v.toLowerCase() as Hex);
export const signatureSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{130}$/, { error: "expected a 65-byte signature (0x + 130 hex digits)" })
  .transform((v) => v as Hex);

export const grantSchema = z
  .object({
    owner: address,
    worker: address,
    grantee: address,
    scopes: z.number().int().min(1).max(15),
    expiry: uint(UINT64),
    nonce: uint(UINT256),
  })
  .strict();
export type Grant = z.infer<typeof grantSchema>;

export const revocationSchema = z
  .object({ owner: address, minNonce: uint(UINT256), issuedAt: uint(UINT64) })
  .strict();
export type Revocation = z.infer<typeof revocationSchema>;

/** The commands a control API accepts (no shell, nothing else). */
export const COMMAND_ACTIONS = ["pause", "resume", "drain", "restart", "set-config", "upgrade"] as const;
export type CommandAction = (typeof COMMAND_ACTIONS)[number];
/** The scope each command needs. */
export const COMMAND_SCOPE: Record<CommandAction, Scope> = {
  pause: "command",
  resume: "command",
  drain: "command",
  restart: "command",
  upgrade: "command",
  "set-config": "config",
};

export const commandSchema = z
  .object({
    worker: address,
    id: bytes32,
    action: z.enum(COMMAND_ACTIONS, { error: `expected one of ${COMMAND_ACTIONS.join(", ")}` }),
    /** JSON text (signed as is): `{}` or the action's arguments. */
    args: z.string().max(16_384),
    issuedAt: uint(UINT64),
  })
  .strict();
export type Command = z.infer<typeof commandSchema>;

export const accessSchema = z.object({ grantee: address, worker: address, notAfter: uint(UINT64) }).strict();
export type Access = z.infer<typeof accessSchema>;

export const manifestSchema = z
  .object({
    owner: address,
    version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/, {
      error: "expected a version like 0.2.0 (letters, digits, . + -)",
    }),
    url: z
      .string()
      .max(2_048)
      .refine((v) => /^https?:\/\//.test(v), { error: "expected an http(s) URL" }),
    sha256: bytes32,
    expiry: uint(UINT64),
  })
  .strict();
export type UpgradeManifest = z.infer<typeof manifestSchema>;

/** A message with its signature, as it travels. */
export const signedSchema = <T extends z.ZodType>(message: T) =>
  z.object({ message, signature: signatureSchema }).strict();
export const signedGrantSchema = signedSchema(grantSchema);
export const signedRevocationSchema = signedSchema(revocationSchema);
export const signedCommandSchema = signedSchema(commandSchema);
export const signedAccessSchema = signedSchema(accessSchema);
export const signedManifestSchema = signedSchema(manifestSchema);
export interface Signed<T> {
  message: T;
  signature: Hex;
}

// ─── typed data for signers (viem's signTypedData / wagmi's useSignTypedData) ─────────────────────────────────

type Kind = keyof typeof FARM_TYPES;
type Messages = {
  Grant: Grant;
  Revocation: Revocation;
  Command: Command;
  Access: Access;
  UpgradeManifest: UpgradeManifest;
};

/** EIP-712 typed data as `signTypedData` takes it (viem account, wallet client, wagmi). */
export interface FarmTypedData {
  domain: TypedDataDomain;
  types: Record<string, readonly { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

/** The argument for `signTypedData` for one farm message. */
export function farmTypedData<K extends Kind>(
  domain: FarmDomain,
  primaryType: K,
  message: Messages[K],
): FarmTypedData {
  return {
    domain: farmDomain(domain),
    types: { [primaryType]: FARM_TYPES[primaryType] },
    primaryType,
    message: message as unknown as Record<string, unknown>,
  };
}

/** JSON form of a message (bigints as decimal strings), for HTTP bodies and files. */
export function toJsonMessage<T extends object>(message: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(message).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]),
  );
}

// ─── verification ─────────────────────────────────────────────────────────────────────────────────────────────

/** Half the secp256k1 group order: a valid `s` is at most this (EIP-2; the other half is the malleable twin). */
export const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export class FarmAuthError extends Error {
  override name = "FarmAuthError";
  readonly code: FarmAuthCode;
  constructor(code: FarmAuthCode, message: string) {
    super(message);
    this.code = code;
  }
}
export type FarmAuthCode =
  | "bad-signature"
  | "malleable-signature"
  | "wrong-signer"
  | "wrong-owner"
  | "wrong-worker"
  | "expired"
  | "revoked"
  | "scope"
  | "replayed"
  | "stale"
  | "malformed";

/** The address that signed `message` as `primaryType` in `domain`; rejects malformed and high-s signatures. */
export async function recoverFarmSigner<K extends Kind>(
  domain: FarmDomain,
  primaryType: K,
  message: Messages[K],
  signature: Hex,
): Promise<Address> {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature))
    throw new FarmAuthError("bad-signature", "expected a 65-byte signature");
  const s = hexToBigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if (s === 0n || s > SECP256K1_HALF_N)
    throw new FarmAuthError(
      "malleable-signature",
      "signature s is in the upper half of the curve order (EIP-2)",
    );
  if (v !== 27 && v !== 28)
    throw new FarmAuthError("bad-signature", `signature v must be 27 or 28, got ${v}`);
  try {
    return getAddress(
      await recoverTypedDataAddress({ ...farmTypedData(domain, primaryType, message), signature }),
    );
  } catch (err) {
    throw new FarmAuthError("bad-signature", `signature does not recover: ${(err as Error).message}`);
  }
}

/** A grant checked for one worker: who may do what, until when. */
export interface VerifiedGrant {
  grant: Grant;
  scopes: ReadonlySet<Scope>;
}

export function scopesOf(mask: number): Set<Scope> {
  return new Set(ALL_SCOPES.filter((s) => (mask & SCOPES[s]) !== 0));
}

export function scopeMask(scopes: readonly Scope[]): number {
  return scopes.reduce((m, s) => m | SCOPES[s], 0);
}

export interface GrantCheck {
  domain: FarmDomain;
  /** The provider the worker acts for (the only owner whose grants count). */
  owner: Address;
  /** The worker's signing address (what a worker-scoped grant and every command name). */
  worker: Address;
  /** Unix seconds. */
  now: number;
  /** Grants of `owner` with a nonce below this are revoked. */
  minNonce: bigint;
}

/**
 * Verifies a signed grant for this worker: signed by `owner`, naming this worker or the whole farm, not expired,
 * not revoked. @throws FarmAuthError
 */
export async function verifyGrant(signed: Signed<Grant>, check: GrantCheck): Promise<VerifiedGrant> {
  const { message: grant } = signed;
  if (getAddress(grant.owner) !== getAddress(check.owner))
    throw new FarmAuthError(
      "wrong-owner",
      `grant is from ${grant.owner}, this worker's provider is ${check.owner}`,
    );
  const signer = await recoverFarmSigner(check.domain, "Grant", grant, signed.signature);
  if (signer !== getAddress(check.owner))
    throw new FarmAuthError("wrong-signer", `grant signed by ${signer}, not by the owner ${check.owner}`);
  if (grant.worker !== zeroAddress && getAddress(grant.worker) !== getAddress(check.worker))
    throw new FarmAuthError("wrong-worker", `grant is for worker ${grant.worker}, this is ${check.worker}`);
  if (grant.expiry <= BigInt(check.now))
    throw new FarmAuthError(
      "expired",
      `grant expired at ${new Date(Number(grant.expiry) * 1000).toISOString()}`,
    );
  if (grant.nonce < check.minNonce)
    throw new FarmAuthError(
      "revoked",
      `grant nonce ${grant.nonce} is below the owner's minimum ${check.minNonce}`,
    );
  return { grant, scopes: scopesOf(grant.scopes) };
}

/** Verifies an owner's revocation (signed by `owner`). @throws FarmAuthError */
export async function verifyRevocation(
  signed: Signed<Revocation>,
  domain: FarmDomain,
  owner: Address,
): Promise<Revocation> {
  if (getAddress(signed.message.owner) !== getAddress(owner))
    throw new FarmAuthError("wrong-owner", `revocation is for ${signed.message.owner}, not ${owner}`);
  const signer = await recoverFarmSigner(domain, "Revocation", signed.message, signed.signature);
  if (signer !== getAddress(owner))
    throw new FarmAuthError("wrong-signer", `revocation signed by ${signer}, not by the owner ${owner}`);
  return signed.message;
}

/** Verifies an upgrade manifest (signed by `owner`, not expired). @throws FarmAuthError */
export async function verifyManifest(
  signed: Signed<UpgradeManifest>,
  domain: FarmDomain,
  owner: Address,
  now: number,
): Promise<UpgradeManifest> {
  if (getAddress(signed.message.owner) !== getAddress(owner))
    throw new FarmAuthError("wrong-owner", `manifest is from ${signed.message.owner}, not ${owner}`);
  const signer = await recoverFarmSigner(domain, "UpgradeManifest", signed.message, signed.signature);
  if (signer !== getAddress(owner))
    throw new FarmAuthError("wrong-signer", `manifest signed by ${signer}, not by the owner ${owner}`);
  if (signed.message.expiry <= BigInt(now)) throw new FarmAuthError("expired", "upgrade manifest expired");
  return signed.message;
}

/** Verifies a read token for `worker` signed by `grantee`. @throws FarmAuthError */
export async function verifyAccess(
  signed: Signed<Access>,
  domain: FarmDomain,
  worker: Address,
  now: number,
): Promise<Access> {
  const { message } = signed;
  if (getAddress(message.worker) !== getAddress(worker))
    throw new FarmAuthError("wrong-worker", `access token is for ${message.worker}, this is ${worker}`);
  if (message.notAfter <= BigInt(now)) throw new FarmAuthError("expired", "access token expired");
  if (message.notAfter > BigInt(now + MAX_ACCESS_SEC + 60))
    throw new FarmAuthError("malformed", `access token lives longer than ${MAX_ACCESS_SEC} s`);
  const signer = await recoverFarmSigner(domain, "Access", message, signed.signature);
  if (signer !== getAddress(message.grantee))
    throw new FarmAuthError("wrong-signer", `access token signed by ${signer}, not by ${message.grantee}`);
  return message;
}

/** Checks a command's signature (by `grantee`), worker and time window; the caller checks replay. @throws FarmAuthError */
export async function verifyCommand(
  signed: Signed<Command>,
  domain: FarmDomain,
  worker: Address,
  grantee: Address,
  now: number,
  windowSec: number,
): Promise<Command> {
  const { message } = signed;
  if (getAddress(message.worker) !== getAddress(worker))
    throw new FarmAuthError("wrong-worker", `command is for ${message.worker}, this is ${worker}`);
  const age = now - Number(message.issuedAt);
  if (Math.abs(age) > windowSec)
    throw new FarmAuthError("stale", `command issued ${age} s ago; accepted within ±${windowSec} s`);
  const signer = await recoverFarmSigner(domain, "Command", message, signed.signature);
  if (signer !== getAddress(grantee))
    throw new FarmAuthError("wrong-signer", `command signed by ${signer}, not by the grantee ${grantee}`);
  return message;
}

/** A fresh command id (32 random bytes). */
export function newCommandId(): Hex {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Encodes a signed message for an HTTP header (base64url of its JSON). */
export function encodeSignedHeader(signed: Signed<object>): string {
  const json = JSON.stringify({ message: toJsonMessage(signed.message), signature: signed.signature });
  return btoa(json).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Decodes {@link encodeSignedHeader}; undefined when it is not base64url JSON. */
export function decodeSignedHeader(value: string): unknown {
  try {
    const b64 = value.replaceAll("-", "+").replaceAll("_", "/");
    return JSON.parse(atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), "=")));
  } catch {
    return undefined;
  }
}
