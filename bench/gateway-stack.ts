/**
 * What the workloads that go through the HTTP door stand on: a SQLite dev server, the engine's worker (payloads
 * plain, as the engine rows), the SDK and the gateway with its development issuer, all on the teardown.
 */
import type { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import { createTenancyClient, type TenancyClient } from '../client';
import { startGateway } from '../gateway';
import { freePort } from '../test/support/processes';
import { bundleTenancyWorkflows, createTenancyWorker } from '../worker/worker';
import { TASK_QUEUE } from '../workflows/messages';
import { scratchDir, startServer, type Teardown } from './environment';

export interface GatewayStack {
  sdk: TenancyClient;
  gateway: NonNullable<Awaited<ReturnType<typeof startGateway>>>;
  /** The gateway's data directory, where its development issuer keeps its key. */
  dataDir: string;
  /** A Temporal client of the server itself, for what the SDK does not ask (a task queue's backlog). */
  client: Client;
}

/** Starts server, worker, SDK and gateway; `env` adds to the gateway's environment. */
export async function startGatewayStack(
  teardown: Teardown,
  logger: Logger,
  env: Record<string, string> = {},
): Promise<GatewayStack> {
  const server = await startServer(teardown, 'sqlite', undefined, logger);
  const connection = await NativeConnection.connect({ address: server.server.address });
  teardown.add('close worker connection', () => connection.close());
  const worker = await createTenancyWorker({
    connection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: await bundleTenancyWorkflows(),
    activities: createActivities({
      delivery: { endpoints: {}, outboxDir: scratchDir(teardown, 'outbox'), timeoutMs: 5000 },
      logger: logger.child({ component: 'activities' }, { level: 'warn' }),
    }),
  });
  const running = worker.run();
  teardown.add('stop worker', async () => {
    worker.shutdown();
    await running;
  });
  const sdk = await createTenancyClient({ address: server.server.address, encryption: false });
  teardown.add('close sdk', () => sdk.close());
  const dataDir = scratchDir(teardown, 'gateway');
  const gateway = (await startGateway({
    sdk,
    env: {
      TIDW_HTTP_PORT: String(await freePort()),
      TIDW_DATA_DIR: dataDir,
      TIDW_HTTP_RATE_LIMIT: '1000000',
      ...env,
    },
  }))!;
  teardown.add('close gateway', () => gateway.close());
  return { sdk, gateway, dataDir, client: server.client };
}
