/** The machine and software a run measured, and the memory of a process by its id. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../platform/paths';

export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function describeMachine(): MachineDescription {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

/** The installed version of a package; without a name, the project's own. */
function packageVersion(name?: string): string {
  try {
    const file = name
      ? join(projectRoot(), 'node_modules', ...name.split('/'), 'package.json')
      : join(projectRoot(), 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Versions of what was measured: the SDK, XState, zod and the Temporal CLI (with its server). */
export function describeVersions(cli: string): Record<string, string> {
  let temporal = 'unknown';
  try {
    temporal = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    'thuis-in-de-wijk': packageVersion(),
    '@temporalio/worker': packageVersion('@temporalio/worker'),
    '@temporalio/client': packageVersion('@temporalio/client'),
    xstate: packageVersion('xstate'),
    zod: packageVersion('zod'),
    temporalCli: temporal,
  };
}

/** Resident set size of a process in bytes (Linux /proc, else ps); NaN when it cannot be read. */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    // not Linux, or gone
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds; NaN when it cannot be read. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  try {
    // /proc/<pid>/stat: fields 14 and 15 are utime and stime in clock ticks (100 per second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (user + system, milliseconds) of a process's threads other than its main thread and the Temporal Core
 * runtime's (`tokio-*`): for a worker process, the workflow thread and the V8 helper threads (garbage collection,
 * compilation) that work for it. NaN when /proc cannot be read.
 */
export function workflowThreadsCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      if (tid === String(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('tokio')) continue;
        const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
          .replace(/^.*\) /, '')
          .split(' ');
        total += (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {
        // the thread ended meanwhile
      }
    }
    return total;
  } catch {
    return Number.NaN;
  }
}

/**
 * Proportional set size of a process in bytes (Linux /proc/<pid>/smaps_rollup): its private pages plus its share of
 * the pages it shares, so that the Pss of a group of processes adds up to the memory they use together (summed RSS
 * counts PostgreSQL's shared buffers once per backend). NaN when it cannot be read.
 */
export function pssBytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const kib = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kib ? Number(kib) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
