// A validator's durable state: the attestations it has signed (append-only JSON lines, served to relayers), a cursor
// per source chain, and the messages it signed from spokes that have not yet been seen executed (the accountant's
// pending amounts). Writes go to a temporary file and are renamed, so a crash leaves the old or the new state.
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { attestationSchema, attestationToJson, type Attestation } from "./attest.ts";

const cursorsSchema = z.record(z.string().regex(/^\d+$/), z.string().regex(/^\d+$/));
const pendingSchema = z.array(
  z.object({ msgId: z.string(), srcChain: z.string(), dstChain: z.string(), amountWei: z.string() }).strict(),
);

export interface PendingOutflow {
  msgId: string;
  srcChain: bigint;
  dstChain: bigint;
  amountWei: bigint;
}

export class ValidatorStore {
  readonly #dir: string;
  #attestations: Attestation[] = [];
  #signed = new Set<string>();
  #cursors = new Map<bigint, bigint>();
  #pending = new Map<string, PendingOutflow>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** Opens (or creates) the state in `dir`; a corrupt file throws rather than being silently replaced. */
  static async open(dir: string): Promise<ValidatorStore> {
    await mkdir(dir, { recursive: true });
    const store = new ValidatorStore(dir);
    const text = await readFile(join(dir, "attestations.jsonl"), "utf8").catch(() => "");
    const lines = text.split("\n");
    let torn = false;
    const last = lines.findLastIndex((l) => l.trim() !== "");
    for (const [i, line] of lines.entries()) {
      if (line.trim() === "") continue;
      let parsed: Attestation;
      try {
        parsed = attestationSchema.parse(JSON.parse(line));
      } catch (err) {
        // A torn last line (a crash mid-append) is dropped: its message is signed again from the chain.
        if (i === last && !text.endsWith("\n")) {
          torn = true;
          continue;
        }
        throw new Error(`${join(dir, "attestations.jsonl")} line ${i + 1}: ${(err as Error).message}`);
      }
      store.#attestations.push(parsed);
      store.#signed.add(ValidatorStore.key(parsed.kind, parsed.domain.chainId, parsed.msgId));
    }
    if (torn) {
      const kept = store.#attestations.map((a) => `${JSON.stringify(attestationToJson(a))}\n`).join("");
      await writeFile(join(dir, "attestations.jsonl"), kept);
    }
    const cursors = await readJson(join(dir, "cursors.json"), cursorsSchema, {});
    for (const [chain, block] of Object.entries(cursors)) store.#cursors.set(BigInt(chain), BigInt(block));
    for (const p of await readJson(join(dir, "pending.json"), pendingSchema, [])) {
      store.#pending.set(p.msgId, {
        msgId: p.msgId,
        srcChain: BigInt(p.srcChain),
        dstChain: BigInt(p.dstChain),
        amountWei: BigInt(p.amountWei),
      });
    }
    return store;
  }

  static key(kind: string, domainChain: bigint, msgId: string): string {
    return `${kind}:${domainChain}:${msgId.toLowerCase()}`;
  }

  hasSigned(kind: string, domainChain: bigint, msgId: string): boolean {
    return this.#signed.has(ValidatorStore.key(kind, domainChain, msgId));
  }

  get nextSeq(): number {
    return (this.#attestations.at(-1)?.seq ?? 0) + 1;
  }

  async append(a: Attestation): Promise<void> {
    await appendFile(join(this.#dir, "attestations.jsonl"), `${JSON.stringify(attestationToJson(a))}\n`);
    this.#attestations.push(a);
    this.#signed.add(ValidatorStore.key(a.kind, a.domain.chainId, a.msgId));
  }

  /** Attestations with `seq` above `after`, at most `limit`. */
  since(after: number, limit: number): Attestation[] {
    // seq is 1, 2, 3… in order: index = seq - 1.
    return this.#attestations.slice(Math.max(0, after), Math.max(0, after) + limit);
  }

  get count(): number {
    return this.#attestations.length;
  }

  cursor(chain: bigint): bigint | undefined {
    return this.#cursors.get(chain);
  }

  async setCursor(chain: bigint, next: bigint): Promise<void> {
    this.#cursors.set(chain, next);
    const out: Record<string, string> = {};
    for (const [c, b] of this.#cursors) out[c.toString()] = b.toString();
    await writeAtomic(join(this.#dir, "cursors.json"), out);
  }

  pending(): PendingOutflow[] {
    return [...this.#pending.values()];
  }

  pendingFrom(chain: bigint): bigint {
    let sum = 0n;
    for (const p of this.#pending.values()) if (p.srcChain === chain) sum += p.amountWei;
    return sum;
  }

  async addPending(p: PendingOutflow): Promise<void> {
    this.#pending.set(p.msgId, p);
    await this.#savePending();
  }

  async removePending(msgId: string): Promise<void> {
    if (this.#pending.delete(msgId)) await this.#savePending();
  }

  async #savePending(): Promise<void> {
    await writeAtomic(
      join(this.#dir, "pending.json"),
      [...this.#pending.values()].map((p) => ({
        msgId: p.msgId,
        srcChain: p.srcChain.toString(),
        dstChain: p.dstChain.toString(),
        amountWei: p.amountWei.toString(),
      })),
    );
  }
}

async function readJson<T>(file: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return fallback;
  }
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`${file}: ${result.error.issues.map((i) => i.message).join("; ")}`);
  return result.data;
}

async function writeAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value)}\n`);
  await rename(tmp, file);
}
