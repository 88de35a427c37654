/** The engine on the real Temporal dev server: a traject starts, takes an event and answers its status query. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { presetCovenants } from '../../machines';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { sendEventUpdate, statusQuery, TASK_QUEUE, workflowIdFor } from '../../workflows/messages';
import { actorFor } from '../support/model';
import { devServerEnvironment, recordingActivities, startWorker } from '../support/temporal';

let env: TestWorkflowEnvironment;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  env = await devServerEnvironment();
  const { activities } = recordingActivities();
  ({ stop: stopWorker } = await startWorker(env, await bundleTenancyWorkflows(), activities));
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

test('a traject runs on the dev server: registration, consent, status', async () => {
  const covenant = presetCovenants.almere!;
  const handle = await env.client.workflow.start('tenancyWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor('smoke-0001'),
    args: [
      {
        aanmelding: {
          trajectRef: 'smoke-0001',
          origin: 'MO',
          covenant,
          registeredBy: actorFor(covenant, 'zorgaanbieder'),
        },
      },
    ],
  });
  expect((await handle.query(statusQuery)).phase).toBe('aanmelding');
  // The update answers with a receipt (phase, time, digest); what may happen next is the status query's.
  const receipt = await handle.executeUpdate(sendEventUpdate, {
    args: [{ event: { type: 'INSTEMMING_GEGEVEN', actor: actorFor(covenant, 'client') } }],
  });
  expect(receipt.phase).toBe('urgentie');
  const status = await handle.query(statusQuery);
  expect(status.phase).toBe('urgentie');
  expect(status.allowedEvents).toContain('URGENTIE_AANGEVRAAGD');
  const described = await handle.describe();
  expect(described.searchAttributes.TidwPhase).toEqual(['urgentie']);
});
