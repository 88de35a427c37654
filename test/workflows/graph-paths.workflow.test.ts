/**
 * Every shortest path @xstate/graph generates for the traject machine, run through the real workflow on the
 * time-skipping server (one bundle, one worker for the file). After each step the workflow's public status equals
 * the model's; at the end the activities it called are the model's effects, at the same simulated dates.
 */
import { presetCovenants, type Covenant } from '../../machines';
import { shortestPathsThroughTransitions, shortestPathsToStates, type ModelPath } from '../support/paths';
import { timeSkippingSuite } from '../support/temporal';
import { publicPart, TrajectDriver } from '../support/workflow-driver';

const suite = timeSkippingSuite();

let sequence = 0;
async function runPath(covenant: Covenant, path: ModelPath): Promise<void> {
  sequence += 1;
  const driver = await TrajectDriver.start(
    suite.env,
    covenant,
    `pad-${covenant.id}-${sequence}`,
    suite.calls,
  );
  try {
    expect(publicPart(await driver.status())).toEqual(driver.expectedStatus());
    for (const event of path.events) {
      await driver.step(event);
      expect(publicPart(await driver.status())).toEqual(driver.expectedStatus());
    }
    expect(driver.activities()).toEqual(driver.expectedActivities());
    expect((await driver.status()).counters.failedDeliveries).toBe(0);
  } finally {
    await driver.finish();
  }
}

const almere = presetCovenants.almere!;
describe('almere', () => {
  test.each(shortestPathsToStates(almere).map((p) => [p.name, p] as const))(
    'shortest path to %s',
    (_n, path) => runPath(almere, path),
  );
  test.each(shortestPathsThroughTransitions(almere).map((p) => [p.name, p] as const))(
    'shortest path through %s',
    (_n, path) => runPath(almere, path),
  );
});

describe.each(['amsterdam', 's-hertogenbosch', 'nijmegen'].map((id) => [id, presetCovenants[id]!] as const))(
  '%s',
  (_id, covenant) => {
    test.each(shortestPathsToStates(covenant).map((p) => [p.name, p] as const))(
      'shortest path to %s',
      (_n, path) => runPath(covenant, path),
    );
  },
);
