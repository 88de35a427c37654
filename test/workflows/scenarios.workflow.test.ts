/**
 * Each covenant end to end on the real workflow: the happy path from aanmelding to afgesloten and the main exception
 * path, on the time-skipping server, in lockstep with the model.
 */
import { scenarios } from '../support/scenarios';
import { timeSkippingSuite } from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';

const suite = timeSkippingSuite();

test.each(scenarios.map((s, i) => [s.name, s, i] as const))('%s', async (_name, scenario, i) => {
  const driver = await TrajectDriver.start(suite.env, scenario.covenant, `scenario-${i}`, suite.calls);
  try {
    await driver.runScenario(scenario);
    const status = await driver.status();
    expect(status.phase).toBe(scenario.expect.phase);
    expect(driver.activities()).toEqual(driver.expectedActivities());
    const invitations = driver.activities().filter(([type]) => type.startsWith('invite'));
    expect(invitations).toHaveLength(scenario.expect.invitations);
    const escalations = suite.calls.filter(
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
