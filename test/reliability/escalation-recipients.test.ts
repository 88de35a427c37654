/**
 * Issue 16, item 14: under a covenant with several corporations (Almere: Ymere, GoedeStede, De Alliantie) the offer
 * reminder and the late-offer escalation reach every corporation, since any of them may offer the home; once one
 * acts for the traject, it is the one addressed. Delivered to a real HTTP server standing in for their systems.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cloudEventTypes } from '../../activities';
import { addDuration, presetCovenants, type Role } from '../../machines';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { actorFor } from '../support/model';
import { partnerServer } from '../support/partner-server';
import { recordingActivities, startWorker, timeSkippingEnvironment } from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';

const almere = presetCovenants.almere!;
const as = (role: Role) => actorFor(almere, role);
const corporations = { Ymere: '/ymere', GoedeStede: '/goedestede', 'De Alliantie': '/de-alliantie' };

let env: TestWorkflowEnvironment;
let partner: Awaited<ReturnType<typeof partnerServer>>;
let recording: ReturnType<typeof recordingActivities>;
let stop: () => Promise<void>;

beforeAll(async () => {
  env = await timeSkippingEnvironment();
  partner = await partnerServer(() => 202);
  recording = recordingActivities({
    endpoints: Object.fromEntries(
      Object.entries(corporations).map(([organisation, path]) => [
        organisation,
        { url: partner.url(path), headers: {} },
      ]),
    ),
  });
  ({ stop } = await startWorker(env, await bundleTenancyWorkflows(), recording.activities));
});

afterAll(async () => {
  await stop?.();
  await partner?.close();
  await env?.teardown();
});

/** Which corporation systems received a CloudEvent of this type for this traject. */
const receivedBy = (workflowId: string, type: string) =>
  Object.entries(corporations)
    .filter(([, path]) =>
      partner.received.some(
        (r) =>
          r.path === path &&
          r.body.type === type &&
          (r.body.data as { workflowId?: string }).workflowId === workflowId,
      ),
    )
    .map(([organisation]) => organisation);

async function toMatching(driver: TrajectDriver): Promise<string> {
  await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
  const requested = (await driver.send({ type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder') }))
    .updatedAt;
  await driver.send({ type: 'URGENTIE_TOEGEKEND', actor: as('gemeente'), data: { searchProfile: {} } });
  return requested;
}

test('with no offer in Almere, all three corporations get the reminder at month 3 and the escalation at month 6', async () => {
  const driver = await TrajectDriver.start(env, almere, 'drie-corporaties-1', recording.calls);
  try {
    const requested = await toMatching(driver);
    await driver.advanceTo(addDuration(requested, 'P7M'));
    expect(receivedBy(driver.workflowId, cloudEventTypes.notification('herinnering'))).toEqual([
      'Ymere',
      'GoedeStede',
      'De Alliantie',
    ]);
    expect(receivedBy(driver.workflowId, cloudEventTypes.escalation)).toEqual([
      'Ymere',
      'GoedeStede',
      'De Alliantie',
    ]);
    expect((await driver.status()).counters.failedDeliveries).toBe(0);
  } finally {
    await driver.finish();
  }
});

test('an offer refused: the search starts again, and the escalation reaches every corporation, not only the one that offered', async () => {
  const driver = await TrajectDriver.start(env, almere, 'drie-corporaties-2', recording.calls);
  try {
    const requested = await toMatching(driver);
    await driver.send({
      type: 'WONING_AANGEBODEN',
      actor: { role: 'corporatie', organisation: 'GoedeStede', personId: 'wb-0002' },
      data: { homeRef: 'woning-0101' },
    });
    await driver.send({ type: 'AANBOD_GEWEIGERD', actor: as('client'), data: { reason: 'locatie' } });
    await driver.advanceTo(addDuration(requested, 'P7M'));
    expect(receivedBy(driver.workflowId, cloudEventTypes.escalation)).toEqual([
      'Ymere',
      'GoedeStede',
      'De Alliantie',
    ]);
    // An accepted offer makes its corporation the one addressed from then on.
    await driver.send({
      type: 'WONING_AANGEBODEN',
      actor: { role: 'corporatie', organisation: 'De Alliantie', personId: 'wb-0003' },
      data: { homeRef: 'woning-0102' },
    });
    await driver.send({ type: 'AANBOD_GEACCEPTEERD', actor: as('client') });
    await driver.status(); // its deliveries done
    const accepted = recording.calls.filter(
      (c) =>
        c.input.workflowId === driver.workflowId &&
        c.name === 'sendNotification' &&
        'subject' in c.input &&
        c.input.subject === 'AANBOD_GEACCEPTEERD',
    );
    expect(accepted.at(-1)?.input.recipients.filter((r) => r.role === 'corporatie')).toEqual([
      { role: 'corporatie', organisation: 'De Alliantie' },
    ]);
  } finally {
    await driver.finish();
  }
});
