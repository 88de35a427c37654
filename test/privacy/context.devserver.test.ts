/**
 * Which boundaries the SDK's serialization context covers in the installed version: every payload of a traject must
 * reach the codec with that traject's workflow id (so it is sealed with the traject's own key and erasure reaches it),
 * from the client, the worker (workflow and activities), across continue-as-new, and in the replayer.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fetchHistoryChain } from '../../client/history';
import { presetCovenants, type Role } from '../../machines';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { secondsCovenant } from '../support/covenants';
import { actorFor } from '../support/model';
import { devServerEnvironment, recordingActivities, startWorker } from '../support/temporal';

const calls: Array<{ who: string; op: 'encode' | 'decode'; workflowId: string | undefined }> = [];
const recorder = (who: string): PayloadCodec => ({
  encode: (payloads: Payload[], context?: SerializationContext) => (
    calls.push({ who, op: 'encode', workflowId: context?.workflowId }),
    Promise.resolve(payloads)
  ),
  decode: (payloads: Payload[], context?: SerializationContext) => (
    calls.push({ who, op: 'decode', workflowId: context?.workflowId }),
    Promise.resolve(payloads)
  ),
});

let env: TestWorkflowEnvironment;
afterAll(() => env?.teardown());

test('every codec call of a traject carries its workflow id: client, worker, activities, continue-as-new, replay', async () => {
  env = await devServerEnvironment();
  const bundle = await bundleTenancyWorkflows();
  const worker = await startWorker(env, bundle, recordingActivities().activities, {
    payloadCodecs: [recorder('worker')],
  });
  const client = new Client({
    connection: env.connection,
    dataConverter: { payloadCodecs: [recorder('client')] },
  });
  const covenant = secondsCovenant(presetCovenants.almere!, { kennismakingsgesprekWithin: 1 });
  const as = (role: Role) => actorFor(covenant, role);
  const handle = await client.workflow.start('tenancyWorkflow', {
    taskQueue: 'thuis-in-de-wijk',
    workflowId: 'traject-context-1',
    args: [
      {
        aanmelding: { trajectRef: 'context-1', origin: 'BW', covenant, registeredBy: as('zorgaanbieder') },
        historyLimit: 30,
      },
    ],
  });
  const send = (type: string, role: Role, data?: Record<string, unknown>) =>
    handle.executeUpdate('sendEvent', {
      args: [{ event: { type, actor: as(role), ...(data ? { data } : {}) } }],
    });
  await send('INSTEMMING_GEGEVEN', 'client');
  await send('URGENTIE_TOEGEKEND', 'corporatie', { searchProfile: {} }).catch(
    () => 'refused, with failure details',
  );
  await send('URGENTIE_AANGEVRAAGD', 'zorgaanbieder');
  await send('URGENTIE_TOEGEKEND', 'gemeente', { searchProfile: {} });
  await handle.signal('reportEvent', {
    event: { type: 'WONING_AANGEBODEN', actor: as('corporatie'), data: { homeRef: 'woning-0001' } },
  });
  await send('AANBOD_GEACCEPTEERD', 'client');
  await send('CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form: 'omklapcontract' });
  await send('CONTRACT_GETEKEND', 'corporatie', { form: 'omklapcontract' });
  await new Promise((r) => setTimeout(r, 2500)); // the kennismakingsgesprek deadline (1 s) fires and escalates
  await handle.query('status');
  const chain = await fetchHistoryChain(client, 'traject-context-1');
  expect(chain.length).toBeGreaterThan(1); // it went through continue-as-new
  const replays = Worker.runReplayHistories(
    { workflowBundle: bundle, dataConverter: { payloadCodecs: [recorder('replay')] } },
    chain.map((r) => ({ workflowId: 'traject-context-1', history: r.history })),
  );
  for await (const result of replays) expect(result.error).toBeUndefined();
  await handle.terminate();
  await worker.stop();

  for (const who of ['client', 'worker', 'replay']) {
    for (const op of ['encode', 'decode'] as const)
      expect(calls.filter((c) => c.who === who && c.op === op).length).toBeGreaterThan(0);
  }
  expect(calls.filter((c) => c.workflowId !== 'traject-context-1')).toEqual([]);
}, 120_000);
