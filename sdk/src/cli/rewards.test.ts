import { describe, expect, it } from "vitest";

import { main } from "./main.ts";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe("eai rewards", () => {
  it("lists status, claim and root", async () => {
    const t = io();
    expect(await main(["rewards", "--help"], {}, t.io)).toBe(0);
    const help = t.out.join("\n");
    for (const cmd of ["status", "claim", "root"]) expect(help).toContain(cmd);
  });

  it("answers a usage error (exit 2) for a missing or bad EPOCH, before touching the chain", async () => {
    const t = io();
    expect(await main(["rewards", "root", "--rpc", "http://127.0.0.1:1"], {}, t.io)).toBe(2);
    expect(t.err.join("\n")).toContain("EPOCH: expected a decimal integer");
    const u = io();
    expect(await main(["rewards", "root", "x1"], {}, u.io)).toBe(2);
  });
});
