/**
 * The migration workflow on the dev server (the time-skipping server does not resume it after its pause): trajecten
 * move in batches; a worker stopped in the pause between batches and a new one started resume the run from its
 * history, and no traject is migrated twice.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { resolveCovenant } from '../../machines';
import { createTenancyClient } from '../../client/tenancy-client';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { tidwWith } from '../support/cli';
import { covenantMigrationWorkflow, migrationProgressQuery } from '../../workflows/migration-workflow';
import { changeCovenantUpdate, eventsQuery, TASK_QUEUE } from '../../workflows/messages';
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

jest.setTimeout(60_000);
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
    for (let tries = 0; tries < 100; tries += 1) {
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
  } finally {
    for (const driver of drivers) await driver.finish();
    await worker.stop();
  }
});
