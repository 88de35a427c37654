/**
 * Multi-year histories stay bounded: a three-year traject forced through continue-as-new ends in the same state, with
 * the same invitations, as the same traject run in one go, and no run's history grows past its limit.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { addDuration } from '../../machines';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { fetchHistoryChain } from '../../client/history';
import { eventsQuery } from '../../workflows/messages';
import { actorFor } from '../support/model';
import { scenarios, type Scenario } from '../support/scenarios';
import {
  recordingActivities,
  startWorker,
  timeSkippingEnvironment,
  type ActivityCall,
} from '../support/temporal';
import { publicPart, TrajectDriver } from '../support/workflow-driver';

let bundle: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleTenancyWorkflows();
});

/** The Almere happy path with half a year more of waakvlam: three years and a bit from registration to closing. */
const happy = scenarios.find((s) => s.name.startsWith('almere happy'))!;
const threeYears: Scenario = {
  ...happy,
  steps: [...happy.steps.slice(0, -1), { after: 'P6M' }, happy.steps[happy.steps.length - 1]!],
};

const INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

/**
 * The two trajecten run side by side, milliseconds apart on the server's clock: they must be alike but for their
 * instants, and each instant within a minute of the other's. (Cutting both to the minute failed whenever the two
 * straddled one.)
 */
function expectAlikeToTheMinute(a: unknown, b: unknown): void {
  const [ja, jb] = [JSON.stringify(a), JSON.stringify(b)];
  const withoutInstants = (json: string): unknown => JSON.parse(json.replace(INSTANT, '<instant>'));
  expect(withoutInstants(ja)).toEqual(withoutInstants(jb));
  const [ia, ib] = [ja.match(INSTANT) ?? [], jb.match(INSTANT) ?? []];
  const apart = ia
    .map((at, i) => [at, ib[i]!] as const)
    .filter(([x, y]) => Math.abs(Date.parse(x) - Date.parse(y)) >= 60_000);
  expect(apart).toEqual([]);
}

/**
 * The time-skipping test server (Java) now and then loses track of a run that continues as new under load: the old
 * run's history ends at a WorkflowTaskStarted, the next run exists, the worker's completion is answered "workflow
 * execution already completed", and from then on the server's clock no longer moves, so every later step waits
 * forever. The real dev server does not do this (the benchmark's three-year trajects continue as new there). A stall
 * is told apart from a failure by a deadline on the whole run, and the run is tried again on a fresh server; any
 * other failure fails the test at once.
 */
class ServerStalled extends Error {}
const STALL_MS = 60_000;

test('a three-year traject through continue-as-new ends as the same traject in one run', async () => {
  for (let attempt = 1; ; attempt += 1) {
    const env = await timeSkippingEnvironment();
    const recording = recordingActivities();
    const worker = await startWorker(env, bundle, recording.activities);
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ServerStalled(`no progress in ${STALL_MS / 1000} s`)), STALL_MS);
    });
    try {
      await Promise.race([threeYearsTwice(env, recording.calls), stalled]);
      return;
    } catch (err) {
      if (!(err instanceof ServerStalled) || attempt >= 3) throw err;
      console.warn(`attempt ${attempt}: the time-skipping server stalled; trying again on a fresh one`);
    } finally {
      clearTimeout(timer);
      // After a stall the connections may already be gone: tearing down must not end the retry.
      const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
      await Promise.race([quietly(worker.stop()), new Promise((r) => setTimeout(r, 10_000))]);
      await quietly(env.teardown());
    }
  }
}, 240_000);

async function threeYearsTwice(env: TestWorkflowEnvironment, calls: ActivityCall[]): Promise<void> {
  const HISTORY_LIMIT = 60;
  const continued = await TrajectDriver.start(env, threeYears.covenant, 'drie-jaar-kort', calls, {
    historyLimit: HISTORY_LIMIT,
  });
  const single = await TrajectDriver.start(env, threeYears.covenant, 'drie-jaar-lang', calls, {
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
    expectAlikeToTheMinute(publicPart(a), { ...publicPart(b), trajectRef: a.trajectRef });
    expectAlikeToTheMinute(continued.activities(), single.activities());
    expect(continued.activities().filter(([type]) => type.startsWith('invite'))).toHaveLength(5);

    const chain = await fetchHistoryChain(env.client, continued.workflowId);
    expect(chain.length).toBeGreaterThanOrEqual(2);
    expect(a.counters.run).toBe(chain.length);
    // A run stops at the first workflow task past its limit; what that task and the deliveries in flight add is the
    // margin (the dev-server benchmark measures the real runs).
    for (const run of chain) expect(run.history.events!.length).toBeLessThanOrEqual(HISTORY_LIMIT + 25);
    expect((await fetchHistoryChain(env.client, single.workflowId)).length).toBe(1);
    // The event log survived every continue-as-new, without gaps.
    const log = await continued.handle.query(eventsQuery);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: a.counters.events }, (_, i) => i + 1));
  } finally {
    await continued.finish();
    await single.finish();
  }
}
