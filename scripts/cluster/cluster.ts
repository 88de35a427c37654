/**
 * A local Temporal cluster of real parts: PostgreSQL, the four Temporal services as separate processes, and the
 * tenancy workers (`node dist/worker/main.js`) with a shared key ring. `npm run cluster` and the fault drills drive it
 * through this class; its processes outlive the process that started them, and are found again from `<dir>`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { Logger } from 'pino';
import { generateKeyRing, saveKeyRing } from '../../platform/privacy/keyring';
import { projectRoot } from '../../platform/paths';
import { registerSearchAttributes } from '../../worker/search-attributes';
import { searchAttributeKeys } from '../../workflows/search-attributes';
import {
  chooseLayout,
  loadLayout,
  saveLayout,
  SERVICES,
  type ClusterLayout,
  type LayoutOptions,
  type ServiceName,
} from './layout';
import { removePid, readPid, writePid } from './pids';
import { initPostgres, postgresPid, startPostgres, stopPostgres } from './postgres';
import {
  belongsTo,
  isAlive,
  isListening,
  logSize,
  readFrom,
  startDetached,
  stopProcess,
  tail,
  waitUntil,
} from './processes';
import type { ClusterBinaries } from './provision';
import {
  servicePid,
  serviceLog,
  setupSchema,
  startService,
  stopService,
  writeServerConfig,
} from './temporal-server';

export const NAMESPACE = 'default';
/** How long a closed traject's history stays in the cluster. */
const RETENTION = '7 days';
/** The gRPC status codes met while the cluster comes up. */
const ALREADY_EXISTS = 6;

/** The HTTP gateway's own entry point: started beside the workers. */
const GATEWAY_ENTRY = join('dist', 'gateway', 'main.js');

export interface ClusterOptions extends Omit<LayoutOptions, 'dir'> {
  /** Where the cluster keeps its data, logs and pid files (absolute). */
  dir: string;
  binaries: ClusterBinaries;
  logger: Logger;
}

/** What a user needs to reach the cluster. */
export interface ClusterEndpoints {
  temporalAddress: string;
  namespace: string;
  frontendHttp: string;
  postgres: string;
  keyringFile: string;
  dataKeysDir: string;
  logs: string;
}

export class Cluster {
  private constructor(
    readonly layout: ClusterLayout,
    private readonly binaries: ClusterBinaries,
    private readonly logger: Logger,
  ) {}

  /** The cluster in `dir`: its existing layout, or a new one with free ports. */
  static async open(options: ClusterOptions): Promise<Cluster> {
    mkdirSync(join(options.dir, 'logs'), { recursive: true });
    let layout = loadLayout(options.dir);
    if (!layout) {
      layout = await chooseLayout(options);
      saveLayout(layout);
    }
    return new Cluster(layout, options.binaries, options.logger);
  }

  get address(): string {
    return `127.0.0.1:${this.layout.ports.frontend.grpc}`;
  }

  get endpoints(): ClusterEndpoints {
    return {
      temporalAddress: this.address,
      namespace: NAMESPACE,
      frontendHttp: `http://127.0.0.1:${this.layout.ports.frontendHttp}`,
      postgres: `127.0.0.1:${this.layout.ports.postgres}`,
      keyringFile: this.keyringFile,
      dataKeysDir: this.dataKeysDir,
      logs: join(this.layout.dir, 'logs'),
    };
  }

  get keyringFile(): string {
    return join(this.layout.dir, 'keyring.json');
  }

  get dataKeysDir(): string {
    return join(this.layout.dir, 'data-keys');
  }

  /** The environment under which the worker, the SDK and `tidw` reach this cluster. */
  get clientEnv(): Record<string, string> {
    return {
      TEMPORAL_ADDRESS: this.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TIDW_KEYRING_FILE: this.keyringFile,
      TIDW_DATA_KEYS_DIR: this.dataKeysDir,
    };
  }

  /** The pids of everything of this cluster that runs now, by name. */
  running(): Record<string, number> {
    const found: Record<string, number> = {};
    const pg = postgresPid(this.layout);
    if (pg) found.postgres = pg;
    for (const name of SERVICES) {
      const pid = servicePid(this.layout, name);
      if (pid) found[`temporal-${name}`] = pid;
    }
    for (let i = 1; i <= this.layout.workers; i++) {
      const pid = this.workerPid(i);
      if (pid) found[`tidw-worker-${i}`] = pid;
    }
    const gateway = this.processPid('gateway');
    if (gateway) found.gateway = gateway;
    return found;
  }

  /** Brings everything up that is not running, in order; resolves when the workers poll. */
  async up(): Promise<void> {
    const started = Date.now();
    initPostgres(this.layout, this.binaries.postgresBinDir);
    await startPostgres(this.layout, this.binaries.postgresBinDir);
    this.logger.info({ 'postgres.port': this.layout.ports.postgres }, 'postgres ready');
    await setupSchema(this.layout, this.binaries.sqlTool, this.binaries.schemaDir);
    writeServerConfig(this.layout);
    // One after the other, each once it listens: services started together on an empty membership table can each
    // bootstrap a ring of their own, and the frontend then answers "Not enough hosts to serve the request" for good.
    // The internal worker service listens only once it has work from the frontend, so it comes last, unawaited here.
    for (const name of SERVICES) {
      await this.startService(name, { wait: false });
      if (name !== 'worker') await this.waitForListening(name);
    }
    await this.waitForFrontend();
    await this.prepareNamespace();
    this.logger.info(
      { 'temporal.address': this.address, 'cluster.ms': Date.now() - started },
      'temporal ready',
    );
    this.ensureKeyRing();
    await Promise.all(Array.from({ length: this.layout.workers }, (_, i) => this.startWorker(i + 1)));
    await this.startGateway();
    this.logger.info({ 'cluster.ms': Date.now() - started }, 'cluster up');
  }

  /** Stops everything: the doors and workers first (gracefully), then the Temporal services, then PostgreSQL. */
  async down(): Promise<void> {
    const gateway = this.processPid('gateway');
    if (gateway) await stopProcess(gateway, 'SIGTERM', 20_000);
    removePid(this.layout, 'gateway');
    await Promise.all(
      Array.from({ length: this.layout.workers }, (_, i) => this.stopWorker(i + 1, 'SIGTERM')),
    );
    // Frontend first so that no new requests arrive, the history service last of the Temporal services.
    for (const name of ['frontend', 'worker', 'matching', 'history'] as const)
      await this.stopService(name, 'SIGTERM');
    await stopPostgres(this.layout);
    this.logger.info({ 'cluster.dir': this.layout.dir }, 'cluster down');
  }

  async startService(name: ServiceName, options: { wait?: boolean } = {}): Promise<void> {
    await startService(this.layout, this.binaries.server, name);
    if (options.wait !== false) await this.waitForService(name);
  }

  async stopService(name: ServiceName, signal: NodeJS.Signals): Promise<void> {
    await stopService(this.layout, name, signal);
    removePid(this.layout, name);
  }

  async startPostgres(): Promise<void> {
    await startPostgres(this.layout, this.binaries.postgresBinDir);
  }

  async stopPostgres(): Promise<void> {
    await stopPostgres(this.layout);
  }

  workerPid(index: number): number | undefined {
    return this.processPid(`tidw-worker-${index}`);
  }

  workerLog(index: number): string {
    return join(this.layout.dir, 'logs', `tidw-worker-${index}.log`);
  }

  /** Starts tenancy worker `index` (1-based) and waits until it polls its task queue. */
  async startWorker(index: number): Promise<void> {
    if (this.workerPid(index)) return;
    const log = this.workerLog(index);
    const from = logSize(log);
    const pid = await startDetached({
      command: process.execPath,
      args: [join(projectRoot(), 'dist', 'worker', 'main.js')],
      env: {
        ...inheritedEnv(),
        ...this.clientEnv,
        TIDW_DATA_DIR: join(this.layout.dir, 'workers', String(index)),
        // Several workers on one machine: no shared Prometheus port, and the HTTP door runs as a process of its own.
        TIDW_METRICS_PORT: '0',
        TIDW_HTTP_PORT: '0',
        // Workflow tasks run one after the other on one thread: a worker that takes the SDK's 40 at once on a busy
        // machine lets the last ones wait past their 10 s timeout, and each timed-out task is replayed elsewhere.
        TIDW_MAX_CONCURRENT_WORKFLOW_TASKS: process.env.TIDW_MAX_CONCURRENT_WORKFLOW_TASKS ?? '8',
      },
      cluster: this.layout.dir,
      log,
      cwd: projectRoot(),
    });
    writePid(this.layout, `tidw-worker-${index}`, pid);
    await waitUntil(
      `tenancy worker ${index} to run`,
      () => {
        if (!isAlive(pid)) throw new Error(`tenancy worker ${index} exited:\n${tail(log)}`);
        return readFrom(log, from).includes('worker running');
      },
      120_000,
      250,
    );
  }

  /** SIGTERM: the worker finishes its tasks and stops; SIGKILL: it crashes. */
  async stopWorker(index: number, signal: NodeJS.Signals): Promise<void> {
    const pid = this.workerPid(index);
    if (pid) await stopProcess(pid, signal, 30_000);
    removePid(this.layout, `tidw-worker-${index}`);
  }

  private processPid(name: string): number | undefined {
    const pid = readPid(this.layout, name);
    return pid && isAlive(pid) && belongsTo(pid, this.layout.dir) ? pid : undefined;
  }

  private ensureKeyRing(): void {
    mkdirSync(this.dataKeysDir, { recursive: true, mode: 0o700 });
    if (!existsSync(this.keyringFile)) saveKeyRing(this.keyringFile, generateKeyRing());
  }

  /**
   * The HTTP gateway as a process of its own (dist/gateway/main.js) on TIDW_HTTP_PORT (default 8080; 0: none), against
   * this cluster. Without TIDW_OIDC_ISSUER in the environment it runs the development issuer, as `npm start` does: this
   * is a local cluster. A gateway that cannot start (its port taken) is reported and leaves the cluster running.
   */
  private async startGateway(): Promise<void> {
    const entry = join(projectRoot(), GATEWAY_ENTRY);
    const port = process.env.TIDW_HTTP_PORT ?? '8080';
    if (port === '0' || !existsSync(entry) || this.processPid('gateway')) return;
    const log = join(this.layout.dir, 'logs', 'gateway.log');
    const from = logSize(log);
    const pid = await startDetached({
      command: process.execPath,
      args: [entry],
      env: {
        ...inheritedEnv(),
        ...this.clientEnv,
        TIDW_HTTP_PORT: port,
        TIDW_DATA_DIR: join(this.layout.dir, 'gateway'),
        ...(process.env.TIDW_OIDC_ISSUER ? {} : { TIDW_DEV_ISSUER: 'true' }),
      },
      cluster: this.layout.dir,
      log,
      cwd: projectRoot(),
    });
    writePid(this.layout, 'gateway', pid);
    let started = false;
    await waitUntil(
      'the gateway to listen',
      () => {
        if (!isAlive(pid)) return true;
        started = readFrom(log, from).includes('gateway listening');
        return started;
      },
      60_000,
      250,
    );
    if (started) this.logger.info({ 'gateway.pid': pid, 'gateway.port': Number(port) }, 'gateway started');
    else {
      removePid(this.layout, 'gateway');
      this.logger.warn({ 'gateway.log': log }, 'gateway did not start; the cluster runs without it');
    }
  }

  private async connect(): Promise<Connection> {
    return Connection.connect({ address: this.address, connectTimeout: '5s' });
  }

  /** Waits until a service listens on its gRPC port (it has joined the membership ring by then). */
  private async waitForListening(name: ServiceName, timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      `temporal ${name} to listen`,
      async () => {
        if (!servicePid(this.layout, name))
          throw new Error(`temporal ${name} exited:\n${tail(serviceLog(this.layout, name))}`);
        return isListening(this.layout.ports[name].grpc);
      },
      timeoutMs,
      200,
    );
  }

  /** Waits until the frontend answers and the history service holds its shards (a describe of the namespace list works). */
  async waitForFrontend(timeoutMs = 120_000): Promise<void> {
    const log = serviceLog(this.layout, 'frontend');
    await waitUntil(
      'the Temporal frontend to answer',
      async () => {
        for (const name of SERVICES) {
          if (!servicePid(this.layout, name))
            throw new Error(`temporal ${name} exited:\n${tail(serviceLog(this.layout, name))}`);
        }
        try {
          const connection = await this.connect();
          try {
            await connection.workflowService.getSystemInfo({});
            return true;
          } finally {
            await connection.close();
          }
        } catch {
          return false;
        }
      },
      timeoutMs,
      500,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${tail(log)}`);
    });
  }

  /** After a service restart: waits until the namespace takes requests end to end again. */
  async waitForService(name: ServiceName, timeoutMs = 120_000): Promise<void> {
    if (name === 'frontend') await this.waitForFrontend(timeoutMs);
    await this.waitForNamespace(timeoutMs);
  }

  private async waitForNamespace(timeoutMs = 120_000): Promise<void> {
    let last: unknown;
    await waitUntil(
      `namespace ${NAMESPACE} to take requests`,
      async () => {
        try {
          const connection = await this.connect();
          try {
            await connection.workflowService.listWorkflowExecutions({ namespace: NAMESPACE, pageSize: 1 });
            await connection.workflowService.describeTaskQueue({
              namespace: NAMESPACE,
              taskQueue: { name: 'tidw-cluster-probe' },
            });
            return true;
          } finally {
            await connection.close();
          }
        } catch (err) {
          last = err;
          return false;
        }
      },
      timeoutMs,
      500,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last answer: ${(last as Error | undefined)?.message ?? 'none'}`);
    });
  }

  /** Registers the namespace and the project's search attributes (both idempotent), and waits until they are in use. */
  private async prepareNamespace(): Promise<void> {
    const connection = await this.connect();
    try {
      await waitUntil(
        `namespace ${NAMESPACE} to be registered`,
        async () => {
          try {
            await connection.workflowService.registerNamespace({
              namespace: NAMESPACE,
              workflowExecutionRetentionPeriod: msToTs(RETENTION),
            });
            return true;
          } catch (err) {
            if ((err as { code?: number }).code === ALREADY_EXISTS) return true;
            this.logger.debug({ err }, 'namespace not registered yet');
            return false;
          }
        },
        120_000,
        1_000,
      );
      await this.waitForNamespace();
      await registerSearchAttributes(connection, NAMESPACE, this.logger);
      await waitUntil(
        'the search attributes to be registered',
        async () => {
          const { customAttributes } = await connection.operatorService.listSearchAttributes({
            namespace: NAMESPACE,
          });
          return searchAttributeKeys.every((k) => k.name in (customAttributes ?? {}));
        },
        60_000,
        500,
      );
    } finally {
      await connection.close();
    }
  }
}

/** What a worker takes from the launcher's environment: not its Temporal or key settings, which are the cluster's. */
function inheritedEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !k.startsWith('TEMPORAL_') &&
        !k.startsWith('TIDW_KEYRING') &&
        k !== 'TIDW_DATA_KEYS_DIR' &&
        k !== 'TIDW_DATA_DIR',
    ),
  );
}
