import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NODE = join(ROOT, "node_modules/.bin/node");
const MODULE = fileURLToPath(new URL("./ports.ts", import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-ports-test-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Starts `n` processes that each claim `each` ports of [from, to] at the same moment and hold them. */
async function claimers(n: number, each: number, range: [number, number]) {
  const at = Date.now() + 1_500;
  const script = `
    const { freePort } = await import(${JSON.stringify(MODULE)});
    while (Date.now() < ${at}) await new Promise((r) => setTimeout(r, 5));
    const ports = [];
    try { for (let i = 0; i < ${each}; i++) ports.push(await freePort([${range[0]}, ${range[1]}])); }
    catch (err) { ports.push(String(err.message)); }
    console.log(JSON.stringify(ports));
    process.stdin.resume(); process.stdin.on("end", () => process.exit(0));
  `;
  const children = Array.from({ length: n }, () =>
    spawn(NODE, ["--input-type=module", "-e", script], {
      env: { ...process.env, EAI_TEST_PORTS_DIR: dir },
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const lists = await Promise.all(
    children.map(
      (child) =>
        new Promise<(number | string)[]>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (c: Buffer) => {
            out += c.toString();
            if (out.includes("\n")) resolve(JSON.parse(out) as (number | string)[]);
          });
          child.once("exit", (code) => reject(new Error(`claimer exited ${code} before answering`)));
        }),
    ),
  );
  const exited = children.map((c) => new Promise((r) => c.once("exit", r)));
  for (const c of children) c.stdin.end();
  await Promise.all(exited);
  return lists;
}

describe("freePort across processes", () => {
  it("never hands one port to two live processes claiming at the same moment", async () => {
    // 4 processes × 5 ports out of exactly 20: a port handed out twice leaves another unclaimed
    const lists = await claimers(4, 5, [45_300, 45_319]);
    const all = lists.flat();
    expect(all.every((p) => typeof p === "number")).toBe(true);
    expect(new Set(all).size).toBe(20);
    expect(await readdir(dir)).toEqual([]); // each removed its claims on exit
  }, 60_000);

  it("ignores and removes the claims of a process that is gone", async () => {
    // claims on every port of the range by a pid that does not run (the highest pid Linux allows, plus one)
    for (let p = 45_320; p <= 45_322; p++) await writeFile(join(dir, `${p}.4194305`), "4194305");
    const [ports] = await claimers(1, 3, [45_320, 45_322]);
    expect([...(ports ?? [])].sort()).toEqual([45_320, 45_321, 45_322]);
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);

  it("says so when every port of the range is held", async () => {
    const [first, second] = await claimersHolding();
    expect(first).toEqual([45_330]);
    expect(second).toEqual(["no free port in 45330-45330"]);
  }, 60_000);
});

/** Two processes, one after the other, each asking for the single port of the range while the first holds it. */
async function claimersHolding() {
  const script = (tag: string) => `
    const { freePort } = await import(${JSON.stringify(MODULE)});
    let out;
    try { out = [await freePort([45330, 45330])]; } catch (err) { out = [String(err.message)]; }
    console.log(JSON.stringify(out));
    process.stdin.resume(); process.stdin.on("end", () => process.exit(0)); // ${tag}
  `;
  const start = (tag: string) => {
    const child = spawn(NODE, ["--input-type=module", "-e", script(tag)], {
      env: { ...process.env, EAI_TEST_PORTS_DIR: dir },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const answer = new Promise<unknown[]>((resolve) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("\n")) resolve(JSON.parse(out) as unknown[]);
      });
    });
    return { child, answer };
  };
  const a = start("first");
  const first = await a.answer;
  const b = start("second");
  const second = await b.answer;
  for (const { child } of [a, b]) {
    const exited = new Promise((r) => child.once("exit", r));
    child.stdin.end();
    await exited;
  }
  return [first, second];
}
