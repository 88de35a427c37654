/**
 * `npm run bench -- --server cluster`: the engine on the local cluster (PostgreSQL, Temporal's services as processes)
 * and on the dev server (SQLite), side by side in one run, each with tenancy workers as separate processes
 * (`node dist/worker/main.js`, encrypted, as deployed). Per server: throughput with one and with two workers, the
 * rent-arrears feed burst (five signals to each of many open trajects), and memory with those trajects open.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createTenancyClient, loadEncryption, type Encryption, type TenancyClient } from '../../client';
import { projectRoot } from '../../platform/paths';
import { generateKeyRing, saveKeyRing } from '../../platform/privacy/keyring';
import { Cluster, clusterBinaries, NAMESPACE, SERVICES } from '../../scripts/cluster';
import { postgresPid } from '../../scripts/cluster/postgres';
import { isAlive, readFrom, startDetached, stopProcess, waitUntil } from '../../scripts/cluster/processes';
import { temporalBinaries } from '../../worker/binaries';
import { startDevServer } from '../../worker/dev-server';
import { reportEventSignal, workflowIdFor } from '../../workflows/messages';
import type { Teardown } from '../environment';
import { describeMachine, rssBytes } from '../system';
import { walkTo } from '../../test/cluster/drills';
import { freePort } from '../../test/support/processes';

export interface ClusterWorkloadOptions {
  /** Trajects walked from registration to the signed contract, per throughput run. */
  trajects: number;
  concurrency: number;
  /** Open trajects that take the feed burst. */
  open: number;
  /** Signals per open traject in the burst. */
  signalsPerTraject: number;
  runId: string;
}

export interface ServerFigures {
  server: 'dev' | 'cluster';
  throughput: Record<
    '1' | '2',
    { trajects: number; seconds: number; trajectsPerSecond: number; updatesPerSecond: number }
  >;
  opening: { trajects: number; seconds: number; perSecond: number };
  burst: { signals: number; sendSeconds: number; processedSeconds: number; signalsPerSecond: number };
  memory: { open: number; workersMiB: number[]; serverMiB: number; serverParts: Record<string, number> };
}

/** A server with tenancy worker processes against it. */
interface Target {
  server: ServerFigures['server'];
  address: string;
  encryption: Encryption;
  workers(count: number): Promise<void>;
  workerPids(): number[];
  serverPids(): Record<string, number>;
  stop(): Promise<void>;
}

const MiB = 1024 * 1024;
/**
 * Almere's real terms: an open traject's next timer is weeks away, as in production. (Under the demo covenant every
 * open traject fires a timer a minute, and 500 of them starve the queue: that measures the covenant, not the server.)
 */
const REGION = 'almere';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ymere = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-bench' } as const;
const kwintes = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-bench' } as const;

/** Runs `task` over `items`, `concurrency` at a time. */
async function pool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

/** Tenancy worker processes against `address`, the way the cluster runs them. */
function workerProcesses(
  dir: string,
  address: string,
): Pick<Target, 'workers' | 'workerPids'> & { stopAll(): Promise<void> } {
  const pids: number[] = [];
  const env = (index: number) => ({
    ...process.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TIDW_KEYRING_FILE: join(dir, 'keyring.json'),
    TIDW_DATA_KEYS_DIR: join(dir, 'data-keys'),
    TIDW_DATA_DIR: join(dir, 'workers', String(index)),
    TIDW_METRICS_PORT: '0',
  });
  return {
    async workers(count) {
      while (pids.length < count) {
        const index = pids.length + 1;
        const log = join(dir, `worker-${index}.log`);
        const pid = await startDetached({
          command: process.execPath,
          args: [join(projectRoot(), 'dist', 'worker', 'main.js')],
          env: env(index),
          cluster: dir,
          log,
          cwd: projectRoot(),
        });
        pids.push(pid);
        await waitUntil(
          `worker ${index} to run`,
          () => isAlive(pid) && readFrom(log, 0).includes('worker running'),
          120_000,
          250,
        );
      }
    },
    workerPids: () => [...pids],
    async stopAll() {
      await Promise.all(pids.map((pid) => stopProcess(pid, 'SIGTERM', 30_000)));
      pids.length = 0;
    },
  };
}

function keys(dir: string): Encryption {
  mkdirSync(join(dir, 'data-keys'), { recursive: true });
  saveKeyRing(join(dir, 'keyring.json'), generateKeyRing());
  return loadEncryption(
    { TIDW_KEYRING_FILE: join(dir, 'keyring.json'), TIDW_DATA_KEYS_DIR: join(dir, 'data-keys') },
    { dataDir: dir, root: projectRoot(), embedded: false },
  )!;
}

async function devTarget(logger: Logger): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'tidw-bench-dev-'));
  const { cli } = await temporalBinaries();
  const server = await startDevServer({
    cli,
    dataDir: dir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: NAMESPACE,
    logger: logger.child({ component: 'dev-server' }, { level: 'error' }),
  });
  const encryption = keys(dir);
  const processes = workerProcesses(dir, server.address);
  return {
    server: 'dev',
    address: server.address,
    encryption,
    ...processes,
    serverPids: (): Record<string, number> => (server.pid ? { 'dev server': server.pid } : {}),
    async stop() {
      await processes.stopAll();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL's processes: the postmaster and its children (one backend per connection). */
function postgresPids(postmaster: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

async function clusterTarget(logger: Logger): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'tidw-bench-cluster-'));
  chmodSync(dir, 0o755);
  const cluster = await Cluster.open({
    dir,
    workers: 0,
    historyShards: 4,
    binaries: await clusterBinaries(),
    logger: logger.child({ component: 'cluster' }, { level: 'warn' }),
  });
  try {
    await cluster.up();
  } catch (err) {
    await cluster.down();
    throw err;
  }
  const encryption = keys(join(dir, 'bench'));
  const processes = workerProcesses(join(dir, 'bench'), cluster.address);
  return {
    server: 'cluster',
    address: cluster.address,
    encryption,
    ...processes,
    serverPids: () => {
      const running = cluster.running();
      const parts: Record<string, number> = {};
      for (const name of SERVICES)
        if (running[`temporal-${name}`]) parts[`temporal ${name}`] = running[`temporal-${name}`]!;
      const pg = postgresPid(cluster.layout);
      if (pg) postgresPids(pg).forEach((pid, i) => (parts[i === 0 ? 'postgres' : `postgres ${pid}`] = pid));
      return parts;
    },
    async stop() {
      await processes.stopAll();
      await cluster.down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function walkAll(tidw: TenancyClient, refs: string[], concurrency: number, steps = 7): Promise<number> {
  let updates = 0;
  await pool(refs, concurrency, async (ref) => {
    await tidw.start({ clientRef: ref, region: REGION, origin: 'MO', registeredBy: kwintes });
    for (const { event, actor } of walkTo(ref).slice(0, steps)) {
      await tidw.send(ref, event, actor);
      updates++;
    }
  });
  return updates;
}

async function measure(
  target: Target,
  options: ClusterWorkloadOptions,
  logger: Logger,
): Promise<ServerFigures> {
  const tidw = await createTenancyClient({
    address: target.address,
    namespace: NAMESPACE,
    encryption: target.encryption,
  });
  const connection = await Connection.connect({ address: target.address });
  const client = new Client({
    connection,
    namespace: NAMESPACE,
    dataConverter: { payloadCodecs: [target.encryption.codec] },
  });
  const prefix = `${options.runId}-${target.server}`;
  const throughput = {} as ServerFigures['throughput'];
  try {
    for (const workers of [1, 2] as const) {
      await target.workers(workers);
      const refs = Array.from({ length: options.trajects }, (_, i) => `${prefix}-t${workers}-${i + 1}`);
      const started = performance.now();
      const updates = await walkAll(tidw, refs, options.concurrency);
      const seconds = (performance.now() - started) / 1000;
      throughput[`${workers}`] = {
        trajects: refs.length,
        seconds,
        trajectsPerSecond: refs.length / seconds,
        updatesPerSecond: (updates + refs.length) / seconds,
      };
      logger.info(
        { 'bench.server': target.server, 'bench.workers': workers, ...throughput[`${workers}`] },
        'cluster throughput',
      );
    }

    // The feed burst hits trajects in bewoning, where rent arrears are taken (and start their follow-up timer).
    const open = Array.from({ length: options.open }, (_, i) => `${prefix}-o-${i + 1}`);
    let started = performance.now();
    await walkAll(tidw, open, options.concurrency * 2);
    const openSeconds = (performance.now() - started) / 1000;
    logger.info(
      { 'bench.server': target.server, 'bench.open': open.length, 'bench.seconds': openSeconds },
      'trajects open',
    );

    const signals = open.flatMap((ref) =>
      Array.from({ length: options.signalsPerTraject }, (_, n) => ({ ref, n })),
    );
    started = performance.now();
    await pool(signals, 64, ({ ref, n }) =>
      client.workflow.getHandle(workflowIdFor(ref)).signal(reportEventSignal, {
        event: { type: 'HUURACHTERSTAND_GESIGNALEERD', actor: ymere, data: { months: n + 1 } },
        idempotencyKey: `burst:${n}`,
      }),
    );
    const sendSeconds = (performance.now() - started) / 1000;
    // Processed: no workflow task pending on any traject (all signals were in before the first look). The machine
    // takes the first report of arrears and refuses the four repeats (arrears already open), as it would a feed that
    // repeats itself; each is still a signal the workflow has to decide on.
    const deadline = Date.now() + 30 * 60_000;
    await pool(open, 16, async (ref) => {
      for (;;) {
        const { raw } = await client.workflow.getHandle(workflowIdFor(ref)).describe();
        if (!raw.pendingWorkflowTask) return;
        if (Date.now() > deadline) throw new Error(`${ref}: signals still unprocessed after 30 minutes`);
        await sleep(250);
      }
    });
    const processedSeconds = (performance.now() - started) / 1000;
    logger.info(
      { 'bench.server': target.server, signals: signals.length, sendSeconds, processedSeconds },
      'feed burst',
    );

    await sleep(2_000);
    const parts = Object.fromEntries(
      Object.entries(target.serverPids()).map(([name, pid]) => [name, rssBytes(pid) / MiB]),
    );
    return {
      server: target.server,
      throughput,
      opening: { trajects: open.length, seconds: openSeconds, perSecond: open.length / openSeconds },
      burst: {
        signals: signals.length,
        sendSeconds,
        processedSeconds,
        signalsPerSecond: signals.length / processedSeconds,
      },
      memory: {
        open: open.length + 2 * options.trajects,
        workersMiB: target.workerPids().map((pid) => rssBytes(pid) / MiB),
        serverMiB: Object.values(parts).reduce((a, b) => a + b, 0),
        serverParts: Object.fromEntries(
          Object.entries(parts)
            .filter(([name]) => !name.startsWith('postgres '))
            .concat([
              [
                'postgres backends',
                Object.entries(parts)
                  .filter(([n]) => n.startsWith('postgres '))
                  .reduce((a, [, v]) => a + v, 0),
              ],
            ]),
        ),
      },
    };
  } finally {
    await tidw.close();
    await connection.close();
  }
}

/** Both servers, one after the other (the machine has two cores): the dev server first, then the cluster. */
export async function runClusterComparison(
  options: ClusterWorkloadOptions,
  teardown: Teardown,
  logger: Logger,
): Promise<ServerFigures[]> {
  const figures: ServerFigures[] = [];
  for (const start of [devTarget, clusterTarget]) {
    const mark = teardown.mark;
    const target = await start(logger);
    // On the benchmark's teardown, so that an interrupted run stops this server and its workers too.
    teardown.add(`${target.server} server and workers`, () => target.stop());
    try {
      figures.push(await measure(target, options, logger));
    } finally {
      await teardown.unwind(mark);
    }
  }
  return figures;
}

/** The comparison as a table. */
export function clusterTable(figures: ServerFigures[]): string {
  const columns = figures.map((f) => (f.server === 'dev' ? 'dev server (SQLite)' : 'cluster (PostgreSQL)'));
  const row = (label: string, value: (f: ServerFigures) => string) =>
    `| ${label} | ${figures.map(value).join(' | ')} |`;
  const n = (x: number, digits = 1) => x.toFixed(digits);
  return [
    `| figure | ${columns.join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
    row('Throughput, 1 worker (trajects/s, registration to signed contract)', (f) =>
      n(f.throughput['1'].trajectsPerSecond, 2),
    ),
    row('Throughput, 2 workers (trajects/s)', (f) => n(f.throughput['2'].trajectsPerSecond, 2)),
    row('Requests, 1 worker (starts + updates/s)', (f) => n(f.throughput['1'].updatesPerSecond)),
    row('Requests, 2 workers (starts + updates/s)', (f) => n(f.throughput['2'].updatesPerSecond)),
    row('Opening trajects to bewoning, 2 workers (trajects/s)', (f) => n(f.opening.perSecond, 2)),
    row('Feed burst, signals processed (signals/s)', (f) => n(f.burst.signalsPerSecond)),
    row('Feed burst, signals accepted by the server (signals/s)', (f) =>
      n(f.burst.signals / f.burst.sendSeconds),
    ),
    row('Open trajects when memory was read', (f) => String(f.memory.open)),
    row('Worker RSS, each (MiB)', (f) => f.memory.workersMiB.map((m) => n(m, 0)).join(', ')),
    row('Server RSS, all processes (MiB)', (f) => n(f.memory.serverMiB, 0)),
  ].join('\n');
}

/** Runs the comparison for `npm run bench -- --server cluster`; writes bench/results/cluster.json unless --out says. */
export async function clusterBench(
  options: { trajects: number; concurrency: number; capacity: number[]; out: string; seed: number },
  teardown: Teardown,
  logger: Logger,
): Promise<number> {
  const started = performance.now();
  const figures = await runClusterComparison(
    {
      trajects: options.trajects,
      concurrency: options.concurrency,
      open: options.capacity[0] ?? 1000,
      signalsPerTraject: 5,
      // Digits only: a reference may not hold more than two words (the engine refuses name-like references).
      runId: `b${options.seed}-${Date.now() % 100_000_000}`,
    },
    teardown,
    logger,
  );
  const out = join(
    projectRoot(),
    options.out.startsWith('bench/results/latest') || options.out.startsWith('bench/results/partial-')
      ? 'bench/results/cluster.json'
      : options.out,
  );
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), seconds: (performance.now() - started) / 1000, options, machine: describeMachine(), figures }, null, 2)}\n`,
  );
  console.log(clusterTable(figures));
  logger.info({ 'results.file': out }, 'cluster benchmark done');
  return 0;
}
