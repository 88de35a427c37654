/**
 * The embedded Temporal: the CLI's dev server with SQLite persistence, so that `npm start` needs nothing else and
 * its state survives a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { searchAttributeArgs } from './search-attributes';

export interface DevServer {
  address: string;
  uiUrl: string;
  /** The server's process id (to measure its memory, for instance). */
  pid: number | undefined;
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

/** The dev server died while starting, before it served. */
class ExitedWhileStarting extends Error {}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new ExitedWhileStarting(`the Temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/**
 * Starts the dev server and waits until it serves. A port of ours that is taken is a clear error. The server also
 * takes free ports of its own choosing (its HTTP API, its internal services), and one of those can be taken between
 * its choosing and binding it, when it dies with a Go panic: so a server that dies while starting gets one more try.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  for (const [port, variable] of [
    [options.port, 'TIDW_DEV_SERVER_PORT'],
    [options.uiPort, 'TIDW_UI_PORT'],
  ] as const) {
    if (await portTaken(port))
      throw new Error(
        `port ${port} is in use: is another Temporal server (or npm start) running? Stop it, or set ${variable}`,
      );
  }
  try {
    return await launch(options);
  } catch (err) {
    if (!(err instanceof ExitedWhileStarting)) throw err;
    options.logger.warn({ err }, 'temporal dev server died while starting; starting it once more');
    return launch(options);
  }
}

async function launch(options: DevServerOptions): Promise<DevServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const dbFile = options.persistence === 'memory' ? undefined : join(options.dataDir, 'temporal.db');
  const args = [
    'server',
    'start-dev',
    ...(dbFile ? ['--db-filename', dbFile] : []),
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
    ...searchAttributeArgs(),
  ];
  // Its own process group: Ctrl-C reaches us first, so the worker drains before the server goes.
  const child = spawn(options.cli, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stopping = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    if (!stopping)
      options.logger.warn({ 'server.output': chunk.toString().trim().slice(0, 500) }, 'temporal dev server');
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntilServing(address, child);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  }
  options.logger.info(
    { 'server.address': address, 'server.db': dbFile ?? 'in memory' },
    'temporal dev server started',
  );
  return {
    address,
    uiUrl: `http://localhost:${options.uiPort}`,
    pid: child.pid,
    async stop() {
      process.removeListener('exit', killOnExit);
      stopping = true; // its shutdown chatter (closed connections) is expected
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      options.logger.info({}, 'temporal dev server stopped');
    },
  };
}
