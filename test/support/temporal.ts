/**
 * Real Temporal servers for the tests, from the binaries scripts/temporal.sh provides (never a download at test
 * time, never a mock), and a worker around the real activities that records what they were asked.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type WorkflowBundle, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities, type DeliveryConfig, type TenancyActivities } from '../../activities';
import type { FactsStore } from '../../platform/read-model';
import { temporalBinaries } from '../../worker/binaries';
import { registerSearchAttributes } from '../../worker/search-attributes';
import { bundleTenancyWorkflows, createTenancyWorker } from '../../worker/worker';
import { TASK_QUEUE } from '../../workflows/messages';
import { searchAttributeKeys } from '../../workflows/search-attributes';

let runtimeInstalled = false;
/** Keeps the Temporal runtime quiet in test output (warnings and errors still show). */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** The time-skipping test server, with the project's search attributes registered. */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const { testServer } = await temporalBinaries();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServer } },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default', pino({ level: 'silent' }));
  return env;
}

/** The real dev server (the Temporal CLI), with the project's search attributes registered. */
export async function devServerEnvironment(dbFilename?: string): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const { cli } = await temporalBinaries();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      searchAttributes: [...searchAttributeKeys],
      ...(dbFilename ? { dbFilename } : {}),
    },
  });
}

/** The activities that deliver to partners (the read model's `recordTrajectFacts` is not one). */
type DeliveryActivity = Exclude<keyof TenancyActivities, 'recordTrajectFacts'>;

export interface ActivityCall {
  name: DeliveryActivity;
  input: Parameters<TenancyActivities[DeliveryActivity]>[0];
}

/**
 * The real activities, writing to a fresh outbox, with every call recorded in order; with a read model, the
 * trajects' facts go there as on `npm start`.
 */
export function recordingActivities(delivery: Partial<DeliveryConfig> = {}, readModel?: FactsStore) {
  const calls: ActivityCall[] = [];
  const outboxDir = delivery.outboxDir ?? mkdtempSync(join(tmpdir(), 'tidw-outbox-'));
  const real = createActivities({
    delivery: { endpoints: {}, timeoutMs: 5000, ...delivery, outboxDir },
    logger: pino({ level: 'silent' }),
    ...(readModel ? { readModel } : {}),
  });
  const activities: TenancyActivities = {
    sendInvitation: (input) => (calls.push({ name: 'sendInvitation', input }), real.sendInvitation(input)),
    sendNotification: (input) => (
      calls.push({ name: 'sendNotification', input }),
      real.sendNotification(input)
    ),
    sendEscalation: (input) => (calls.push({ name: 'sendEscalation', input }), real.sendEscalation(input)),
    // Not a delivery: kept out of `calls`, whose order the delivery tests assert.
    recordTrajectFacts: (input) => real.recordTrajectFacts(input),
  };
  return { activities, calls, outboxDir };
}

/** A worker on an environment, started once for a whole test file. */
export async function startWorker(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundle,
  activities: TenancyActivities,
  dataConverter?: DataConverter,
): Promise<{ worker: Worker; stop: () => Promise<void> }> {
  const worker = await createTenancyWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle,
    activities,
    ...(dataConverter ? { dataConverter } : {}),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** A test file's server, its worker around the recording activities, and the calls they recorded. */
export interface Suite {
  env: TestWorkflowEnvironment;
  calls: ActivityCall[];
}

/**
 * One server and one worker for a whole test file (bundled once), torn down after it. Read `env` and `calls` inside
 * tests: they are set in `beforeAll`.
 */
function suite(makeEnvironment: () => Promise<TestWorkflowEnvironment>): Suite {
  const current = {} as Suite;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    current.env = await makeEnvironment();
    const recording = recordingActivities();
    current.calls = recording.calls;
    ({ stop } = await startWorker(current.env, await bundleTenancyWorkflows(), recording.activities));
  });
  afterAll(async () => {
    await stop?.();
    await current.env?.teardown();
  });
  return current;
}

/** A time-skipping server with a tenancy worker, for a test file. */
export const timeSkippingSuite = (): Suite => suite(timeSkippingEnvironment);

/** The real dev server with a tenancy worker, for a test file. */
export const devServerSuite = (): Suite => suite(() => devServerEnvironment());
