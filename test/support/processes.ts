/** Running the project's commands as a user would, for end-to-end tests. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..');

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output contains `text`. */
  waitFor: (text: string, timeoutMs?: number) => Promise<void>;
  /** Ctrl-C: SIGINT to the whole process group, as a terminal does; resolves with the exit code. */
  interrupt: () => Promise<number | null>;
}

export function run(command: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    waitFor: (text, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (output.includes(text)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no "${text}" within ${timeoutMs} ms; output:\n${output.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (!output.includes(text))
            reject(new Error(`exited before "${text}"; output:\n${output.slice(-3000)}`));
        });
        check();
      }),
    interrupt: async () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGINT');
      return exited;
    },
  };
}

/**
 * Runs a shell command line to its end without blocking this process (which may host a worker the command talks to).
 */
export function sh(
  line: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', line],
      { cwd: root, env: { ...process.env, ...env }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
