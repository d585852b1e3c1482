/**
 * Hardware detection: GPUs (nvidia-smi when present), CPU cores, RAM and free disk of the state folder,
 * mapped to the on-chain `Resources` struct (contracts/types/Resources.sol).
 */
import { execFile } from "node:child_process";
import { statfs } from "node:fs/promises";
import { availableParallelism, cpus, totalmem } from "node:os";

export interface GpuInfo {
  name: string;
  vramMiB: number;
  /** Compute capability ×10 (8.9 → 89); 0 when unknown. */
  computeCapability: number;
}

export interface HardwareInfo {
  gpus: GpuInfo[];
  /** Why no GPU was found, when none was ("nvidia-smi not found", an error, …). */
  gpuProbe: string;
  cpuModel: string;
  cpuCores: number;
  ramMiB: number;
  /** Free space available to the worker in the state folder's file system. */
  storageGiB: number;
}

/** The on-chain Resources struct (all unsigned integers; see contracts/types/Resources.sol). */
export interface Resources {
  vramMiB: number;
  computeCapability: number;
  cpuCores: number;
  ramMiB: number;
  storageGiB: number;
  bandwidthMbps: number;
  benchmarkScore: number;
  region: number;
}

/** The fields of `Resources`, in struct order. */
export const RESOURCE_KEYS = [
  "vramMiB",
  "computeCapability",
  "cpuCores",
  "ramMiB",
  "storageGiB",
  "bandwidthMbps",
  "benchmarkScore",
  "region",
] as const satisfies readonly (keyof Resources)[];

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs a program; resolves `null` when it does not exist. Injected so tests can replay recorded output. */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  timeoutMs: number,
) => Promise<CommandResult | null>;

export const runCommand: CommandRunner = (file, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { timeout: timeoutMs, maxBuffer: 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === "ENOENT") return resolve(null);
        if (err && typeof err.code !== "number") return reject(err);
        resolve({ stdout, stderr, exitCode: err ? Number(err.code) : 0 });
      },
    );
  });

export const NVIDIA_SMI_ARGS = [
  "--query-gpu=name,memory.total,compute_cap",
  "--format=csv,noheader,nounits",
] as const;

/**
 * Parses `nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader,nounits`.
 * Tolerates blank lines, CRLF, extra spaces, commas inside the name (fields are taken from the right) and
 * "[N/A]" / "[Not Supported]" values (read as 0). Lines that still make no sense are skipped.
 */
export function parseNvidiaSmi(stdout: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const fields = line.split(",").map((f) => f.trim());
    if (fields.length < 3) continue;
    const cc = fields.pop() ?? "";
    const mem = fields.pop() ?? "";
    const name = fields.join(", ");
    const vram = /^\d+(\.\d+)?$/.test(mem) ? Math.floor(Number(mem)) : 0;
    const ccMatch = /^(\d+)\.(\d+)$/.exec(cc);
    const computeCapability = ccMatch ? Number(ccMatch[1]) * 10 + Number(ccMatch[2]) : 0;
    if (name === "" || (vram === 0 && computeCapability === 0)) continue;
    gpus.push({ name, vramMiB: vram, computeCapability });
  }
  return gpus;
}

/** GPUs reported by nvidia-smi; an empty list with a reason when there is no binary or it fails. */
export async function detectGpus(
  run: CommandRunner = runCommand,
): Promise<{ gpus: GpuInfo[]; probe: string }> {
  let result: CommandResult | null;
  try {
    result = await run("nvidia-smi", NVIDIA_SMI_ARGS, 10_000);
  } catch (err) {
    return { gpus: [], probe: `nvidia-smi failed: ${(err as Error).message}` };
  }
  if (result === null) return { gpus: [], probe: "nvidia-smi not found" };
  if (result.exitCode !== 0) {
    return {
      gpus: [],
      probe: `nvidia-smi exited with ${result.exitCode}: ${result.stderr.trim().slice(0, 200)}`,
    };
  }
  const gpus = parseNvidiaSmi(result.stdout);
  return { gpus, probe: gpus.length > 0 ? `nvidia-smi: ${gpus.length} GPU(s)` : "nvidia-smi listed no GPU" };
}

export interface DetectOptions {
  /** Folder whose file system's free space is reported. */
  stateDir: string;
  run?: CommandRunner;
}

export async function detectHardware(options: DetectOptions): Promise<HardwareInfo> {
  const { gpus, probe } = await detectGpus(options.run);
  const fs = await statfs(options.stateDir);
  return {
    gpus,
    gpuProbe: probe,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cpuCores: availableParallelism(),
    ramMiB: Math.floor(totalmem() / (1024 * 1024)),
    storageGiB: Math.floor((Number(fs.bavail) * Number(fs.bsize)) / 1024 ** 3),
  };
}

const UINT16 = 0xffff;
const UINT32 = 0xffffffff;
const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.floor(Number.isFinite(v) ? v : 0)));

/**
 * Maps detected hardware to `Resources`. A task runs on one GPU, so VRAM and compute capability are those
 * of the GPU with the most memory (ties: the higher compute capability); 0 and 0 without a GPU.
 * Every field is clamped to its Solidity width.
 */
export function toResources(
  hw: HardwareInfo,
  declared: { bandwidthMbps: number; region: number; benchmarkScore: number },
): Resources {
  const best = [...hw.gpus].sort(
    (a, b) => b.vramMiB - a.vramMiB || b.computeCapability - a.computeCapability,
  )[0];
  return {
    vramMiB: clamp(best?.vramMiB ?? 0, UINT32),
    computeCapability: clamp(best?.computeCapability ?? 0, UINT16),
    cpuCores: clamp(hw.cpuCores, UINT16),
    ramMiB: clamp(hw.ramMiB, UINT32),
    storageGiB: clamp(hw.storageGiB, UINT32),
    bandwidthMbps: clamp(declared.bandwidthMbps, UINT32),
    benchmarkScore: clamp(declared.benchmarkScore, UINT32),
    region: clamp(declared.region, UINT16),
  };
}
