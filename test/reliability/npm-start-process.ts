/**
 * `npm start` as a person runs it, for the reliability tests: in a terminal of its own (a process group), with only
 * the variables a test gives (none of the caller's TIDW_* or TEMPORAL_*), from a folder of choice; and the two
 * processes it runs, found as a person would find them (ps, the server's record in the data directory).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../support/processes';

export interface NpmStart {
  pid: number;
  output: () => string;
  /** Resolves when the output contains `text` (counted from `from`, an earlier output length). */
  waitFor: (text: string, timeoutMs?: number, from?: number) => Promise<void>;
  exited: Promise<number | null>;
  /** The worker: npm's child (the start script execs node). */
  workerPid: () => number;
  /** SIGINT to the whole group, as Ctrl-C in a terminal. */
  interrupt: () => void;
}

/** The environment of a fresh shell: the caller's, less every engine variable, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TIDW_') && !k.startsWith('TEMPORAL_')),
  );
  return { ...clean, ...env };
}

export function npmStart(env: Record<string, string>, cwd = root): NpmStart {
  const child = spawn('npm', ['start'], {
    cwd,
    env: cleanEnv(env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  return {
    pid: child.pid!,
    output: () => output,
    exited,
    waitFor: async (text, timeoutMs = 120_000, from = 0) => {
      const deadline = Date.now() + timeoutMs;
      while (!output.slice(from).includes(text)) {
        if (done) throw new Error(`npm start exited before "${text}":\n${output.slice(-3000)}`);
        if (Date.now() > deadline)
          throw new Error(`no "${text}" within ${timeoutMs} ms:\n${output.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    workerPid: () =>
      Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' }).trim()),
    interrupt: () => {
      if (!done) process.kill(-child.pid!, 'SIGINT');
    },
  };
}

/** The embedded server's process id, from the record npm start keeps beside the database. */
export function serverPid(dataDir: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'temporal-server.json'), 'utf8')) as { pid: number }).pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until a process has gone; returns how long that took. */
export async function gone(pid: number, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (isAlive(pid)) {
    if (Date.now() - started > timeoutMs) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

/** Ends whatever a test left running (a failed assertion must not leave servers behind). */
export function killQuietly(...pids: Array<number | undefined>): void {
  for (const pid of pids) {
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The README's demo traject up to the signed contract, whose kennismakingsgesprek is due 10 s later (`demo`). */
export const demoSteps = [
  { type: 'INSTEMMING_GEGEVEN', as: 'client' },
  { type: 'URGENTIE_AANGEVRAAGD', as: 'zorgaanbieder' },
  { type: 'URGENTIE_TOEGEKEND', as: 'gemeente', data: { searchProfile: {} } },
  { type: 'WONING_AANGEBODEN', as: 'corporatie', data: { homeRef: 'woning-0043' } },
  { type: 'AANBOD_GEACCEPTEERD', as: 'client' },
  { type: 'CONTRACTVORM_GEADVISEERD', as: 'zorgaanbieder', data: { form: 'omklapcontract' } },
  { type: 'CONTRACT_GETEKEND', as: 'corporatie', data: { form: 'omklapcontract' } },
] as const;
