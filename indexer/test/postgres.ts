/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temp dir, listening on 127.0.0.1 only (a free port of
 * 42100–42149), run as the `postgres` system user when this process is root (PostgreSQL refuses to run as root),
 * stopped and removed by `stop()`. Installs the Debian package only when no binaries are found, and fails with a
 * clear message when that is impossible — it never skips silently.
 */
import { execFile } from "node:child_process";
import { chmod, chown, mkdtemp, readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { HTTP_PORTS, freePort } from "./harness.ts";

const run = promisify(execFile);

export interface Postgres {
  url: string;
  stop: () => Promise<void>;
}

async function findBin(): Promise<string | undefined> {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = (await readdir(base)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(base, v, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
  }
  return undefined;
}

async function ensureBin(): Promise<string> {
  const found = await findBin();
  if (found) return found;
  try {
    await run("apt-get", ["update"], { timeout: 180_000 });
    await run("apt-get", ["install", "-y", "postgresql"], {
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } catch (err) {
    throw new Error(
      `PostgreSQL is not installed and \`apt-get install -y postgresql\` failed (${(err as Error).message.split("\n")[0]}). ` +
        "Install PostgreSQL (Debian: apt-get install -y postgresql) to run the PostgreSQL test.",
    );
  }
  const bin = await findBin();
  if (!bin)
    throw new Error("apt-get installed postgresql but no initdb/pg_ctl was found under /usr/lib/postgresql");
  return bin;
}

export async function startPostgres(): Promise<Postgres> {
  const bin = await ensureBin();
  const root = await mkdtemp(join(tmpdir(), "eai-pg-"));
  const data = join(root, "data");
  const asRoot = process.getuid?.() === 0;
  let uid = 0;
  let gid = 0;
  if (asRoot) {
    const { stdout: u } = await run("id", ["-u", "postgres"]).catch(() => {
      throw new Error("running as root needs the `postgres` system user (created by the Debian package)");
    });
    const { stdout: g } = await run("id", ["-g", "postgres"]);
    uid = Number(u.trim());
    gid = Number(g.trim());
    await chown(root, uid, gid);
    await chmod(root, 0o700);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args], { timeout: 120_000 })
      : run(join(bin, tool), args, { timeout: 120_000 });

  const port = await freePort(HTTP_PORTS);
  await pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  await pg("pg_ctl", [
    "-D",
    data,
    "-l",
    join(root, "postgres.log"),
    "-o",
    `-p ${port} -h 127.0.0.1 -k ${root} -c fsync=off -c max_connections=200`,
    "-w",
    "start",
  ]);
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop: async () => {
      await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
