/**
 * Issue 14: XState and the traject machine are evaluated once per worker and shared by every workflow, instead of
 * once per workflow (each copy stayed in memory for as long as its traject was cached). On a real worker and the real
 * test server: three trajects run, then the bundle's own counter says how often each module was evaluated.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { presetCovenants } from '../../machines';
import { sendEventUpdate, TASK_QUEUE, workflowIdFor } from '../../workflows/messages';
import { bundleCountingEvaluations } from '../support/module-evaluations';
import { actorFor } from '../support/model';
import { recordingActivities, startWorker, timeSkippingEnvironment } from '../support/temporal';

const TRAJECTS = 3;
let env: TestWorkflowEnvironment;
let stopWorker: (() => Promise<void>) | undefined;
let counts: Record<string, number>;

beforeAll(async () => {
  env = await timeSkippingEnvironment();
  const { activities } = recordingActivities();
  ({ stop: stopWorker } = await startWorker(env, await bundleCountingEvaluations(), activities));
  const covenant = presetCovenants.almere!;
  for (let i = 1; i <= TRAJECTS; i += 1) {
    const ref = `shared-000${i}`;
    const handle = await env.client.workflow.start('tenancyWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: workflowIdFor(ref),
      args: [
        {
          aanmelding: {
            trajectRef: ref,
            origin: 'MO',
            covenant,
            registeredBy: actorFor(covenant, 'zorgaanbieder'),
          },
        },
      ],
    });
    const status = await handle.executeUpdate(sendEventUpdate, {
      args: [{ event: { type: 'INSTEMMING_GEGEVEN', actor: actorFor(covenant, 'client') } }],
    });
    expect(status.phase).toBe('urgentie'); // the shared, frozen machine still takes events
  }
  counts = await env.client.workflow.execute('moduleEvaluations', {
    taskQueue: TASK_QUEUE,
    workflowId: 'module-evaluations',
  });
}, 120_000);

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

test('the counter sees what each workflow evaluates: the workflow module once per workflow', () => {
  expect(counts['workflows/tenancy-workflow']).toBeGreaterThanOrEqual(TRAJECTS);
});

test.each([
  'machines/traject/machine',
  'machines/traject/interpreter',
  'machines/traject/status',
  'machines/duration',
  'machines/covenant-terms',
])('%s is evaluated once for every workflow of the worker', (module) => {
  expect(counts[module]).toBe(1);
});

test('XState is evaluated once for every workflow of the worker', () => {
  const xstate = Object.entries(counts).filter(([module]) => module.startsWith('node_modules/xstate/'));
  expect(xstate.length).toBeGreaterThan(0);
  expect(xstate.filter(([, n]) => n !== 1)).toEqual([]);
});

test('nothing shared imports zod: its schemas write to themselves on first use, which the shared freeze forbids', () => {
  const zodShared = Object.entries(counts).filter(
    ([module, n]) => module.includes('node_modules/zod/') && n === 1,
  );
  expect(zodShared).toEqual([]);
});
