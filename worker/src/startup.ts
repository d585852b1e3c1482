/** Hardware detection and the benchmark, mapped to the on-chain `Resources` the worker declares. */
import { mkdir } from "node:fs/promises";
import { runBenchmark } from "./benchmark.ts";
import type { WorkerConfig } from "./config.ts";
import { detectHardware, toResources, type HardwareInfo, type Resources } from "./hardware.ts";
import type { Logger } from "./logger.ts";

export async function benchmarkResources(
  config: WorkerConfig,
  log: Logger,
): Promise<{ resources: Resources; gpuModel: string; hardware: HardwareInfo }> {
  await mkdir(config.stateDir, { recursive: true, mode: 0o700 });
  const hardware = await detectHardware({ stateDir: config.stateDir });
  const bench = await runBenchmark();
  const resources = toResources(hardware, {
    bandwidthMbps: config.bandwidthMbps,
    region: config.region,
    benchmarkScore: bench.score,
  });
  const best = [...hardware.gpus].sort((a, b) => b.vramMiB - a.vramMiB)[0];
  const gpuModel = best?.name ?? "cpu";
  log.info(
    { gpus: hardware.gpus.length, gpuProbe: hardware.gpuProbe, benchmark: bench.score, resources },
    "hardware detected",
  );
  return { resources, gpuModel, hardware };
}
