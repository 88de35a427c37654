/**
 * The cluster's processes run detached, each with its output in a log file, so that `npm run cluster` can return and
 * `npm run cluster -- --down` (another process) can stop them. Every one carries TIDW_CLUSTER_DIR in its environment,
 * so a pid read back from a file is only signalled while it still belongs to this cluster.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';

export const CLUSTER_MARKER = 'TIDW_CLUSTER_DIR';

export interface DetachedOptions {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** The cluster's directory: put in the environment as TIDW_CLUSTER_DIR. */
  cluster: string;
  log: string;
  cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
}

/** Starts a process in its own process group, detached from this one, appending its output to a log file. */
export function startDetached(options: DetachedOptions): Promise<number> {
  const out = openSync(options.log, 'a');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...options.env, [CLUSTER_MARKER]: options.cluster },
      detached: true,
      stdio: ['ignore', out, out],
      ...(options.user ?? {}),
    });
    return new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve(child.pid ?? 0);
      });
    });
  } finally {
    closeSync(out);
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

/** True when the process was started for the cluster in `dir` (its environment says so). */
export function belongsTo(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${CLUSTER_MARKER}=${dir}`);
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds, or throws naming what was awaited. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Sends `signal`, waits for the process to go, and kills it if it has not gone within `graceMs`. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  try {
    await waitUntil(`process ${pid} to exit`, () => !isAlive(pid), graceMs, 100);
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    await waitUntil(`process ${pid} to exit after SIGKILL`, () => !isAlive(pid), 10_000, 100);
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The last lines of a log file, each cut short (Temporal logs stack traces), for an error message. */
export function tail(path: string, lines = 8): string {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .slice(-lines)
      .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
      .join('\n');
  } catch {
    return '(no log)';
  }
}

/** The size of a log file now, so that a later `readFrom` sees only what was written after. */
export function logSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** What a log file holds after `offset`. */
export function readFrom(path: string, offset: number): string {
  try {
    return readFileSync(path).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}
