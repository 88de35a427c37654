/**
 * The engine's promises about time, on the time-skipping server: invitations go out in their windows and on schedule,
 * omklappen waits for the minimum term (plus any time-out), and a missing offer escalates at six months.
 */
import { addDuration, presetCovenants, type Role } from '../../machines';
import { actorFor, goodIndicators } from '../support/model';
import { timeSkippingSuite } from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';
import type { InvitationInput } from '../../activities';

const suite = timeSkippingSuite();
const almere = presetCovenants.almere!;
const as = (role: Role) => actorFor(almere, role);

let n = 0;
async function withTraject(body: (driver: TrajectDriver) => Promise<void>) {
  n += 1;
  const driver = await TrajectDriver.start(suite.env, almere, `timer-${n}`, suite.calls);
  try {
    await body(driver);
  } finally {
    await driver.finish();
  }
}

/** Consent to a signed contract of this form; returns the signing time. */
async function toSignedContract(
  driver: TrajectDriver,
  form: 'omklapcontract' | 'driepartijenovereenkomst',
): Promise<string> {
  await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
  await driver.send({ type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder') });
  await driver.send({ type: 'URGENTIE_TOEGEKEND', actor: as('gemeente'), data: { searchProfile: {} } });
  await driver.send({ type: 'WONING_AANGEBODEN', actor: as('corporatie'), data: { homeRef: 'woning-0007' } });
  await driver.send({ type: 'AANBOD_GEACCEPTEERD', actor: as('client') });
  await driver.send({ type: 'CONTRACTVORM_GEADVISEERD', actor: as('zorgaanbieder'), data: { form } });
  const signed = await driver.send({ type: 'CONTRACT_GETEKEND', actor: as('corporatie'), data: { form } });
  return signed.contract.startedAt!;
}

const invitationsOf = (driver: TrajectDriver) =>
  suite.calls
    .filter((c) => c.name === 'sendInvitation' && c.input.workflowId === driver.workflowId)
    .map((c) => c.input as InvitationInput);

test('the kennismakingsgesprek invitation goes out on signing, for a meeting inside its four weeks; not held, it escalates', () =>
  withTraject(async (driver) => {
    const signed = await toSignedContract(driver, 'omklapcontract');
    await driver.settle();
    const [invitation] = invitationsOf(driver);
    expect(invitation).toMatchObject({
      meeting: 'kennismakingsgesprek',
      occurredAt: signed,
      dueBy: addDuration(signed, 'P4W'),
    });
    expect(Date.parse(invitation!.start)).toBeGreaterThan(Date.parse(signed));
    expect(Date.parse(invitation!.start)).toBeLessThan(Date.parse(addDuration(signed, 'P4W')));
    expect(invitation!.recipients.map((r) => r.role)).toEqual(['client', 'zorgaanbieder', 'corporatie']);

    await driver.advanceTo(addDuration(signed, 'P4W1D'));
    const escalation = suite.calls.find(
      (c) => c.name === 'sendEscalation' && c.input.workflowId === driver.workflowId,
    )!;
    expect(escalation.input).toMatchObject({
      kind: 'kennismakingsgesprekGemist',
      occurredAt: addDuration(signed, 'P4W'),
    });
    expect((await driver.status()).escalations.map((e) => e.kind)).toEqual(['kennismakingsgesprekGemist']);
  }));

test('evaluatiegesprek invitations arrive every six months for two simulated years', () =>
  withTraject(async (driver) => {
    const signed = await toSignedContract(driver, 'driepartijenovereenkomst');
    await driver.send({
      type: 'GESPREK_GEVOERD',
      actor: as('zorgaanbieder'),
      data: { meeting: 'kennismakingsgesprek' },
      at: addDuration(signed, 'P1W'),
    });
    // Each invitation opens one interval after the previous one opened (the machine's schedule), so a contract
    // signed on the 31st goes 31 December → 30 June → 30 December: counted from signing, the test would fail on some
    // days of the month and pass on others.
    let opens = signed;
    for (const k of [1, 2, 3, 4]) {
      opens = addDuration(opens, 'P6M');
      await driver.advanceTo(opens);
      const invitation = invitationsOf(driver).find(
        (i) => i.meeting === 'evaluatiegesprek' && i.number === k,
      );
      expect(invitation).toMatchObject({ occurredAt: opens, dueBy: addDuration(opens, 'P4W') });
      await driver.send({
        type: 'GESPREK_GEVOERD',
        actor: as('zorgaanbieder'),
        data: { meeting: 'evaluatiegesprek' },
        at: addDuration(opens, 'P1W'),
      });
      await driver.send({
        type: 'EVALUATIE_VASTGELEGD',
        actor: as('zorgaanbieder'),
        data: { indicators: goodIndicators, advice: 'omklappen' },
      });
    }
    const status = await driver.status();
    expect(status.evaluations.recorded).toBe(4);
    expect(status.escalations).toEqual([]);
    expect(invitationsOf(driver).map((i) => `${i.meeting} ${i.number}`)).toEqual([
      'kennismakingsgesprek 1',
      'evaluatiegesprek 1',
      'evaluatiegesprek 2',
      'evaluatiegesprek 3',
      'evaluatiegesprek 4',
    ]);
  }));

test('omklappen is refused at month 11 and accepted at month 12, with both signatures', () =>
  withTraject(async (driver) => {
    const signed = await toSignedContract(driver, 'omklapcontract');
    const refusal = await driver.refusalOf({
      type: 'OMKLAPPEN_AKKOORD',
      actor: as('corporatie'),
      at: addDuration(signed, 'P11M'),
    });
    expect(refusal).toMatchObject({ code: 'NotAllowedInPhase', rule: 'terms.minimumTerm.omklapcontract' });
    expect(refusal.message).toContain(
      `the minimum term of the omklapcontract runs until ${addDuration(signed, 'P12M').slice(0, 10)}`,
    );

    const first = await driver.send({
      type: 'OMKLAPPEN_AKKOORD',
      actor: as('corporatie'),
      at: addDuration(signed, 'P12M'),
    });
    expect(first.phase).toBe('omklappen');
    const again = await driver.refusalOf({ type: 'OMKLAPPEN_AKKOORD', actor: as('corporatie') });
    expect(again).toMatchObject({ rule: 'conversionSignatories' });
    expect(again.message).toContain('corporatie agreed already; waiting for the agreement of zorgaanbieder');
    const second = await driver.send({ type: 'OMKLAPPEN_AKKOORD', actor: as('zorgaanbieder') });
    expect(second.phase).toBe('regulierContract');
    expect(second.contract.agreements.sort()).toEqual(['corporatie', 'zorgaanbieder']);
  }));

test('with no offer, the corporations are reminded at month 3 and the traject escalates at month 6', () =>
  withTraject(async (driver) => {
    await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
    const requested = (await driver.send({ type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder') }))
      .updatedAt;
    await driver.send({ type: 'URGENTIE_TOEGEKEND', actor: as('gemeente'), data: { searchProfile: {} } });
    await driver.advanceTo(addDuration(requested, 'P5M'));
    expect((await driver.status()).escalations).toEqual([]);
    await driver.advanceTo(addDuration(requested, 'P7M'));
    const mine = suite.calls.filter((c) => c.input.workflowId === driver.workflowId);
    const reminder = mine.find(
      (c) => c.name === 'sendNotification' && 'subject' in c.input && c.input.subject === 'herinnering',
    );
    const escalation = mine.find((c) => c.name === 'sendEscalation');
    expect(reminder?.input.occurredAt).toBe(addDuration(requested, 'P3M'));
    expect(escalation?.input).toMatchObject({
      kind: 'aanbodTeLaat',
      occurredAt: addDuration(requested, 'P6M'),
    });
    // Every Almere corporation is addressed (none acts for the traject yet): one recipient each, one role.
    expect([...new Set(escalation?.input.recipients.map((r) => r.role))]).toEqual([
      'corporatie',
      'gemeente',
      'zorgaanbieder',
    ]);
    const status = await driver.status();
    expect(status.phase).toBe('matching');
    expect(status.escalations).toEqual([
      {
        kind: 'aanbodTeLaat',
        since: addDuration(requested, 'P6M'),
        roles: ['corporatie', 'gemeente', 'zorgaanbieder'],
      },
    ]);
  }));

test('a time-out of two months moves the earliest omklappen date by two months', () =>
  withTraject(async (driver) => {
    const signed = await toSignedContract(driver, 'omklapcontract');
    expect((await driver.status()).contract.earliestConversion).toBe(addDuration(signed, 'P12M'));
    const away = await driver.send({
      type: 'TERUGVAL_GEMELD',
      actor: as('zorgaanbieder'),
      at: addDuration(signed, 'P3M'),
    });
    expect(away.phase).toBe('timeout');
    const back = await driver.send({
      type: 'TIMEOUT_BEEINDIGD',
      actor: as('zorgaanbieder'),
      at: addDuration(away.updatedAt, 'P2M'),
    });
    expect(back.phase).toBe('tijdelijkContract');
    const moved = Date.parse(back.contract.earliestConversion!) - Date.parse(addDuration(signed, 'P12M'));
    expect(moved).toBe(Date.parse(back.updatedAt) - Date.parse(away.updatedAt));
    expect(Math.round(moved / 86_400_000)).toBeGreaterThanOrEqual(59);
    const tooEarly = await driver.refusalOf({
      type: 'OMKLAPPEN_AKKOORD',
      actor: as('corporatie'),
      at: addDuration(signed, 'P12M1D'),
    });
    expect(tooEarly.code).toBe('NotAllowedInPhase');
    await driver.send({
      type: 'OMKLAPPEN_AKKOORD',
      actor: as('corporatie'),
      at: back.contract.earliestConversion!,
    });
  }));
