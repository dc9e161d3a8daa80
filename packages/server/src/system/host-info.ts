import { statfs } from 'node:fs/promises';
import os from 'node:os';

/**
 * What `sys/host-info` reports, from `node:os` and `statfs(2)`: a subset of the fields Vault
 * collects with gopsutil (https://developer.hashicorp.com/vault/api-docs/system/host-info),
 * under the same names. CPU times are in seconds, as gopsutil's; sizes are in bytes.
 */
export interface HostInfo {
  cpu: Record<string, unknown>[];
  cpu_times: Record<string, unknown>[];
  disk: Record<string, unknown>[];
  host: Record<string, unknown>;
  memory: Record<string, unknown>;
  timestamp: string;
}

/** Collects the host's state now; a part that cannot be read is left out with a warning. */
export async function collectHostInfo(now: Date, diskPath = '/'): Promise<{ info: HostInfo; warnings: string[] }> {
  const cpus = os.cpus();
  const warnings: string[] = [];
  const disk: Record<string, unknown>[] = [];
  try {
    disk.push(diskUsage(diskPath, await statfs(diskPath)));
  } catch (err) {
    warnings.push(`disk usage of \`${diskPath}\` is unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const uptime = Math.floor(os.uptime());
  const total = os.totalmem();
  const free = os.freemem();
  return {
    info: {
      cpu: cpus.map((c, i) => ({ cpu: i, modelName: c.model, mhz: c.speed, cores: 1 })),
      cpu_times: cpus.map((c, i) => ({
        cpu: `cpu${i}`,
        user: c.times.user / 1000,
        system: c.times.sys / 1000,
        idle: c.times.idle / 1000,
        nice: c.times.nice / 1000,
        irq: c.times.irq / 1000,
      })),
      disk,
      host: {
        hostname: os.hostname(),
        uptime,
        bootTime: Math.floor(now.getTime() / 1000) - uptime,
        os: os.platform(),
        kernelVersion: os.release(),
        kernelArch: os.machine(),
      },
      memory: { total, available: free, free, used: total - free, usedPercent: percent(total - free, total) },
      timestamp: now.toISOString(),
    },
    warnings,
  };
}

function diskUsage(path: string, s: { bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number }) {
  const total = s.blocks * s.bsize;
  const free = s.bavail * s.bsize;
  // As df and gopsutil: "used" excludes the blocks reserved for root, which are neither free nor used.
  const used = (s.blocks - s.bfree) * s.bsize;
  return {
    path,
    total,
    free,
    used,
    usedPercent: percent(used, used + free),
    inodesTotal: s.files,
    inodesUsed: s.files - s.ffree,
    inodesFree: s.ffree,
    inodesUsedPercent: percent(s.files - s.ffree, s.files),
  };
}

const percent = (part: number, whole: number): number => (whole > 0 ? (part / whole) * 100 : 0);
