/**
 * `npm start`: the engine on its embedded default. Without TEMPORAL_ADDRESS it starts the Temporal dev server (SQLite
 * in .data/temporal.db), registers the search attributes and runs the worker; with it, only the worker, against that
 * cluster. Either way the HTTP gateway comes up after the worker. One Ctrl-C or SIGTERM stops every part, the last
 * started first: the gateway closes, the worker drains, then the server goes.
 */
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { createTenancyClient } from '../client';
import { loadGatewayConfig, startGateway, type GatewayConfig } from '../gateway';
import { ConfigError, connectionOptions } from '../platform/config';
import { TidwError } from '../platform/errors';
import { loadCodecServerSettings, startCodecServer } from '../platform/privacy/codec-server';
import { openSqliteStore, READ_MODEL_FILE } from '../platform/read-model';
import { registerSearchAttributes } from '../platform/search-attributes';
import { temporalBinaries } from './binaries';
import { loadWorkerConfig, type WorkerConfig } from './config';
import { startDevServer, type DevServer } from './dev-server';
import { createLogger, temporalLogger } from './logger';
import { Parts } from './parts';
import { watchServer } from './server-watch';
import { bundleTenancyWorkflows, createTenancyWorker } from './worker';

async function main(
  config: WorkerConfig,
  gatewayConfig: GatewayConfig,
  logger: Logger,
  parts: Parts,
): Promise<void> {
  Runtime.install({
    logger: temporalLogger(logger.child({ component: 'temporal' })),
    // Signals are ours (worker/parts.ts): the worker is one part among others that must stop on Ctrl-C.
    shutdownSignals: [],
    telemetryOptions: {
      // The core's own log goes through pino too, as structured lines, rather than coloured text on stderr.
      logging: { forward: {} },
      ...(config.metricsPort > 0 && {
        metrics: { prometheus: { bindAddress: bindAddress(config.metricsHost, config.metricsPort) } },
      }),
    },
  });

  // With codec tokens configured, an authorised user sees decrypted payloads in the Web UI; others see ciphertext.
  const codecSettings = loadCodecServerSettings(process.env);
  const codecServer = codecSettings
    ? await startCodecServer({
        ...codecSettings,
        codec: config.encryption.codec,
        logger: logger.child({ component: 'codec-server' }),
      })
    : undefined;
  if (codecServer) parts.add('codec server', () => codecServer.close());

  let server: DevServer | undefined;
  if (!config.temporal.address) {
    const { cli } = await temporalBinaries();
    server = await startDevServer({
      cli,
      dataDir: config.dataDir,
      port: config.temporal.devServerPort,
      uiPort: config.uiPort,
      namespace: config.temporal.namespace,
      logger,
      ...(codecServer ? { uiCodecEndpoint: codecServer.url } : {}),
    });
    const started = server;
    parts.add('temporal dev server', () => started.stop());
  }

  const options = connectionOptions(config.temporal, server?.address);
  const client = await Connection.connect(options);
  parts.add('client connection', () => client.close());
  await registerSearchAttributes(client, config.temporal.namespace, logger);

  // The evaluation's read model: pseudonymous facts per traject, for `tidw report` and /v1/reports.
  const readModel = openSqliteStore(join(config.dataDir, READ_MODEL_FILE));
  parts.add('read model', () => Promise.resolve(readModel.close()));

  const connection = await NativeConnection.connect(options);
  parts.add('worker connection', () => connection.close());
  const worker = await createTenancyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await bundleTenancyWorkflows(),
    activities: createActivities({
      delivery: config.delivery,
      logger: logger.child({ component: 'activities' }),
      readModel,
    }),
    // Refuses what a client sent unencrypted, before it is stored (TrajectCodec.forWorker).
    dataConverter: { payloadCodecs: [config.encryption.codec.forWorker()] },
    ...(config.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.maxCachedWorkflows } : {}),
    ...(config.maxConcurrentWorkflowTasks !== undefined
      ? { maxConcurrentWorkflowTasks: config.maxConcurrentWorkflowTasks }
      : {}),
  });
  const running = worker.run();
  running.catch((err: unknown) => parts.fail(err));
  parts.add('worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    logger.info({}, 'worker stopped');
  });

  const watch = watchServer({
    connection: client,
    address: options.address,
    logger,
    details: () => {
      const ended = server?.exited();
      if (!server) return { hint: 'the worker reconnects when the cluster is back' };
      return ended
        ? {
            'server.ended': ended,
            'server.log': server.logFile,
            hint: 'stop npm start (Ctrl-C) and start it again',
          }
        : { 'server.log': server.logFile };
    },
  });
  parts.add('server watch', () => watch.stop());

  // Parts that serve once the worker runs start here, each with its own stop. The HTTP door (gateway/) is on the SDK;
  // TIDW_HTTP_PORT=0 turns it off.
  const sdk = await createTenancyClient({ address: options.address, encryption: config.encryption });
  parts.add('sdk', () => sdk.close());
  const gateway = await startGateway({ sdk, logger, config: gatewayConfig });
  if (gateway) parts.add('gateway', () => gateway.close());

  logger.info(
    {
      'temporal.address': options.address,
      'temporal.namespace': config.temporal.namespace,
      'temporal.taskQueue': config.temporal.taskQueue,
      ...(server && {
        'temporal.ui': server.uiUrl,
        'server.log': server.logFile,
        'server.reused': server.reused,
      }),
      ...(config.metricsPort > 0 && {
        'metrics.url': `http://${urlHost(config.metricsHost)}:${config.metricsPort}/metrics`,
      }),
      'worker.maxCachedWorkflows': worker.options.maxCachedWorkflows,
      'worker.maxConcurrentWorkflowTasks': worker.options.maxConcurrentWorkflowTaskExecutions,
      'outbox.dir': Object.keys(config.delivery.endpoints).length ? undefined : config.delivery.outboxDir,
      'encryption.keyring': config.encryption.keyringSource,
      'encryption.dataKeys': config.encryption.dataKeys.dir,
      ...(codecServer && { 'codec.url': codecServer.url }),
    },
    'worker running, Ctrl-C to stop',
  );
  if (server) console.log(`\nTemporal Web UI: ${server.uiUrl}  (namespace ${config.temporal.namespace})\n`);
}

/** `host:port` for the metrics exporter; an IPv6 address goes in brackets. */
function bindAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** The worker's and the gateway's configuration; one ConfigError with every problem of both. */
function loadBoth(): [WorkerConfig, GatewayConfig] {
  const problems: ConfigError['problems'] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const worker = attempt(() => loadWorkerConfig());
  const gateway = attempt(() => loadGatewayConfig());
  if (!worker || !gateway) throw new ConfigError(problems);
  return [worker, gateway];
}

async function run(): Promise<number> {
  // Everything this process and the dev server create (SQLite file, key ring, outbox) is for their owner only.
  process.umask(0o077);
  let config: WorkerConfig;
  let gatewayConfig: GatewayConfig;
  try {
    // Both read at once, so that a wrong value anywhere stops start-up before anything runs, all problems named.
    [config, gatewayConfig] = loadBoth();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  const parts = new Parts(logger).listen();
  // Start-up runs alongside the wait for a signal: a Ctrl-C while the server starts stops what has started so far.
  void main(config, gatewayConfig, logger, parts).catch((err: unknown) => parts.fail(err));
  await parts.stopped;
  await parts.stopAll();
  const failed = parts.failed;
  if (failed === undefined) return 0;
  if (failed instanceof TidwError) logger.error({ 'error.code': failed.code }, failed.message);
  else logger.error({ err: failed }, 'npm start failed');
  return 1;
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
