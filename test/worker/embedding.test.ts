/**
 * A team that embeds the worker in its own service (issue 16, item 17): the README's code block, with the package's
 * worker entry only, runs the real activities: the demo traject's invitation lands in the outbox.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { cloudEventTypes } from '../../activities';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTenancyClient, generateKeyRing, loadEncryption } from '../../client';
import { demoCovenant } from '../../machines';
import {
  bundleTenancyWorkflows,
  connectionOptions,
  createActivities,
  createLogger,
  createTenancyWorker,
  loadWorkerConfig,
} from '../../worker';
import { demoSteps } from '../reliability/npm-start-process';
import { actorFor } from '../support/model';
import { devServerEnvironment } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await devServerEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

test('the worker entry has what embedding needs: the real activities deliver the demo traject', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidw-embed-'));
  writeFileSync(join(dataDir, 'keyring.json'), JSON.stringify(generateKeyRing().file));
  const environment = {
    TEMPORAL_ADDRESS: env.address,
    TIDW_DATA_DIR: dataDir,
    TIDW_KEYRING_FILE: join(dataDir, 'keyring.json'),
    TIDW_LOG_LEVEL: 'warn',
  };

  // The README's block, as a team would write it (process.env there; this test's environment here).
  const config = loadWorkerConfig(environment);
  const logger = createLogger(config.logLevel);
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  const worker = await createTenancyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await bundleTenancyWorkflows(),
    activities: createActivities({
      delivery: config.delivery,
      logger: logger.child({ component: 'activities' }),
    }),
    dataConverter: { payloadCodecs: [config.encryption.codec] },
  });
  const running = worker.run();

  const sdk = await createTenancyClient({
    address: env.address,
    encryption: loadEncryption(environment, { dataDir, root: dataDir, embedded: false })!,
  });
  try {
    await sdk.start({
      clientRef: 'ingebed-0001',
      region: 'demo',
      origin: 'MO',
      registeredBy: actorFor(demoCovenant, 'zorgaanbieder'),
    });
    for (const step of demoSteps)
      await sdk.send(
        'ingebed-0001',
        { type: step.type, ...('data' in step ? { data: step.data } : {}) },
        actorFor(demoCovenant, step.as),
      );
    // The invitation to the kennismakingsgesprek goes out as a CloudEvent; without endpoints, into the outbox.
    const outbox = config.delivery.outboxDir;
    const invited = () =>
      existsSync(outbox) &&
      readdirSync(outbox, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.json'))
        .some((f) => readFileSync(join(outbox, f), 'utf8').includes(cloudEventTypes.invitation));
    const deadline = Date.now() + 30_000;
    while (!invited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(invited()).toBe(true);
  } finally {
    await sdk.close();
    worker.shutdown();
    await running;
    await connection.close();
  }
});
