/**
 * Issue 14: XState, the traject machine and the validators generated from the event schemas are evaluated once per
 * worker and shared by every workflow, instead of once per workflow (each copy stayed in memory for as long as its
 * traject was cached); zod is not in the bundle at all. On a real worker and the real
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
  // The shared, frozen validators still refuse, naming the field.
  const refused = await env.client.workflow
    .getHandle(workflowIdFor('shared-0001'))
    .executeUpdate(sendEventUpdate, {
      args: [
        {
          event: {
            type: 'URGENTIE_AANGEVRAAGD',
            actor: actorFor(covenant, 'zorgaanbieder'),
            data: { note: 1 },
          },
        },
      ],
    })
    .catch((err: unknown) => (err as { cause?: { type?: string; details?: unknown[] } }).cause);
  expect(refused).toMatchObject({
    type: 'InvalidEventData',
    details: [
      { issues: [{ field: 'data.note', message: 'Invalid input: expected string, received number' }] },
    ],
  });
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
  'machines/traject/decide',
  'machines/traject/migration',
  'machines/shared-covenants',
  'machines/event-data',
  'machines/validation/runtime',
  'machines/validation/refinements',
  'machines/validation/generated-validators',
  'workflows/generated-validators',
  'workflows/facts-feed',
  'workflows/patches',
  'workflows/search-attributes',
])('%s is evaluated once for every workflow of the worker', (module) => {
  expect(counts[module]).toBe(1);
});

/** A package's modules, also where node_modules is a link out of the checkout (a git worktree). */
const modulesOf = (pkg: string) =>
  Object.entries(counts).filter(([module]) => module.includes(`node_modules/${pkg}/`));

test('XState is evaluated once for every workflow of the worker', () => {
  const xstate = modulesOf('xstate');
  expect(xstate.length).toBeGreaterThan(0);
  expect(xstate.filter(([, n]) => n !== 1)).toEqual([]);
});

test("the SDK's workflow API is evaluated once for every workflow of the worker", () => {
  const api = modulesOf('@temporalio/workflow');
  expect(api.map(([module]) => module.replace(/^.*node_modules\//, ''))).toContain(
    '@temporalio/workflow/lib/index',
  );
  expect(api.filter(([, n]) => n !== 1)).toEqual([]);
});

test('zod is not in the workflow bundle: the workflow checks with validators generated from the schemas', () => {
  expect(Object.keys(counts).filter((module) => module.includes('node_modules/zod/'))).toEqual([]);
});

test('every machine module the workflows run is evaluated once for every workflow of the worker', () => {
  const perWorkflow = Object.entries(counts).filter(
    ([module, n]) => n !== 1 && module.startsWith('machines/'),
  );
  expect(perWorkflow).toEqual([]);
});
