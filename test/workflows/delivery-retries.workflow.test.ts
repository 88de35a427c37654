/**
 * Deliveries to partner systems under Temporal's retry policy, against a real local HTTP server: a partner that is
 * briefly down gets the same CloudEvent until it accepts it; one that rejects it (4xx) is not retried, the failure is
 * counted, and the traject goes on.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { presetCovenants, type Role } from '../../machines';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { actorFor } from '../support/model';
import { partnerServer } from '../support/partner-server';
import { recordingActivities, startWorker, timeSkippingEnvironment } from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await timeSkippingEnvironment();
});

afterAll(async () => {
  await env?.teardown();
});

test('503 twice then accepted: three attempts with one event id; 400: one attempt, counted, the traject carries on', async () => {
  // Kwintes is down for two attempts; the municipality rejects everything; Ymere has no endpoint (outbox).
  const partner = await partnerServer((path, attempt) =>
    path.startsWith('/kwintes') ? (attempt <= 2 ? 503 : 200) : 400,
  );
  const recording = recordingActivities({
    endpoints: {
      Kwintes: { url: partner.url('/kwintes'), headers: {} },
      'Gemeente Almere': { url: partner.url('/gemeente'), headers: {} },
    },
  });
  const worker = await startWorker(env, await bundleTenancyWorkflows(), recording.activities);
  const covenant = presetCovenants.almere!;
  const as = (role: Role) => actorFor(covenant, role);
  const driver = await TrajectDriver.start(env, covenant, 'bezorging-1', recording.calls);
  try {
    await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
    await driver.send({ type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder') });
    // Notifies the municipality, Kwintes and Ymere.
    await driver.send({ type: 'URGENTIE_TOEGEKEND', actor: as('gemeente'), data: { searchProfile: {} } });
    const status = await driver.status();

    // The municipality's 400 is not retried and does not keep the event from Kwintes, which gets it on the third
    // attempt, always with the same event id.
    const toGemeente = partner.received.filter((r) => r.path === '/gemeente');
    const toKwintes = partner.received.filter((r) => r.path === '/kwintes');
    expect(toGemeente).toHaveLength(1);
    expect(toKwintes).toHaveLength(3);
    expect(new Set(toKwintes.map((r) => r.body.id))).toEqual(
      new Set(['traject-bezorging-1/notifyParties-1-1#Kwintes']),
    );
    expect(status.counters.failedDeliveries).toBe(1);
    expect(recording.calls.filter((c) => c.input.id === 'traject-bezorging-1/notifyParties-1-1').length).toBe(
      3,
    );

    // The traject carries on.
    await driver.send({
      type: 'WONING_AANGEBODEN',
      actor: as('corporatie'),
      data: { homeRef: 'woning-0003' },
    });
    await driver.send({ type: 'AANBOD_GEACCEPTEERD', actor: as('client') });
    const after = await driver.status();
    expect(after.phase).toBe('contractering');
    expect(after.counters.failedDeliveries).toBe(2); // the municipality rejected the next notification too
  } finally {
    await driver.finish();
    await worker.stop();
    await partner.close();
  }
});
