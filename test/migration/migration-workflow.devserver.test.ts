/**
 * The migration workflow on the dev server (the time-skipping server does not resume it after its pause): trajecten
 * move in batches; a worker stopped in the pause between batches, or strictly while a batch is in flight, and a new
 * one started resume the run from its history, and no traject is migrated twice.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { resolveCovenant } from '../../machines';
import { createTenancyClient } from '../../client/tenancy-client';
import { bundleTenancyWorkflows, createTenancyWorker } from '../../worker/worker';
import { tidwWith } from '../support/cli';
import { covenantMigrationWorkflow, migrationProgressQuery } from '../../workflows/migration-workflow';
import {
  changeCovenantUpdate,
  eventsQuery,
  TASK_QUEUE,
  workflowIdFor,
  type TenancyWorkflowInput,
} from '../../workflows/messages';
import { actorFor } from '../support/model';
import { recordingActivities, startWorker, devServerEnvironment } from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';

const v2021 = resolveCovenant('almere')!;
const v2023 = resolveCovenant('almere@2023-01')!;
const gemeente = actorFor(v2021, 'gemeente');
const reason = 'covenant reworked in 2023';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
const recording = recordingActivities();

beforeAll(async () => {
  env = await devServerEnvironment();
  bundle = await bundleTenancyWorkflows();
});
afterAll(async () => {
  await env?.teardown();
});

// Generous: on a shared machine a query can take seconds.
jest.setTimeout(240_000);
test('migrates in batches, resumes after the worker is restarted, and migrates nothing twice', async () => {
  let worker = await startWorker(env, bundle, recording.activities);
  const drivers: TrajectDriver[] = [];
  try {
    for (let i = 1; i <= 5; i += 1) {
      const driver = await TrajectDriver.start(env, v2021, `mig-${i}`, recording.calls);
      await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: actorFor(v2021, 'client') });
      drivers.push(driver);
    }
    // One traject was moved by hand already.
    await drivers[0]!.handle.executeUpdate(changeCovenantUpdate, {
      args: [{ actor: gemeente, covenant: v2023, reason }],
    });
    const refs = [...drivers.map((d) => d.model.snapshot.context.trajectRef), 'mig-gone'];
    const handle = await env.client.workflow.start(covenantMigrationWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: 'covenant-migration-1',
      args: [{ clientRefs: refs, covenant: v2023, actor: gemeente, reason, batchSize: 2, pauseMs: 2000 }],
    });
    // The first batch done, the worker goes down in the pause; a new one takes over.
    for (const until = Date.now() + 90_000; Date.now() < until;) {
      if ((await handle.query(migrationProgressQuery)).done >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await handle.query(migrationProgressQuery)).done).toBe(2);
    await worker.stop();
    worker = await startWorker(env, bundle, recording.activities);

    const report = await handle.result();
    expect(report).toMatchObject({ total: 6, done: 6, migrated: 4, skipped: 2, failed: 0 });
    expect(report.outcomes.map((o) => [o.clientRef, o.result])).toEqual([
      ['mig-1', 'skipped'],
      ['mig-2', 'migrated'],
      ['mig-3', 'migrated'],
      ['mig-4', 'migrated'],
      ['mig-5', 'migrated'],
      ['mig-gone', 'skipped'],
    ]);
    expect(report.outcomes[0]!.reason).toContain('already on this version');
    for (const driver of drivers) {
      const log = await driver.handle.query(eventsQuery);
      expect(log.filter((e) => e.type === 'CONVENANT_GEWIJZIGD')).toHaveLength(1);
    }
  } finally {
    for (const driver of drivers) await driver.finish();
    await worker.stop();
  }
});

test('a worker stopped while a batch is in flight: the new one finishes the batch, and nothing is migrated twice', async () => {
  // One traject of the first batch runs on a task queue no worker serves yet: the batch cannot finish before the
  // first worker is gone. Its two others are migrated and have answered; the migration waits for the third.
  const lateQueue = 'tidw-migration-test-late';
  let worker = await startWorker(env, bundle, recording.activities);
  let late: { shutdown: () => void; run: Promise<void> } | undefined;
  const drivers: TrajectDriver[] = [];
  try {
    for (const ref of ['mid-1', 'mid-2', 'mid-4', 'mid-5']) {
      const driver = await TrajectDriver.start(env, v2021, ref, recording.calls);
      drivers.push(driver);
    }
    const input: TenancyWorkflowInput = {
      aanmelding: {
        trajectRef: 'mid-3',
        origin: 'BW',
        covenant: v2021,
        registeredBy: actorFor(v2021, 'zorgaanbieder'),
      },
    };
    const third = await env.client.workflow.start('tenancyWorkflow', {
      taskQueue: lateQueue,
      workflowId: workflowIdFor('mid-3'),
      args: [input],
    });
    const refs = ['mid-1', 'mid-2', 'mid-3', 'mid-4', 'mid-5'];
    const handle = await env.client.workflow.start(covenantMigrationWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: 'covenant-migration-mid-batch',
      args: [
        {
          clientRefs: refs,
          covenant: v2023,
          actor: gemeente,
          reason,
          batchSize: 3,
          pauseMs: 500,
          answerTimeoutMs: 600_000,
        },
      ],
    });
    const migratedOnce = async (driver: TrajectDriver) =>
      (await driver.handle.query(eventsQuery)).filter((e) => e.type === 'CONVENANT_GEWIJZIGD').length;
    for (const until = Date.now() + 90_000; Date.now() < until;) {
      if ((await migratedOnce(drivers[0]!)) === 1 && (await migratedOnce(drivers[1]!)) === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Strictly mid-batch: two of the batch's three migrated, none of the batch reported done yet.
    expect(await migratedOnce(drivers[0]!)).toBe(1);
    expect(await migratedOnce(drivers[1]!)).toBe(1);
    expect((await handle.query(migrationProgressQuery)).done).toBe(0);
    await worker.stop();

    // A new worker for both queues: the history resumes the batch; the third answers, the rest follow.
    worker = await startWorker(env, bundle, recording.activities);
    const lateWorker = await createTenancyWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: lateQueue,
      workflowBundle: bundle,
      activities: recording.activities,
    });
    late = { shutdown: () => lateWorker.shutdown(), run: lateWorker.run() };
    const report = await handle.result();
    expect(report).toMatchObject({ total: 5, done: 5, migrated: 5, skipped: 0, failed: 0 });
    expect(report.outcomes.map((o) => o.clientRef)).toEqual(refs);
    for (const driver of drivers) expect(await migratedOnce(driver)).toBe(1);
    const thirdLog = await third.query(eventsQuery);
    expect(thirdLog.filter((e) => e.type === 'CONVENANT_GEWIJZIGD')).toHaveLength(1);
    await third.terminate('test finished');
  } finally {
    for (const driver of drivers) await driver.finish();
    await worker.stop();
    if (late) {
      late.shutdown();
      await late.run;
    }
  }
});

test('tidw migrate: the dry run per traject, then the migration workflow moves them', async () => {
  const worker = await startWorker(env, bundle, recording.activities);
  const drivers: TrajectDriver[] = [];
  const tidw = tidwWith((covenants) => createTenancyClient({ address: env.address, covenants }));
  const as = ['--as', 'gemeente:Gemeente Almere'];
  try {
    for (const ref of ['cli-mig-1', 'cli-mig-2']) {
      const driver = await TrajectDriver.start(env, v2021, ref, recording.calls);
      await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: actorFor(v2021, 'client') });
      drivers.push(driver);
    }
    let dry = await tidw('migrate', '--region', 'almere', '--to', 'almere@2023-01', ...as, '--dry-run');
    // Visibility catches up with new trajecten in a moment.
    for (let tries = 0; tries < 50 && !dry.out.includes('cli-mig-2'); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      dry = await tidw('migrate', '--region', 'almere', '--to', 'almere@2023-01', ...as, '--dry-run');
    }
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run: to almere@2023-01');
    expect(dry.out).toContain('cli-mig-1 (urgentie): planned');
    expect(dry.out).toMatch(/2 trajecten: 2 would move, 0 skipped, 0 failed/);
    for (const driver of drivers) {
      const log = await driver.handle.query(eventsQuery);
      expect(log.some((e) => e.type === 'CONVENANT_GEWIJZIGD')).toBe(false);
    }

    const real = await tidw(
      'migrate',
      '--region',
      'almere',
      '--to',
      'almere@2023-01',
      ...as,
      '--reason',
      reason,
    );
    expect(real.code).toBe(0);
    expect(real.out).toContain('covenant-migration-almere-almere-2023-01:');
    expect(real.out).toContain('2 trajecten: 2 migrated, 0 skipped, 0 failed');
    expect(real.out).toContain('state: completed');
    // Not a terminal: plain progress lines on stderr, the last one the end.
    expect(real.err).toMatch(
      /covenant-migration-almere-almere-2023-01: 2 of 2 done \(2 migrated, 0 skipped, 0 failed\); completed/,
    );

    // The finished migration's status, in words and as JSON; a migration that does not exist is a typed refusal.
    const id = 'covenant-migration-almere-almere-2023-01';
    const status = await tidw('migrate', 'status', id);
    expect(status.code).toBe(0);
    expect(status.out).toContain('cli-mig-1: migrated');
    expect(status.out).toContain('state: completed');
    const json = await tidw('migrate', 'status', id, '--json');
    expect(JSON.parse(json.out)).toMatchObject({
      migrationId: id,
      state: 'completed',
      total: 2,
      migrated: 2,
    });
    const missing = await tidw('migrate', 'status', 'covenant-migration-nowhere', '--json');
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.out)).toMatchObject({ error: { code: 'MigrationNotFound' } });
    const bad = await tidw('migrate', 'status', 'traject-cli-mig-1');
    expect(bad.code).toBe(2);

    // Started again under --json and detached: the same id, every traject skipped as already moved.
    const again = await tidw(
      'migrate',
      '--region',
      'almere',
      '--to',
      'almere@2023-01',
      ...as,
      '--reason',
      reason,
      '--json',
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ state: 'completed', migrated: 0, failed: 0 });
    expect(
      again.err
        .split('\n')
        .map((l) => JSON.parse(l) as { progress: { done: number } })
        .at(-1),
    ).toMatchObject({
      progress: { done: 2, state: 'completed' },
    });
  } finally {
    for (const driver of drivers) await driver.finish();
    await worker.stop();
  }
});
