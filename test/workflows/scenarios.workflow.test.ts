/**
 * Each covenant end to end on the real workflow: the happy path from aanmelding to afgesloten and the main exception
 * path, on the time-skipping server, in lockstep with the model.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { scenarios } from '../support/scenarios';
import {
  recordingActivities,
  startWorker,
  timeSkippingEnvironment,
  type ActivityCall,
} from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';

let env: TestWorkflowEnvironment;
let stopWorker: () => Promise<void>;
let calls: ActivityCall[];

beforeAll(async () => {
  env = await timeSkippingEnvironment();
  const recording = recordingActivities();
  calls = recording.calls;
  ({ stop: stopWorker } = await startWorker(env, await bundleTenancyWorkflows(), recording.activities));
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

test.each(scenarios.map((s, i) => [s.name, s, i] as const))('%s', async (_name, scenario, i) => {
  const driver = await TrajectDriver.start(env, scenario.covenant, `scenario-${i}`, calls);
  try {
    await driver.runScenario(scenario);
    const status = await driver.status();
    expect(status.phase).toBe(scenario.expect.phase);
    expect(driver.activities()).toEqual(driver.expectedActivities());
    const invitations = driver.activities().filter(([type]) => type.startsWith('invite'));
    expect(invitations).toHaveLength(scenario.expect.invitations);
    const escalations = calls.filter(
      (c) => c.name === 'sendEscalation' && c.input.workflowId === driver.workflowId,
    );
    expect(escalations.map((c) => ('kind' in c.input ? c.input.kind : null))).toEqual(
      scenario.expect.escalated,
    );
    expect(status.counters.failedDeliveries).toBe(0);
    if (status.phase !== 'ingetrokken' && status.phase !== 'beeindigd' && status.phase !== 'afgesloten')
      throw new Error('not ended');
    expect((await driver.handle.describe()).status.name).toBe('COMPLETED');
  } finally {
    await driver.finish();
  }
});
