/** The time-skipping test server: a year of workflow time passes in seconds, and the timers fire on the way. */
import { presetCovenants } from '../../machines';
import { sendEventUpdate, statusQuery, TASK_QUEUE, workflowIdFor } from '../../workflows/messages';
import { actorFor } from '../support/model';
import { timeSkippingSuite } from '../support/temporal';

const suite = timeSkippingSuite();

test('a year of waiting for a home: reminder at three months, escalation at six, still waiting after twelve', async () => {
  const covenant = presetCovenants.almere!;
  const handle = await suite.env.client.workflow.start('tenancyWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor('jaar-0001'),
    args: [
      {
        aanmelding: {
          trajectRef: 'jaar-0001',
          origin: 'BW',
          covenant,
          registeredBy: actorFor(covenant, 'zorgaanbieder'),
        },
      },
    ],
  });
  const send = (
    type: string,
    role: 'client' | 'zorgaanbieder' | 'gemeente',
    data?: Record<string, unknown>,
  ) =>
    handle.executeUpdate(sendEventUpdate, {
      args: [{ event: { type: type as never, actor: actorFor(covenant, role), ...(data ? { data } : {}) } }],
    });
  await send('INSTEMMING_GEGEVEN', 'client');
  const requested = await send('URGENTIE_AANGEVRAAGD', 'zorgaanbieder');
  await send('URGENTIE_TOEGEKEND', 'gemeente', { searchProfile: { districts: ['Haven'] } });
  const start = Date.parse(requested.updatedAt);

  await suite.env.sleep('365 days');
  const status = await handle.query(statusQuery);
  expect(status.phase).toBe('matching');
  expect(status.escalations.map((e) => e.kind)).toEqual(['aanbodTeLaat']);
  const reminder = suite.calls.find(
    (c) => c.name === 'sendNotification' && 'subject' in c.input && c.input.subject === 'herinnering',
  )!;
  const escalation = suite.calls.find((c) => c.name === 'sendEscalation')!;
  const months = (at: string) => (Date.parse(at) - start) / (30.44 * 86_400_000);
  expect(months(reminder.input.occurredAt)).toBeCloseTo(3, 0);
  expect(months(escalation.input.occurredAt)).toBeCloseTo(6, 0);
  expect(Date.parse(status.updatedAt)).toBe(Date.parse(escalation.input.occurredAt));
  expect(status.counters.failedDeliveries).toBe(0);
});
