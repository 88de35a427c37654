/**
 * Bad input gets a typed refusal and changes nothing: a refused update never enters history, a refused feed signal is
 * counted and the workflow carries on, and a retried send with its idempotency key is taken once.
 */
import { presetCovenants, type Role } from '../../machines';
import { eventsQuery, reportEventSignal, sendEventUpdate, statusQuery } from '../../workflows/messages';
import { actorFor } from '../support/model';
import { timeSkippingSuite } from '../support/temporal';
import { bookkeeping, eventTypes, historyText } from '../support/history';
import { TrajectDriver } from '../support/workflow-driver';

const suite = timeSkippingSuite();
const almere = presetCovenants.almere!;
const as = (role: Role) => actorFor(almere, role);

/** Everything the server recorded about a workflow, as event types and payload text. */
async function history(driver: TrajectDriver) {
  const h = await driver.handle.fetchHistory();
  return { types: eventTypes(h), text: historyText(h) };
}

test.each([
  [
    'wrong role',
    { type: 'URGENTIE_TOEGEKEND', actor: as('corporatie'), data: { searchProfile: {} } },
    'RoleNotPermitted',
    'permissions.URGENTIE_TOEGEKEND',
  ],
  [
    'a neighbour acting as a partner',
    { type: 'URGENTIE_AANGEVRAAGD', actor: as('buurtbewoner') },
    'RoleNotPermitted',
    'permissions.URGENTIE_AANGEVRAAGD',
  ],
  [
    'an auditor writing',
    { type: 'INGETROKKEN', actor: as('auditor'), data: { reason: 'client' } },
    'RoleNotPermitted',
    'permissions.INGETROKKEN',
  ],
  [
    'wrong phase',
    { type: 'WONING_AANGEBODEN', actor: as('corporatie'), data: { homeRef: 'woning-0001' } },
    'NotAllowedInPhase',
    'phase',
  ],
  [
    'malformed data',
    { type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder'), data: { note: 42 } },
    'InvalidEventData',
    'schema',
  ],
  ['unknown event', { type: 'HUIS_GEKOCHT', actor: as('zorgaanbieder') }, 'InvalidEventData', 'schema'],
  [
    'a name in a reference field',
    { type: 'URGENTIE_AANGEVRAAGD', actor: { ...as('zorgaanbieder'), personId: 'Jan de Vries' } },
    'InvalidEventData',
    'schema',
  ],
] as const)('%s: typed refusal, nothing in history, status unchanged', async (name, event, code, rule) => {
  const driver = await TrajectDriver.start(
    suite.env,
    almere,
    `weiger-${name.replace(/\W+/g, '-')}`,
    suite.calls,
  );
  try {
    await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
    const before = await driver.status();
    const recorded = await history(driver);
    // A person id no other event carries, to look for in the history afterwards.
    const marker =
      event.actor.personId === 'Jan de Vries' ? 'Jan de Vries' : `refused-${name.replace(/\W+/g, '-')}`;
    const refusal = await driver.refusalOf({
      ...event,
      actor: { ...event.actor, personId: marker },
    } as never);
    expect(refusal).toMatchObject({ code, rule });
    expect(refusal.message.length).toBeGreaterThan(15);
    expect(await driver.status()).toEqual(before);
    // No update record and no payload of the refused event; at most the workflow task that ran the validator
    // (the real server discards even that; the time-skipping server keeps it).
    const after = await history(driver);
    expect(after.types.slice(recorded.types.length).filter((t) => !bookkeeping.has(t))).toEqual([]);
    expect(after.text).not.toContain(marker);
    expect(recorded.text).toContain('client-1'); // the accepted event's actor is there, readable
  } finally {
    await driver.finish();
  }
});

test('a refused signal from a feed is counted and the workflow carries on', async () => {
  const driver = await TrajectDriver.start(suite.env, almere, 'signaal-1', suite.calls);
  try {
    await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
    await driver.handle.signal(reportEventSignal, {
      event: { type: 'HUURACHTERSTAND_GESIGNALEERD', actor: as('corporatie'), data: { months: 2 } },
    });
    await driver.handle.signal(reportEventSignal, {
      event: { type: 'OVERLAST_GEMELD', actor: as('auditor'), data: { severity: 'laag' } },
    });
    await driver.handle.signal(reportEventSignal, 'not an event at all' as never);
    let status = await driver.handle.query(statusQuery);
    for (let i = 0; status.counters.refusedSignals < 3 && i < 100; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      status = await driver.handle.query(statusQuery);
    }
    expect(status.counters.refusedSignals).toBe(3);
    expect(status.phase).toBe('urgentie');
    expect((await driver.handle.describe()).status.name).toBe('RUNNING');
    const next = await driver.send({ type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder') });
    expect(next.counters.refusedSignals).toBe(3);
  } finally {
    await driver.finish();
  }
});

test('a send retried with the same idempotency key is taken once', async () => {
  const driver = await TrajectDriver.start(suite.env, almere, 'idem-1', suite.calls);
  try {
    await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
    const args = [
      {
        event: { type: 'URGENTIE_AANGEVRAAGD' as const, actor: as('zorgaanbieder') },
        idempotencyKey: 'zorg-42:aanvraag',
      },
    ] as const;
    const first = await driver.handle.executeUpdate(sendEventUpdate, { args: [...args] });
    const afterFirst = await driver.handle.query(statusQuery);
    const again = await driver.handle.executeUpdate(sendEventUpdate, { args: [...args] });
    expect(again.phase).toBe('urgentie');
    expect(again.updatedAt).toBe(first.updatedAt);
    expect((await driver.handle.query(statusQuery)).counters.events).toBe(afterFirst.counters.events);
    const log = await driver.handle.query(eventsQuery);
    expect(log.filter((e) => e.type === 'URGENTIE_AANGEVRAAGD')).toHaveLength(1);
    await driver.handle.terminate('test finished');
  } finally {
    await driver.finish();
  }
});
