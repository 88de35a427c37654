/**
 * The cluster's PostgreSQL: its own data directory, listening on loopback TCP only (no Unix socket), with the
 * superuser `temporal` and a password. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user,
 * which then owns the data directory.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterLayout } from './layout';
import { isAlive, startDetached, stopProcess, tail, waitUntil } from './processes';

export const SUPERUSER = 'temporal';

export const postgresDataDir = (layout: ClusterLayout) => join(layout.dir, 'postgres');
const logFile = (layout: ClusterLayout) => join(layout.dir, 'logs', 'postgres.log');

/** Who PostgreSQL runs as: the current user, or `postgres` when that is root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'running as root, PostgreSQL needs the `postgres` user (apt-get install postgresql makes it)',
    );
  }
}

/** Creates the database cluster once; a second call finds it and does nothing. */
export function initPostgres(layout: ClusterLayout, binDir: string): void {
  const data = postgresDataDir(layout);
  if (existsSync(join(data, 'PG_VERSION'))) return;
  const user = runAs();
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true, mode: 0o700 });
  const passwordFile = join(layout.dir, 'postgres.pw');
  writeFileSync(passwordFile, layout.password, { mode: 0o600 });
  if (user) {
    chownSync(data, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    execFileSync(
      join(binDir, 'initdb'),
      [
        '--pgdata',
        data,
        '--username',
        SUPERUSER,
        `--pwfile=${passwordFile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=peer',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) },
    );
  } catch (err) {
    throw new Error(`initdb failed: ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** The postmaster's pid while it runs, from its own postmaster.pid. */
export function postgresPid(layout: ClusterLayout): number | undefined {
  try {
    const pid = Number(readFileSync(join(postgresDataDir(layout), 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isReady(layout: ClusterLayout, binDir: string): boolean {
  try {
    execFileSync(join(binDir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(layout.ports.postgres)], {
      stdio: 'ignore',
      timeout: 5_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** Starts PostgreSQL (if it is not running) and waits until it accepts connections. */
export async function startPostgres(layout: ClusterLayout, binDir: string): Promise<void> {
  if (!postgresPid(layout)) {
    const user = runAs();
    await startDetached({
      command: join(binDir, 'postgres'),
      args: [
        '-D',
        postgresDataDir(layout),
        '-p',
        String(layout.ports.postgres),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // Four Temporal services with their connection pools, plus the schema tool.
        '-c',
        'max_connections=200',
      ],
      env: { PATH: process.env.PATH, LANG: 'C' },
      cluster: layout.dir,
      log: logFile(layout),
      ...(user ? { user } : {}),
    });
  }
  await waitUntil('PostgreSQL to accept connections', () => isReady(layout, binDir), 60_000, 250).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${tail(logFile(layout))}`);
    },
  );
}

/** Stops PostgreSQL: `fast` (SIGINT) rolls back open transactions and shuts down cleanly. */
export async function stopPostgres(layout: ClusterLayout): Promise<void> {
  const pid = postgresPid(layout);
  if (pid) await stopProcess(pid, 'SIGINT', 60_000);
}
