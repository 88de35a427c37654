/**
 * What the benchmark runs on: its own Temporal dev servers (fresh data directory, free ports), workers for the
 * engine and the baseline, and a teardown list that stops everything it started, in reverse order, even on errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type TenancyActivities } from '../activities';
import { loadEncryption } from '../platform/privacy/config';
import { temporalBinaries } from '../worker/binaries';
import { startDevServer, type DevServer } from '../worker/dev-server';
import { temporalLogger } from '../worker/logger';
import { freePort } from '../test/support/processes';
import { registerSearchAttributes } from '../worker/search-attributes';
import { bundleTenancyWorkflows, createTenancyWorker } from '../worker/worker';
import type { DeliveryObserver } from './observer';
import { variants, type VariantName } from './variants';

const NAMESPACE = 'default';

/** Things to undo, last started first stopped. */
export class Teardown {
  private readonly steps: Array<{ name: string; run: () => Promise<void> | void }> = [];

  constructor(private readonly logger: Logger) {}

  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  /** Runs (and forgets) the steps added since `mark`; every step runs even when one fails. */
  async unwind(mark = 0): Promise<void> {
    while (this.steps.length > mark) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch (err) {
        this.logger.warn({ err, 'teardown.step': step.name }, 'teardown step failed');
      }
    }
  }

  get mark(): number {
    return this.steps.length;
  }
}

/**
 * The Temporal runtime of a benchmark process: the SDK's warnings, the native core's included, go to the logger
 * (stderr), so that stdout holds nothing but the table.
 */
export function installRuntime(logger: Logger): void {
  Runtime.install({
    logger: temporalLogger(logger.child({ component: 'temporal' }, { level: 'warn' })),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}

/** A directory removed at teardown. */
export function scratchDir(teardown: Teardown, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tidw-bench-${prefix}-`));
  teardown.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Bundles {
  engine: WorkflowBundle;
  baseline: WorkflowBundle;
}

/** Bundles both workflow packages once; every worker of the run reuses them. */
export async function bundleBoth(): Promise<Bundles> {
  const [engine, baseline] = await Promise.all([
    bundleTenancyWorkflows(),
    bundleWorkflowCode({
      workflowsPath: require.resolve('./baseline/workflows'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
    }),
  ]);
  return { engine, baseline };
}

export interface BenchServer {
  server: DevServer;
  client: Client;
  /** The same connection with the payload codec, for the encrypted variant (when the server is to run it). */
  encryptedClient?: Client;
  persistence: 'sqlite' | 'memory';
}

/**
 * The payload codec of the encrypted variant: a key ring made for the run, as `npm start` makes one on first start,
 * with the data keys in the same scratch directory. One per benchmark process: workers, clients and replay share it.
 */
export function benchDataConverter(teardown: Teardown): DataConverter {
  const dir = scratchDir(teardown, 'keys');
  const encryption = loadEncryption({}, { dataDir: dir, root: dir, embedded: true, create: true });
  if (!encryption) throw new Error('no key ring was made for the encrypted variant');
  return { payloadCodecs: [encryption.codec] };
}

/** A dev server of its own, with the engine's search attributes, and a client on it. */
export async function startServer(
  teardown: Teardown,
  persistence: 'sqlite' | 'memory',
  dataConverter: DataConverter | undefined,
  logger: Logger,
): Promise<BenchServer> {
  const { cli } = await temporalBinaries();
  const dataDir = scratchDir(teardown, `server-${persistence}`);
  const server = await startDevServer({
    cli,
    dataDir,
    persistence,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: NAMESPACE,
    logger: logger.child({ component: 'dev-server' }),
  });
  teardown.add('stop dev server', () => server.stop());
  const connection = await Connection.connect({ address: server.address });
  teardown.add('close client connection', () => connection.close());
  await registerSearchAttributes(connection, NAMESPACE, logger);
  return {
    server,
    client: new Client({ connection, namespace: NAMESPACE }),
    ...(dataConverter && {
      encryptedClient: new Client({ connection, namespace: NAMESPACE, dataConverter }),
    }),
    persistence,
  };
}

/** The real activities, writing CloudEvents to a scratch outbox, watched by an observer. */
export function benchActivities(
  teardown: Teardown,
  logger: Logger,
  observer: DeliveryObserver,
): TenancyActivities {
  const outboxDir = scratchDir(teardown, 'outbox');
  return observer.wrap(
    createActivities({
      delivery: { endpoints: {}, outboxDir, timeoutMs: 5000 },
      logger: logger.child({ component: 'activities' }),
    }),
  );
}

/**
 * A worker for one variant, on its own task queue: the engine's is the project's own tenancy worker, and so is the
 * encrypted variant's, with the payload codec.
 */
export function createVariantWorker(
  name: VariantName,
  connection: NativeConnection,
  bundles: Bundles,
  activities: TenancyActivities,
  dataConverter?: DataConverter,
  /** Workflows on this thread (the SDK's debug mode), where this process's heap holds them. */
  debugMode = false,
): Promise<Worker> {
  if (name !== 'baseline') {
    if (name === 'encrypted' && !dataConverter)
      throw new Error('the encrypted variant needs the payload codec');
    return createTenancyWorker({
      connection,
      namespace: NAMESPACE,
      taskQueue: variants[name].taskQueue,
      workflowBundle: bundles.engine,
      activities,
      ...(name === 'encrypted' ? { dataConverter } : {}),
      debugMode,
    });
  }
  return Worker.create({
    connection,
    namespace: NAMESPACE,
    taskQueue: variants.baseline.taskQueue,
    workflowBundle: bundles.baseline,
    activities,
    debugMode,
  });
}

/** The three variants' workers running in this process against a server until teardown. */
export async function runWorkers(
  teardown: Teardown,
  server: BenchServer,
  bundles: Bundles,
  activities: TenancyActivities,
  dataConverter: DataConverter,
  logger: Logger,
): Promise<void> {
  const connection = await NativeConnection.connect({ address: server.server.address });
  teardown.add('close worker connection', () => connection.close());
  for (const name of ['engine', 'baseline', 'encrypted'] as const) {
    const worker = await createVariantWorker(name, connection, bundles, activities, dataConverter);
    // A worker that stops on its own fails the trajects waiting for it; the benchmark reports those.
    const running = worker
      .run()
      .catch((err: unknown) => logger.error({ err, 'bench.variant': name }, 'worker failed'));
    teardown.add(`stop ${name} worker`, async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
  }
}
