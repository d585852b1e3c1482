// TEP-64 on-chain jetton metadata: a dictionary sha256(key) → snake-encoded value (0x00 prefix).
import { beginCell, Cell, Dictionary } from "@ton/core";
import { sha256_sync } from "@ton/crypto";

export interface JettonMetadata {
  name: string;
  symbol: string;
  decimals: number;
  description?: string;
  image?: string;
}

const snake = (value: string): Cell => beginCell().storeUint(0, 8).storeStringTail(value).endCell();

export function jettonContentCell(meta: JettonMetadata): Cell {
  const dict = Dictionary.empty(Dictionary.Keys.Buffer(32), Dictionary.Values.Cell());
  const entries: [string, string | undefined][] = [
    ["name", meta.name],
    ["symbol", meta.symbol],
    ["decimals", String(meta.decimals)],
    ["description", meta.description],
    ["image", meta.image],
  ];
  for (const [key, value] of entries) if (value !== undefined) dict.set(sha256_sync(key), snake(value));
  return beginCell().storeUint(0, 8).storeDict(dict).endCell();
}

/** Read one key of on-chain metadata (null when absent). */
export function readJettonContent(content: Cell, key: string): string | null {
  const s = content.beginParse();
  if (s.loadUint(8) !== 0) throw new Error("not on-chain metadata");
  const dict = s.loadDict(Dictionary.Keys.Buffer(32), Dictionary.Values.Cell());
  const value = dict.get(sha256_sync(key));
  if (!value) return null;
  const v = value.beginParse();
  if (v.loadUint(8) !== 0) throw new Error("not snake-encoded");
  return v.loadStringTail();
}
