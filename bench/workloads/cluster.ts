/**
 * `npm run bench -- --server cluster`: the engine on the local cluster (PostgreSQL, Temporal's services as processes)
 * and on the dev server (SQLite), side by side in one run, each with tenancy workers as separate processes
 * (`node dist/worker/main.js`, encrypted, as deployed). Per server: throughput with one and with two workers, the
 * rent-arrears feed burst (five signals to each of many open trajects), and memory with those trajects open.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Logger } from 'pino';
import {
  createTenancyClient,
  EngineUnavailable,
  loadEncryption,
  TrajectAlreadyExists,
  type Encryption,
  type TenancyClient,
} from '../../client';
import { projectRoot } from '../../platform/paths';
import { generateKeyRing, saveKeyRing } from '../../platform/privacy/keyring';
import { Cluster, clusterBinaries, NAMESPACE, SERVICES } from '../../scripts/cluster';
import { postgresPid } from '../../scripts/cluster/postgres';
import { isAlive, readFrom, startDetached, stopProcess, waitUntil } from '../../scripts/cluster/processes';
import { temporalBinaries } from '../../worker/binaries';
import { startDevServer } from '../../worker/dev-server';
import { reportEventSignal, workflowIdFor } from '../../workflows/messages';
import type { Teardown } from '../environment';
import { cpuMs, describeMachine, pssBytes, rssBytes } from '../system';
import { walkTo } from '../../test/cluster/drills';
import { startWalked } from './cluster-seed';
import { freePort } from '../../test/support/processes';

export interface ClusterWorkloadOptions {
  /** Trajects walked from registration to the signed contract, per throughput run. */
  trajects: number;
  concurrency: number;
  /**
   * Open trajects to hold, ascending: the dev server is measured at the first count, the cluster at each (it opens
   * more trajects on top of those it has), with a feed burst and memory at each.
   */
  open: number[];
  /** Trajects being opened at once. */
  openConcurrency: number;
  /** Signals in flight at once during the burst. */
  signalConcurrency: number;
  /** Seconds each opening step may take; the step then stops at the count it reached (and says so). */
  openSeconds: number;
  /** Signals per open traject in the burst. */
  signalsPerTraject: number;
  /** Trajects each worker keeps cached (TIDW_MAX_CACHED_WORKFLOWS); undefined: the SDK's default for the heap. */
  workerCache?: number;
  historyShards: number;
  runId: string;
  /** Called with the figures so far after each phase, so that a run stopped early keeps what it measured. */
  onProgress?: (figures: ServerFigures[]) => void;
}

/** CPU seconds each part used during a phase (workers one by one, the server's parts, this benchmark's client). */
export type CpuSeconds = Record<string, number>;

export interface ScaleFigures {
  /** Open trajects asked for, and held when memory was read (fewer when the opening step ran out of time). */
  requested: number;
  open: number;
  opening: {
    /** Walked through the engine's doors (start and seven updates), or started as a continued run in bewoning. */
    method: 'walked' | 'continued run';
    trajects: number;
    seconds: number;
    perSecond: number;
    /** Calls sent again after a failure in transit (same idempotency key). */
    retried: number;
    cpuSeconds: CpuSeconds;
    /** The machine's load average over the last minute, at the phase's end (the machine is shared). */
    loadAverage: number;
  };
  burst: {
    signals: number;
    trajects: number;
    sendSeconds: number;
    processedSeconds: number;
    signalsPerSecond: number;
    /** Signals the server did not take at the first try (sent again with the same idempotency key). */
    retried: number;
    cpuSeconds: CpuSeconds;
    /** The machine's load average over the last minute, at the phase's end (the machine is shared). */
    loadAverage: number;
  };
  /** Read from every traject of the burst after it: what the engine took and refused. */
  check: {
    trajects: number;
    /** Trajects whose log holds exactly one HUURACHTERSTAND_GESIGNALEERD and whose refusals add up to the rest. */
    exact: number;
    arrearsRecorded: number;
    refusedSignals: number;
    problems: string[];
    seconds: number;
  };
  /**
   * Memory with the trajects open, before their burst (the burst fills the workers' caches); absent in results
   * written before the benchmark read it.
   */
  memoryOpened?: MemoryFigures;
  /** Memory after the burst. */
  memory: MemoryFigures;
}

export interface MemoryFigures {
  /** Resident set size of each tenancy worker. */
  workersMiB: number[];
  /** Each server process by name (RSS); PostgreSQL as the Pss of the postmaster and all its backends together. */
  serverParts: Record<string, number>;
  serverMiB: number;
  /** PostgreSQL's processes: summed RSS, which counts shared buffers once per backend (for comparison only). */
  postgresRssSumMiB?: number;
}

export interface ServerFigures {
  server: 'dev' | 'cluster';
  throughput: Record<
    '1' | '2',
    {
      trajects: number;
      seconds: number;
      trajectsPerSecond: number;
      updatesPerSecond: number;
      cpuSeconds: CpuSeconds;
      /** The machine's load average over the last minute, at the phase's end (the machine is shared). */
      loadAverage: number;
    }
  >;
  scale: ScaleFigures[];
}

/** A server with tenancy worker processes against it. */
interface Target {
  server: ServerFigures['server'];
  address: string;
  encryption: Encryption;
  workers(count: number): Promise<void>;
  workerPids(): number[];
  /** The server's processes by part; PostgreSQL's part holds the postmaster and every backend it has now. */
  serverPids(): Record<string, number[]>;
  stop(): Promise<void>;
}

const MiB = 1024 * 1024;
/** Events in a traject's log once it is walked to bewoning: the aanmelding and the seven events of the walk. */
const WALKED_EVENTS = 8;
/**
 * Almere's real terms: an open traject's next timer is weeks away, as in production. (Under the demo covenant every
 * open traject fires a timer a minute, and 500 of them starve the queue: that measures the covenant, not the server.)
 */
const REGION = 'almere';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ymere = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-bench' } as const;
const kwintes = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-bench' } as const;

/**
 * Runs `task` over `items`, `concurrency` at a time. After a failure no new item is begun, those under way finish,
 * and then the first failure is thrown (so nothing is still calling when the caller closes its connections).
 */
async function pool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length && !failure) {
        try {
          await task(items[next++]!);
        } catch (err) {
          failure ??= { err };
        }
      }
    }),
  );
  if (failure) throw failure.err;
}

/** Tenancy worker processes against `address`, the way the cluster runs them. */
function workerProcesses(
  dir: string,
  address: string,
  cache: number | undefined,
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
    TIDW_HTTP_PORT: '0',
    ...(cache !== undefined ? { TIDW_MAX_CACHED_WORKFLOWS: String(cache) } : {}),
    // As the cluster runs its workers (scripts/cluster): few enough workflow tasks at once that none waits past its
    // timeout on a worker short of CPU.
    TIDW_MAX_CONCURRENT_WORKFLOW_TASKS: process.env.TIDW_MAX_CONCURRENT_WORKFLOW_TASKS ?? '8',
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

async function devTarget(options: ClusterWorkloadOptions, logger: Logger): Promise<Target> {
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
  const processes = workerProcesses(dir, server.address, options.workerCache);
  return {
    server: 'dev',
    address: server.address,
    encryption,
    ...processes,
    serverPids: (): Record<string, number[]> => (server.pid ? { 'dev server': [server.pid] } : {}),
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

async function clusterTarget(options: ClusterWorkloadOptions, logger: Logger): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'tidw-bench-cluster-'));
  chmodSync(dir, 0o755);
  const cluster = await Cluster.open({
    dir,
    workers: 0,
    historyShards: options.historyShards,
    binaries: await clusterBinaries(),
    logger: logger.child({ component: 'cluster' }, { level: 'warn' }),
  });
  // The benchmark talks to the engine through the SDK: the cluster's HTTP gateway would only take CPU and a port.
  const httpPort = process.env.TIDW_HTTP_PORT;
  process.env.TIDW_HTTP_PORT = '0';
  try {
    await cluster.up();
  } catch (err) {
    await cluster.down();
    throw err;
  } finally {
    if (httpPort === undefined) delete process.env.TIDW_HTTP_PORT;
    else process.env.TIDW_HTTP_PORT = httpPort;
  }
  const encryption = keys(join(dir, 'bench'));
  const processes = workerProcesses(join(dir, 'bench'), cluster.address, options.workerCache);
  return {
    server: 'cluster',
    address: cluster.address,
    encryption,
    ...processes,
    serverPids: () => {
      const running = cluster.running();
      const parts: Record<string, number[]> = {};
      for (const name of SERVICES)
        if (running[`temporal-${name}`]) parts[`temporal ${name}`] = [running[`temporal-${name}`]!];
      const pg = postgresPid(cluster.layout);
      if (pg) parts.postgres = postgresPids(pg);
      return parts;
    },
    async stop() {
      await processes.stopAll();
      await cluster.down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU time of every part so far, per process, so that a phase's use is the difference of two samples. */
type CpuSample = Map<string, Map<number, number>>;

function cpuSample(target: Target): CpuSample {
  const groups: Record<string, number[]> = {
    ...Object.fromEntries(target.workerPids().map((pid, i) => [`worker ${i + 1}`, [pid]])),
    ...target.serverPids(),
    'bench client': [process.pid],
  };
  return new Map(
    Object.entries(groups).map(([name, pids]) => [name, new Map(pids.map((pid) => [pid, cpuMs(pid)]))]),
  );
}

/** CPU seconds per part between two samples (a process that appeared in between counts from its start). */
function cpuBetween(before: CpuSample, after: CpuSample): CpuSeconds {
  const used: CpuSeconds = {};
  for (const [name, pids] of after) {
    let ms = 0;
    for (const [pid, now] of pids) {
      const then = before.get(name)?.get(pid) ?? 0;
      if (Number.isFinite(now) && Number.isFinite(then)) ms += now - then;
    }
    used[name] = Math.round(ms / 10) / 100;
  }
  return used;
}

/**
 * Calls `call` again on a transient failure (the SDK's EngineUnavailable; gRPC deadline exceeded, resource exhausted
 * or unavailable), as a careful caller would, with the same idempotency key; a refusal is an answer and is thrown.
 */
async function retrying<T>(call: () => Promise<T>, retries: { count: number }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = err as { code?: unknown; cause?: { code?: unknown } };
      const code = typeof e.code === 'number' ? e.code : e.cause?.code;
      // gRPC: 4 deadline exceeded, 8 resource exhausted, 14 unavailable; 9 is an update refused while the traject's
      // workflow task is failing (Temporal retries the task; nothing was taken); 1 is a call the SDK cancelled at
      // its deadline (a status query of an uncached traject waited too long for a worker to replay it). A signal
      // sent again carries the same idempotency key, so the workflow takes it once.
      const transient = err instanceof EngineUnavailable || [1, 4, 8, 9, 14].includes(code as number);
      if (attempt >= 10 || !transient) throw err;
      retries.count++;
      await sleep(250 * attempt);
    }
  }
}

async function walkAll(
  tidw: TenancyClient,
  refs: string[],
  concurrency: number,
  retries: { count: number },
  until = Number.POSITIVE_INFINITY,
): Promise<{ opened: string[]; updates: number }> {
  let updates = 0;
  const opened: string[] = [];
  await pool(refs, concurrency, async (ref) => {
    // Past the time box, no new traject is begun; those begun are walked to the end.
    if (performance.now() > until) return;
    let tries = 0;
    await retrying(async () => {
      try {
        await tidw.start({ clientRef: ref, region: REGION, origin: 'MO', registeredBy: kwintes });
      } catch (err) {
        // A start sent again after a failure in transit finds the traject it made.
        if (!(err instanceof TrajectAlreadyExists && tries > 0)) throw err;
      } finally {
        tries++;
      }
    }, retries);
    for (const { event, actor } of walkTo(ref)) {
      await retrying(() => tidw.send(ref, event, actor, { idempotencyKey: `bench:${event.type}` }), retries);
      updates++;
    }
    opened.push(ref);
  });
  return { opened, updates };
}

async function measure(
  target: Target,
  options: ClusterWorkloadOptions,
  counts: number[],
  logger: Logger,
  progress: (partial: ServerFigures) => void = () => {},
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
  const scale: ScaleFigures[] = [];
  try {
    for (const workers of [1, 2] as const) {
      await target.workers(workers);
      const refs = Array.from({ length: options.trajects }, (_, i) => `${prefix}-t${workers}-${i + 1}`);
      const cpu = cpuSample(target);
      const started = performance.now();
      const { updates } = await walkAll(tidw, refs, options.concurrency, { count: 0 });
      const seconds = (performance.now() - started) / 1000;
      throughput[`${workers}`] = {
        trajects: refs.length,
        seconds,
        trajectsPerSecond: refs.length / seconds,
        updatesPerSecond: (updates + refs.length) / seconds,
        cpuSeconds: cpuBetween(cpu, cpuSample(target)),
        loadAverage: loadavg()[0]!,
      };
      logger.info(
        { 'bench.server': target.server, 'bench.workers': workers, ...throughput[`${workers}`] },
        'cluster throughput',
      );
    }
    progress({ server: target.server, throughput, scale });

    const open: string[] = [];
    /** Burst signals each traject has received so far. */
    const received = new Map<string, number>();
    for (const [step, requested] of counts.entries()) {
      // Opening: the first count walks to bewoning (start and seven updates), where rent arrears are taken; later
      // counts start as continued runs in bewoning (cluster-seed.ts), which costs one workflow task each.
      const method = step === 0 ? 'walked' : 'continued run';
      const refs = Array.from(
        { length: Math.max(0, requested - open.length) },
        (_, i) => `${prefix}-o-${open.length + i + 1}`,
      );
      const openRetries = { count: 0 };
      let cpu = cpuSample(target);
      let started = performance.now();
      const until = started + options.openSeconds * 1000;
      let opened: string[];
      if (method === 'walked')
        ({ opened } = await walkAll(tidw, refs, options.openConcurrency, openRetries, until));
      else {
        opened = [];
        await pool(refs, options.openConcurrency, async (ref) => {
          if (performance.now() > until) return;
          await retrying(
            () =>
              startWalked(client, ref, REGION, kwintes).catch((err: unknown) => {
                if (!(err instanceof WorkflowExecutionAlreadyStartedError && openRetries.count > 0))
                  throw err;
              }),
            openRetries,
          );
          opened.push(ref);
        });
      }
      open.push(...opened);
      const openSeconds = (performance.now() - started) / 1000;
      const opening = {
        method,
        trajects: opened.length,
        seconds: openSeconds,
        perSecond: opened.length / openSeconds,
        retried: openRetries.count,
        cpuSeconds: cpuBetween(cpu, cpuSample(target)),
        loadAverage: loadavg()[0]!,
      } as const;
      await sleep(2_000);
      const memoryOpened = readMemory(target);
      logger.info(
        { 'bench.server': target.server, 'bench.open': open.length, ...opening, memory: memoryOpened },
        'trajects open',
      );

      // The feed burst: five reports of rent arrears to every open traject, all five of a traject one after the
      // other in the feed. The machine takes the first report and refuses the repeats (arrears already open), as it
      // would a feed that repeats itself; each is still a signal the workflow has to decide on.
      const signals = open.flatMap((ref) =>
        Array.from({ length: options.signalsPerTraject }, (_, n) => ({ ref, n })),
      );
      const retries = { count: 0 };
      cpu = cpuSample(target);
      started = performance.now();
      let sent = 0;
      // A long burst says how far it got, so that its rate is known even if the run is stopped.
      const ticker = setInterval(() => {
        const seconds = (performance.now() - started) / 1000;
        logger.info(
          { 'bench.server': target.server, sent, seconds, perSecond: sent / seconds, retried: retries.count },
          'feed burst sending',
        );
      }, 60_000);
      try {
        await pool(signals, options.signalConcurrency, async ({ ref, n }) => {
          await retrying(
            () =>
              client.workflow.getHandle(workflowIdFor(ref)).signal(reportEventSignal, {
                event: { type: 'HUURACHTERSTAND_GESIGNALEERD', actor: ymere, data: { months: n + 1 } },
                idempotencyKey: `burst${step}:${n}`,
              }),
            retries,
          );
          sent++;
        });
      } finally {
        clearInterval(ticker);
      }
      const sendSeconds = (performance.now() - started) / 1000;
      // Processed: no workflow task or activity pending on any traject (all signals were in before the first look).
      const deadline = Date.now() + 30 * 60_000;
      await pool(open, 8, async (ref) => {
        for (;;) {
          const { raw } = await retrying(
            () => client.workflow.getHandle(workflowIdFor(ref)).describe(),
            retries,
          );
          if (!raw.pendingWorkflowTask && !raw.pendingActivities?.length) return;
          if (Date.now() > deadline) throw new Error(`${ref}: signals still unprocessed after 30 minutes`);
          await sleep(250);
        }
      });
      const processedSeconds = (performance.now() - started) / 1000;
      const burst = {
        signals: signals.length,
        trajects: open.length,
        sendSeconds,
        processedSeconds,
        signalsPerSecond: signals.length / processedSeconds,
        retried: retries.count,
        cpuSeconds: cpuBetween(cpu, cpuSample(target)),
        loadAverage: loadavg()[0]!,
      };
      logger.info({ 'bench.server': target.server, ...burst }, 'feed burst');

      await sleep(2_000);
      const memory = readMemory(target);
      for (const ref of open) received.set(ref, (received.get(ref) ?? 0) + options.signalsPerTraject);
      const check = await checkBurst(tidw, open, received);
      logger.info(
        { 'bench.server': target.server, ...check, problems: check.problems.slice(0, 5) },
        'burst checked',
      );
      scale.push({
        requested,
        open: open.length,
        opening,
        burst,
        check,
        memoryOpened,
        memory,
      });
      progress({ server: target.server, throughput, scale });
    }
    return { server: target.server, throughput, scale };
  } finally {
    await tidw.close();
    await connection.close();
  }
}

function readMemory(target: Target): MemoryFigures {
  const parts: Record<string, number> = {};
  let postgresRssSumMiB: number | undefined;
  for (const [name, pids] of Object.entries(target.serverPids())) {
    if (name === 'postgres') {
      parts[name] = pids.reduce((sum, pid) => sum + (pssBytes(pid) || 0), 0) / MiB;
      postgresRssSumMiB = pids.reduce((sum, pid) => sum + (rssBytes(pid) || 0), 0) / MiB;
    } else parts[name] = pids.reduce((sum, pid) => sum + rssBytes(pid), 0) / MiB;
  }
  return {
    workersMiB: target.workerPids().map((pid) => rssBytes(pid) / MiB),
    serverParts: parts,
    serverMiB: Object.values(parts).reduce((a, b) => a + b, 0),
    ...(postgresRssSumMiB !== undefined ? { postgresRssSumMiB } : {}),
  };
}

/**
 * Reads every traject of the burst back with one status query each: it took exactly one event in all its bursts
 * (`counters.events` is one more than the eight of its walk, and that event is the open arrears) and refused the
 * rest of the signals it received (`received`: over every burst so far): nothing lost, nothing taken twice.
 */
async function checkBurst(
  tidw: TenancyClient,
  refs: string[],
  received: ReadonlyMap<string, number>,
): Promise<ScaleFigures['check']> {
  const started = performance.now();
  const check = {
    trajects: refs.length,
    exact: 0,
    arrearsRecorded: 0,
    refusedSignals: 0,
    problems: [] as string[],
  };
  const retries = { count: 0 };
  await pool(refs, 16, async (ref) => {
    const status = await retrying(() => tidw.status(ref), retries);
    const taken = status.counters.events - WALKED_EVENTS;
    const refused = status.counters.refusedSignals;
    const sent = received.get(ref) ?? 0;
    check.arrearsRecorded += status.rentArrears ? taken : 0;
    check.refusedSignals += refused;
    if (taken === 1 && status.rentArrears && refused === sent - 1) check.exact++;
    else check.problems.push(`${ref}: ${taken} taken, ${refused} refused of ${sent}`);
  });
  return { ...check, seconds: (performance.now() - started) / 1000 };
}

/** Both servers, one after the other (the machine has two cores): the dev server first, then the cluster. */
export async function runClusterComparison(
  options: ClusterWorkloadOptions,
  teardown: Teardown,
  logger: Logger,
  servers: ReadonlyArray<ServerFigures['server']> = ['dev', 'cluster'],
): Promise<ServerFigures[]> {
  const figures: ServerFigures[] = [];
  for (const server of servers) {
    const mark = teardown.mark;
    const target = await (server === 'dev' ? devTarget : clusterTarget)(options, logger);
    // On the benchmark's teardown, so that an interrupted run stops this server and its workers too.
    teardown.add(`${target.server} server and workers`, () => target.stop());
    try {
      // The dev server at the first count only (beside the cluster there); the cluster goes on to the others.
      const counts =
        server === 'dev' && servers.includes('cluster') ? options.open.slice(0, 1) : options.open;
      figures.push(
        await measure(target, options, counts, logger, (partial) =>
          options.onProgress?.([...figures, partial]),
        ),
      );
    } finally {
      await teardown.unwind(mark);
    }
  }
  return figures;
}

/** CPU milliseconds per burst signal, of the parts `test` picks (all by default). */
function perSignal(scale: ScaleFigures, test: (part: string) => boolean = () => true): number {
  const ms = Object.entries(scale.burst.cpuSeconds)
    .filter(([part]) => test(part))
    .reduce((a, [, v]) => a + v * 1000, 0);
  return ms / scale.burst.signals;
}

/** The comparison as a table: a column per server and open count (throughput in each server's first column). */
export function clusterTable(figures: ServerFigures[]): string {
  const columns = figures.flatMap((f) => f.scale.map((scale, i) => ({ f, scale, first: i === 0 })));
  const name = (f: ServerFigures) => (f.server === 'dev' ? 'dev server (SQLite)' : 'cluster (PostgreSQL)');
  const n = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
  const row = (label: string, value: (c: (typeof columns)[number]) => string) =>
    `| ${label} | ${columns.map(value).join(' | ')} |`;
  const once = (value: (f: ServerFigures) => string) => (c: (typeof columns)[number]) =>
    c.first ? value(c.f) : '';
  const parts = (c: (typeof columns)[number], test: (part: string) => boolean) =>
    Object.entries(c.scale.memory.serverParts)
      .filter(([part]) => test(part))
      .reduce((a, [, v]) => a + v, 0);
  return [
    `| figure | ${columns.map((c) => `${name(c.f)}, ${c.scale.open} open`).join(' | ')} |`,
    `| --- | ${columns.map(() => '---:').join(' | ')} |`,
    row(
      'Throughput, 1 worker (trajects/s, registration to signed contract)',
      once((f) => n(f.throughput['1'].trajectsPerSecond, 2)),
    ),
    row(
      'Throughput, 2 workers (trajects/s)',
      once((f) => n(f.throughput['2'].trajectsPerSecond, 2)),
    ),
    row(
      'Requests, 1 worker (starts + updates/s)',
      once((f) => n(f.throughput['1'].updatesPerSecond)),
    ),
    row(
      'Requests, 2 workers (starts + updates/s)',
      once((f) => n(f.throughput['2'].updatesPerSecond)),
    ),
    row(
      'Opening trajects to bewoning, 2 workers (trajects/s)',
      (c) =>
        `${n(c.scale.opening.perSecond, 2)} (${c.scale.opening.trajects} ${c.scale.opening.method === 'walked' ? 'walked' : 'as continued runs'} in ${n(c.scale.opening.seconds, 0)} s)`,
    ),
    row(
      'Feed burst, signals processed (signals/s)',
      (c) =>
        `${n(c.scale.burst.signalsPerSecond)} (${c.scale.burst.signals} in ${n(c.scale.burst.processedSeconds, 0)} s)`,
    ),
    row('Feed burst, signals accepted by the server (signals/s)', (c) =>
      n(c.scale.burst.signals / c.scale.burst.sendSeconds),
    ),
    row(
      'Feed burst, trajects read back exact (arrears once, the rest refused)',
      (c) => `${c.scale.check.exact} of ${c.scale.check.trajects}`,
    ),
    row('Feed burst, CPU per signal, all parts (ms)', (c) => n(perSignal(c.scale), 1)),
    row('  of which tenancy workers / Temporal / PostgreSQL / client (ms)', (c) =>
      [
        (p: string) => p.startsWith('worker '),
        (p: string) => p.startsWith('temporal') || p === 'dev server',
        (p: string) => p === 'postgres',
        (p: string) => p === 'bench client',
      ]
        .map((test) => n(perSignal(c.scale, test), 1))
        .join(' / '),
    ),
    row('Feed burst on 2 unshared cores, from CPU per signal (signals/s)', (c) =>
      n(2000 / perSignal(c.scale), 0),
    ),
    row('Worker RSS before the burst, each (MiB)', (c) =>
      c.scale.memoryOpened ? c.scale.memoryOpened.workersMiB.map((m) => n(m, 0)).join(', ') : '–',
    ),
    row('Worker RSS after the burst, each (MiB)', (c) =>
      c.scale.memory.workersMiB.map((m) => n(m, 0)).join(', '),
    ),
    row('Temporal server RSS (MiB; the dev server, or the four services)', (c) =>
      n(
        parts(c, (p) => p !== 'postgres'),
        0,
      ),
    ),
    row('PostgreSQL Pss, postmaster and backends (MiB)', (c) =>
      'postgres' in c.scale.memory.serverParts
        ? n(
            parts(c, (p) => p === 'postgres'),
            0,
          )
        : '–',
    ),
  ].join('\n');
}

/** Runs the comparison for `npm run bench -- --server cluster`; writes bench/results/cluster.json unless --out says. */
export async function clusterBench(
  options: {
    trajects: number;
    concurrency: number;
    capacity: number[];
    'capacity-seconds': number;
    'open-concurrency': number;
    'signal-concurrency': number;
    'worker-cache'?: number | undefined;
    shards: number;
    servers: Array<ServerFigures['server']>;
    out: string;
    seed: number;
  },
  teardown: Teardown,
  logger: Logger,
): Promise<number> {
  const started = performance.now();
  const out = resolve(
    projectRoot(),
    options.out.startsWith('bench/results/latest') || options.out.startsWith('bench/results/partial-')
      ? 'bench/results/cluster.json'
      : options.out,
  );
  const write = (figures: ServerFigures[], complete: boolean) =>
    writeFileSync(
      out,
      `${JSON.stringify({ date: new Date().toISOString(), seconds: (performance.now() - started) / 1000, complete, options, machine: describeMachine(), figures }, null, 2)}\n`,
    );
  const figures = await runClusterComparison(
    {
      trajects: options.trajects,
      concurrency: options.concurrency,
      open: options.capacity,
      openConcurrency: options['open-concurrency'],
      signalConcurrency: options['signal-concurrency'],
      openSeconds: options['capacity-seconds'],
      signalsPerTraject: 5,
      ...(options['worker-cache'] !== undefined ? { workerCache: options['worker-cache'] } : {}),
      historyShards: options.shards,
      // Digits only: a reference may not hold more than two words (the engine refuses name-like references).
      runId: `b${options.seed}-${Date.now() % 100_000_000}`,
      // Written after every phase (`complete: false`), so that a run stopped early keeps what it measured.
      onProgress: (partial) => write(partial, false),
    },
    teardown,
    logger,
    options.servers,
  );
  write(figures, true);
  console.log(clusterTable(figures));
  logger.info({ 'results.file': out }, 'cluster benchmark done');
  return 0;
}
