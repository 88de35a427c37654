/**
 * On the real dev server: a traject is under way, its worker stops, a deadline falls due and a neighbour's report
 * arrives while no worker runs; a new worker picks the traject up and nothing is lost.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { presetCovenants, type Role } from '../../machines';
import { bundleTenancyWorkflows } from '../../worker/worker';
import {
  eventsQuery,
  reportEventSignal,
  sendEventUpdate,
  statusQuery,
  TASK_QUEUE,
  workflowIdFor,
} from '../../workflows/messages';
import { secondsCovenant } from '../support/covenants';
import { actorFor } from '../support/model';
import { devServerEnvironment, recordingActivities, startWorker } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;

beforeAll(async () => {
  env = await devServerEnvironment();
  bundle = await bundleTenancyWorkflows();
});

afterAll(async () => {
  await env?.teardown();
});

test('a traject survives its worker: a new worker takes the timer and the signal that came meanwhile', async () => {
  const covenant = secondsCovenant(presetCovenants.almere!, {
    kennismakingsgesprekWithin: 5,
    evaluatiegesprekInterval: 3600,
  });
  const as = (role: Role) => actorFor(covenant, role);
  const first = recordingActivities();
  const workerA = await startWorker(env, bundle, first.activities);
  const handle = await env.client.workflow.start('tenancyWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor('herstart-0001'),
    args: [
      {
        aanmelding: {
          trajectRef: 'herstart-0001',
          origin: 'MO',
          covenant,
          registeredBy: as('zorgaanbieder'),
        },
      },
    ],
  });
  const send = (type: string, role: Role, data?: Record<string, unknown>) =>
    handle.executeUpdate(sendEventUpdate, {
      args: [{ event: { type: type as never, actor: as(role), ...(data ? { data } : {}) } }],
    });
  await send('INSTEMMING_GEGEVEN', 'client');
  await send('URGENTIE_AANGEVRAAGD', 'zorgaanbieder');
  await send('URGENTIE_TOEGEKEND', 'gemeente', { searchProfile: {} });
  await send('WONING_AANGEBODEN', 'corporatie', { homeRef: 'woning-0099' });
  await send('AANBOD_GEACCEPTEERD', 'client');
  await send('CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form: 'omklapcontract' });
  const signed = await send('CONTRACT_GETEKEND', 'corporatie', { form: 'omklapcontract' });
  expect(signed.phase).toBe('tijdelijkContract');
  await workerA.stop();

  // No worker: the kennismakingsgesprek deadline (5 s) passes, and a feed reports nuisance.
  await handle.signal(reportEventSignal, {
    event: { type: 'OVERLAST_GEMELD', actor: as('buurtbewoner'), data: { severity: 'midden' } },
  });
  await new Promise((r) => setTimeout(r, 6000));

  const second = recordingActivities();
  const workerB = await startWorker(env, bundle, second.activities);
  try {
    let status = await handle.query(statusQuery);
    for (let i = 0; i < 200 && (status.escalations.length === 0 || status.deliveriesPending > 0); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      status = await handle.query(statusQuery);
    }
    expect(status.escalations.map((e) => e.kind)).toEqual(['kennismakingsgesprekGemist']);
    expect(status.nuisance.open.map((r) => r.id)).toEqual(['overlast-1']);
    const log = await handle.query(eventsQuery);
    expect(log.map((e) => e.type)).toEqual([
      'AANMELDING',
      'INSTEMMING_GEGEVEN',
      'URGENTIE_AANGEVRAAGD',
      'URGENTIE_TOEGEKEND',
      'WONING_AANGEBODEN',
      'AANBOD_GEACCEPTEERD',
      'CONTRACTVORM_GEADVISEERD',
      'CONTRACT_GETEKEND',
      'OVERLAST_GEMELD',
      'KENNISMAKING_TERMIJN',
    ]);
    // Between them, the two workers delivered every effect in order, each exactly once.
    const delivered = [...first.calls, ...second.calls];
    expect(new Set(delivered.map((c) => c.input.id)).size).toBe(delivered.length);
    expect(
      delivered.map((c) =>
        'subject' in c.input ? c.input.subject : 'kind' in c.input ? c.input.kind : c.input.meeting,
      ),
    ).toEqual([
      'URGENTIE_TOEGEKEND',
      'AANBOD_GEACCEPTEERD',
      'kennismakingsgesprek',
      'CONTRACT_GETEKEND',
      'overlastMelding',
      'kennismakingsgesprekGemist',
    ]);
    expect(second.calls.length).toBeGreaterThan(0);
    await handle.terminate('test finished');
  } finally {
    await workerB.stop();
  }
});
