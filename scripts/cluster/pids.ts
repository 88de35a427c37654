/** Pid files of the cluster's processes, in `<dir>/run/`. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterLayout } from './layout';

const pidFile = (layout: ClusterLayout, name: string) => join(layout.dir, 'run', `${name}.pid`);

export function writePid(layout: ClusterLayout, name: string, pid: number): void {
  mkdirSync(join(layout.dir, 'run'), { recursive: true });
  writeFileSync(pidFile(layout, name), `${pid}\n`);
}

export function readPid(layout: ClusterLayout, name: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile(layout, name), 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function removePid(layout: ClusterLayout, name: string): void {
  rmSync(pidFile(layout, name), { force: true });
}
