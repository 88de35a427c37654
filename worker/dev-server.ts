/**
 * The embedded Temporal: the CLI's dev server with SQLite persistence, so that `npm start` needs nothing else and
 * its state survives a restart.
 *
 * The server and `npm start` must not take each other down: the server writes its log to a file in the data
 * directory (never a pipe into the worker, which would kill it with SIGPIPE once the worker is gone) and runs in its
 * own process group. Its process id and ports are kept in `temporal-server.json` beside the database, so that an
 * `npm start` whose worker was killed while its server went on finds that server and reuses it.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ensurePrivateDir } from '../platform/paths';
import { PortInUse, ServerDidNotStart } from './errors';
import { searchAttributeArgs } from '../platform/search-attributes';

export interface DevServer {
  address: string;
  uiUrl: string;
  /** The server's process id (to measure its memory, for instance). */
  pid: number | undefined;
  /** Where the server writes its own log. */
  logFile: string;
  /** True when an earlier `npm start` had left this server running and this one reuses it. */
  reused: boolean;
  /** How the server ended (`exit code 1`, `signal SIGKILL`, `exited`), or undefined while it runs. */
  exited(): string | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s); returns at once when it has exited already. */
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cli: string;
  dataDir: string;
  /** `sqlite` (default): state in dataDir/temporal.db, surviving restarts; `memory`: nothing kept. */
  persistence?: 'sqlite' | 'memory';
  /** A codec server the Web UI should use to show decrypted payloads to an authorised user. */
  uiCodecEndpoint?: string;
  port: number;
  uiPort: number;
  namespace: string;
  logger: Logger;
}

/** What `temporal-server.json` records of the running server. */
const ServerRecordSchema = z.object({
  pid: z.number().int().positive(),
  port: z.number().int(),
  uiPort: z.number().int(),
});
type ServerRecord = z.infer<typeof ServerRecordSchema>;

const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * Visibility calls (list, count) the server takes per second for the namespace. The dev server's own limit (about
 * 100) is one Mijn werk page every 150 ms, counts and list together (15 calls), and every open page asks again every
 * few seconds; beyond it calls are refused and the SDK retries them seconds later. One namespace on one machine:
 * what bounds it is the machine, not fairness between tenants.
 */
const VISIBILITY_RPS = 2000;

/**
 * The SQLite file's journal: write-ahead. The server's history, task queues and visibility all go through one
 * connection to it (Temporal's SQLite plugin opens one unless configured otherwise, which the CLI cannot), so a count
 * asked while workflows run waits for their writes. With the default rollback journal each commit copies the pages it
 * changes aside and syncs three times; with a write-ahead log it appends and syncs once, as durable. Opening trajecten
 * on a busy 2-core VM went from about 20 to about 63 a second (`synchronous=normal` would add about a fifth to that,
 * and give up the sync of each commit). On a clean stop the log is folded back into the file; a backup copies
 * `temporal.db` with its `temporal.db-wal`, or is taken with the server stopped.
 */
const SQLITE_PRAGMAS = ['journal_mode=wal'];

/** The dev server died while starting, before it served. */
class ExitedWhileStarting extends Error {}

/** Whether a process with this id runs (signal 0 checks without sending anything); a zombie has ended. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): signal 0 is all there is
  }
}

/** Whether a Temporal frontend answers at this address within the time given. */
async function serves(address: string, timeoutMs: number): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.withDeadline(Date.now() + timeoutMs, () =>
      connection!.workflowService.getSystemInfo({}),
    );
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function waitUntilServing(
  address: string,
  ended: () => string | undefined,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const how = ended();
    if (how) throw new ExitedWhileStarting(`the Temporal dev server ended while starting (${how})`);
    if (await serves(address, 1000)) return;
    if (Date.now() > deadline) throw new ServerDidNotStart(address, timeoutMs);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

function readRecord(file: string): ServerRecord | undefined {
  try {
    return ServerRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Starts the dev server and waits until it serves, or reuses the one an earlier `npm start` left running on the same
 * data directory and port. A port of ours that something else holds is a clear error. The server also takes free
 * ports of its own choosing (its HTTP API, its internal services), and one of those can be taken between its choosing
 * and binding it, when it dies with a Go panic: so a server that dies while starting gets one more try.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  ensurePrivateDir(options.dataDir);
  const recordFile = join(options.dataDir, 'temporal-server.json');
  const logFile = join(options.dataDir, 'temporal-server.log');
  const address = `127.0.0.1:${options.port}`;
  const previous = readRecord(recordFile);
  if (previous && previous.port === options.port && isAlive(previous.pid) && (await serves(address, 2000))) {
    options.logger.info(
      { 'server.address': address, 'server.pid': previous.pid, 'server.log': logFile },
      'temporal dev server of an earlier start still runs; reusing it',
    );
    return reused(previous, { address, logFile, recordFile, logger: options.logger });
  }
  for (const [port, variable] of [
    [options.port, 'TIDW_DEV_SERVER_PORT'],
    [options.uiPort, 'TIDW_UI_PORT'],
  ] as const) {
    if (await portTaken(port)) throw new PortInUse(port, variable);
  }
  try {
    return await launch(options, { address, logFile, recordFile });
  } catch (err) {
    if (!(err instanceof ExitedWhileStarting)) throw err;
    options.logger.warn(
      { 'server.log': logFile, 'server.ended': err.message },
      'temporal dev server died while starting; starting it once more',
    );
    try {
      return await launch(options, { address, logFile, recordFile });
    } catch (again) {
      if (again instanceof ExitedWhileStarting) throw new ServerDidNotStart(address, undefined, logFile);
      throw again;
    }
  }
}

interface Where {
  address: string;
  logFile: string;
  recordFile: string;
}

/** Appends to the server's log file (readable by its owner only), starting a new one when it grew large. */
function openLog(logFile: string): number {
  try {
    if (statSync(logFile).size > LOG_ROTATE_BYTES) renameSync(logFile, `${logFile}.1`);
  } catch {
    // no log yet
  }
  return openSync(logFile, 'a', 0o600);
}

async function launch(options: DevServerOptions, where: Where): Promise<DevServer> {
  const dbFile = options.persistence === 'memory' ? undefined : join(options.dataDir, 'temporal.db');
  const args = [
    'server',
    'start-dev',
    ...(dbFile ? ['--db-filename', dbFile, ...SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p])] : []),
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    '--dynamic-config-value',
    `frontend.namespaceRPS.visibility=${VISIBILITY_RPS}`,
    ...searchAttributeArgs(),
  ];
  const log = openLog(where.logFile);
  // Its own process group: Ctrl-C reaches us first, so the worker drains before the server goes.
  const child = spawn(options.cli, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  let ended: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    }),
  );
  // A crash of this process must not leave a server behind; a SIGKILL does, and the next start reuses it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitUntilServing(where.address, () => ended);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    if (!ended) child.kill('SIGKILL');
    throw err;
  }
  if (child.pid)
    writeFileSync(
      where.recordFile,
      JSON.stringify({ pid: child.pid, port: options.port, uiPort: options.uiPort } satisfies ServerRecord),
      { mode: 0o600 },
    );
  options.logger.info(
    { 'server.address': where.address, 'server.db': dbFile ?? 'in memory', 'server.log': where.logFile },
    'temporal dev server started',
  );
  return {
    address: where.address,
    uiUrl: `http://localhost:${options.uiPort}`,
    pid: child.pid,
    logFile: where.logFile,
    reused: false,
    exited: () => ended,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (ended) return forget(where.recordFile, child.pid);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      forget(where.recordFile, child.pid);
      options.logger.info({}, 'temporal dev server stopped');
    },
  };
}

/** A server an earlier `npm start` left running: not our child, so it is watched and stopped by its process id. */
function reused(record: ServerRecord, where: Where & { logger: Logger }): DevServer {
  const { pid } = record;
  return {
    address: where.address,
    uiUrl: `http://localhost:${record.uiPort}`,
    pid,
    logFile: where.logFile,
    reused: true,
    exited: () => (isAlive(pid) ? undefined : 'exited'),
    async stop() {
      if (!isAlive(pid)) return forget(where.recordFile, pid);
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      while (isAlive(pid)) {
        if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 100));
      }
      forget(where.recordFile, pid);
      where.logger.info({}, 'temporal dev server stopped');
    },
  };
}

/** Removes the record of a server that is gone, unless another server has written its own since. */
function forget(recordFile: string, pid: number | undefined): void {
  if (readRecord(recordFile)?.pid === pid) rmSync(recordFile, { force: true });
}
