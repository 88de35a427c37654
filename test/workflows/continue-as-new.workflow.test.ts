/**
 * Multi-year histories stay bounded: a three-year traject forced through continue-as-new ends in the same state, with
 * the same invitations, as the same traject run in one go, and no run's history grows past its limit.
 */
import { addDuration } from '../../machines';
import { fetchHistoryChain } from '../../client/history';
import { eventsQuery } from '../../workflows/messages';
import { actorFor } from '../support/model';
import { scenarios, type Scenario } from '../support/scenarios';
import { timeSkippingSuite } from '../support/temporal';
import { publicPart, TrajectDriver } from '../support/workflow-driver';

const suite = timeSkippingSuite();

/** The Almere happy path with half a year more of waakvlam: three years and a bit from registration to closing. */
const happy = scenarios.find((s) => s.name.startsWith('almere happy'))!;
const threeYears: Scenario = {
  ...happy,
  steps: [...happy.steps.slice(0, -1), { after: 'P6M' }, happy.steps[happy.steps.length - 1]!],
};

/** Dates to the minute: the two trajecten run side by side, milliseconds apart. */
const minutes = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replace(/(\d{4}-\d\d-\d\dT\d\d:\d\d):\d\d\.\d{3}Z/g, '$1Z'));

test('a three-year traject through continue-as-new ends as the same traject in one run', async () => {
  const HISTORY_LIMIT = 60;
  const continued = await TrajectDriver.start(suite.env, threeYears.covenant, 'drie-jaar-kort', suite.calls, {
    historyLimit: HISTORY_LIMIT,
  });
  const single = await TrajectDriver.start(suite.env, threeYears.covenant, 'drie-jaar-lang', suite.calls, {
    historyLimit: 100_000,
  });
  try {
    let at = continued.model.snapshot.context.registeredAt;
    for (const step of threeYears.steps) {
      at = addDuration(at, step.after);
      for (const driver of [continued, single]) {
        if (step.type && step.as && !step.refused) {
          const data = typeof step.data === 'function' ? step.data(at) : step.data;
          await driver.send({
            type: step.type,
            actor: actorFor(threeYears.covenant, step.as),
            at,
            ...(data ? { data } : {}),
          });
        } else {
          await driver.advanceTo(at);
        }
        expect(publicPart(await driver.status())).toEqual(driver.expectedStatus());
      }
    }
    const [a, b] = [await continued.status(), await single.status()];
    expect(a.phase).toBe('afgesloten');
    expect(minutes(publicPart(a))).toEqual(minutes({ ...publicPart(b), trajectRef: a.trajectRef }));
    expect(minutes(continued.activities())).toEqual(minutes(single.activities()));
    expect(continued.activities().filter(([type]) => type.startsWith('invite'))).toHaveLength(5);

    const chain = await fetchHistoryChain(suite.env.client, continued.workflowId);
    expect(chain.length).toBeGreaterThanOrEqual(2);
    expect(a.counters.run).toBe(chain.length);
    // A run stops at the first workflow task past its limit; what that task and the deliveries in flight add is the
    // margin (the dev-server benchmark measures the real runs).
    for (const run of chain) expect(run.history.events!.length).toBeLessThanOrEqual(HISTORY_LIMIT + 25);
    expect((await fetchHistoryChain(suite.env.client, single.workflowId)).length).toBe(1);
    // The event log survived every continue-as-new, without gaps.
    const log = await continued.handle.query(eventsQuery);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: a.counters.events }, (_, i) => i + 1));
  } finally {
    await continued.finish();
    await single.finish();
  }
}, 300_000);
