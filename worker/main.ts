/**
 * `npm start`: the engine on its embedded default. Without TEMPORAL_ADDRESS it starts the Temporal dev server (SQLite
 * in .data/temporal.db), registers the search attributes and runs the worker; with it, only the worker, against that
 * cluster. Either way the HTTP gateway comes up after the worker. Ctrl-C stops the worker gracefully, then the gateway,
 * then the server.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createTenancyClient } from '../client';
import { startGateway } from '../gateway';
import { ConfigError, connectionOptions } from '../platform/config';
import { loadCodecServerSettings, startCodecServer } from '../platform/privacy/codec-server';
import { temporalBinaries } from './binaries';
import { loadWorkerConfig } from './config';
import { startDevServer, type DevServer } from './dev-server';
import { createLogger, temporalLogger } from './logger';
import { registerSearchAttributes } from './search-attributes';
import { bundleTenancyWorkflows, createTenancyWorker } from './worker';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger(config.logLevel);
  Runtime.install({
    logger: temporalLogger(logger.child({ component: 'temporal' })),
    ...(config.metricsPort > 0 && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.metricsPort}` } } },
    }),
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
  }
  try {
    const options = connectionOptions(config.temporal, server?.address);
    const client = await Connection.connect(options);
    await registerSearchAttributes(client, config.temporal.namespace, logger);
    await client.close();

    const connection = await NativeConnection.connect(options);
    const worker = await createTenancyWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: await bundleTenancyWorkflows(),
      activities: createActivities({
        delivery: config.delivery,
        logger: logger.child({ component: 'activities' }),
      }),
      // Refuses what a client sent unencrypted, before it is stored (TrajectCodec.forWorker).
      dataConverter: { payloadCodecs: [config.encryption.codec.forWorker()] },
      ...(config.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.maxCachedWorkflows } : {}),
    });
    // The HTTP door (gateway/), on the SDK; TIDW_HTTP_PORT=0 turns it off.
    const sdk = await createTenancyClient({ address: options.address, encryption: config.encryption });
    const gateway = await startGateway({ sdk, logger });
    logger.info(
      {
        'temporal.address': options.address,
        'temporal.namespace': config.temporal.namespace,
        'temporal.taskQueue': config.temporal.taskQueue,
        ...(server && { 'temporal.ui': server.uiUrl }),
        ...(config.metricsPort > 0 && { 'metrics.url': `http://localhost:${config.metricsPort}/metrics` }),
        'worker.maxCachedWorkflows': worker.options.maxCachedWorkflows,
        'outbox.dir': Object.keys(config.delivery.endpoints).length ? undefined : config.delivery.outboxDir,
        'encryption.keyring': config.encryption.keyringSource,
        'encryption.dataKeys': config.encryption.dataKeys.dir,
        ...(codecServer && { 'codec.url': codecServer.url }),
      },
      'worker running, Ctrl-C to stop',
    );
    if (server) console.log(`\nTemporal Web UI: ${server.uiUrl}  (namespace ${config.temporal.namespace})\n`);
    // The runtime turns SIGINT and SIGTERM into a graceful shutdown: run() resolves once in-flight tasks are done.
    await worker.run();
    await gateway?.close();
    await sdk.close();
    await connection.close();
    logger.info({}, 'worker stopped');
  } finally {
    await server?.stop();
    await codecServer?.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
