import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import {
  detectGpus,
  detectHardware,
  NVIDIA_SMI_ARGS,
  parseNvidiaSmi,
  runCommand,
  toResources,
  type CommandRunner,
} from "./hardware.ts";

// Recorded outputs of `nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader,nounits`.
const RTX4090 = "NVIDIA GeForce RTX 4090, 24564, 8.9\n";
const MULTI = "NVIDIA H100 80GB HBM3, 81559, 9.0\r\nNVIDIA A10G, 23028, 8.6\r\n\r\n";
const ODD =
  "  Tesla T4 , 15360 , 7.5 \nWeird, Inc. GPU, 8192, 8.0\nBroken line\nNVIDIA X, [N/A], [N/A]\nNVIDIA Y, 4096, [N/A]\n";

const recorded =
  (stdout: string, exitCode = 0, stderr = ""): CommandRunner =>
  async (file, args) => {
    expect(file).toBe("nvidia-smi");
    expect(args).toEqual(NVIDIA_SMI_ARGS);
    return { stdout, stderr, exitCode };
  };

describe("nvidia-smi parsing", () => {
  it("reads one GPU", () => {
    expect(parseNvidiaSmi(RTX4090)).toEqual([
      { name: "NVIDIA GeForce RTX 4090", vramMiB: 24564, computeCapability: 89 },
    ]);
  });

  it("reads several GPUs with CRLF and blank lines", () => {
    expect(parseNvidiaSmi(MULTI)).toEqual([
      { name: "NVIDIA H100 80GB HBM3", vramMiB: 81559, computeCapability: 90 },
      { name: "NVIDIA A10G", vramMiB: 23028, computeCapability: 86 },
    ]);
  });

  it("tolerates spaces, commas in names, N/A values and junk lines", () => {
    expect(parseNvidiaSmi(ODD)).toEqual([
      { name: "Tesla T4", vramMiB: 15360, computeCapability: 75 },
      { name: "Weird, Inc. GPU", vramMiB: 8192, computeCapability: 80 },
      { name: "NVIDIA Y", vramMiB: 4096, computeCapability: 0 },
    ]);
  });
});

describe("GPU detection", () => {
  it("uses the injected runner", async () => {
    expect((await detectGpus(recorded(MULTI))).gpus).toHaveLength(2);
  });

  it("reports no GPU when nvidia-smi is missing or fails", async () => {
    expect(await detectGpus(async () => null)).toEqual({ gpus: [], probe: "nvidia-smi not found" });
    const failed = await detectGpus(
      recorded("", 9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver"),
    );
    expect(failed.gpus).toEqual([]);
    expect(failed.probe).toMatch(/exited with 9: NVIDIA-SMI has failed/);
    const thrown = await detectGpus(async () => {
      throw new Error("timed out");
    });
    expect(thrown.probe).toBe("nvidia-smi failed: timed out");
  });

  it("runs the real command path (this machine has no nvidia-smi → no GPU)", async () => {
    expect(await runCommand("definitely-not-a-binary-eai", [], 1000)).toBeNull();
    const echoed = await runCommand("node", ["-e", "process.stdout.write('hi'); process.exit(3)"], 10_000);
    expect(echoed).toEqual({ stdout: "hi", stderr: "", exitCode: 3 });
    const real = await detectGpus();
    const hasSmi = (await runCommand("nvidia-smi", ["-L"], 10_000)) !== null;
    if (!hasSmi) expect(real).toEqual({ gpus: [], probe: "nvidia-smi not found" });
    else expect(real.probe).toMatch(/nvidia-smi/);
  });
});

describe("hardware and Resources", () => {
  it("detects CPU, RAM and disk of the state folder", async () => {
    const hw = await detectHardware({ stateDir: tmpdir(), run: recorded(RTX4090) });
    expect(hw.cpuCores).toBeGreaterThanOrEqual(1);
    expect(hw.ramMiB).toBeGreaterThan(100);
    expect(hw.storageGiB).toBeGreaterThanOrEqual(0);
    expect(hw.gpus[0]?.computeCapability).toBe(89);
  });

  it("maps to Resources using the GPU with the most memory and clamps to uint widths", async () => {
    const hw = await detectHardware({ stateDir: tmpdir(), run: recorded(MULTI) });
    const r = toResources(hw, { bandwidthMbps: 1000, region: 276, benchmarkScore: 1234.9 });
    expect(r).toMatchObject({
      vramMiB: 81559,
      computeCapability: 90,
      bandwidthMbps: 1000,
      region: 276,
      benchmarkScore: 1234,
    });
    expect(Object.values(r).every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const cpuOnly = toResources(
      { ...hw, gpus: [], cpuCores: 100_000 },
      { bandwidthMbps: -5, region: 70_000, benchmarkScore: NaN },
    );
    expect(cpuOnly).toMatchObject({
      vramMiB: 0,
      computeCapability: 0,
      cpuCores: 65_535,
      bandwidthMbps: 0,
      region: 65_535,
      benchmarkScore: 0,
    });
  });
});
