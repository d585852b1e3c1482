/** Resource requirements and capacities (the registry's `Resources` struct) in words. */

const RESOURCE_LABELS: Record<string, (v: number) => string> = {
  vramMiB: (v) => `VRAM ${(v / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 })} GB`,
  computeCapability: (v) => `compute capability ${Math.floor(v / 10)}.${v % 10}`,
  cpuCores: (v) => `${v} CPU core${v === 1 ? "" : "s"}`,
  ramMiB: (v) => `RAM ${(v / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 })} GB`,
  storageGiB: (v) => `storage ${v} GB`,
  bandwidthMbps: (v) => `bandwidth ${v} Mbit/s`,
  benchmarkScore: (v) => `benchmark score ${v}`,
  region: (v) => `region ${v} (ISO 3166-1)`,
};

/** Non-zero fields in words, e.g. "2 CPU cores, RAM 23.5 GB" ("none" when all are zero or unknown). */
export function describeResources(resources: Record<string, number | null>): string {
  const parts = Object.entries(resources)
    .filter(([, v]) => typeof v === "number" && v > 0)
    .map(([k, v]) => RESOURCE_LABELS[k]?.(v as number) ?? `${k} ${v}`);
  return parts.length ? parts.join(", ") : "none";
}
