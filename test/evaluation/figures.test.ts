/** The evaluation figures of 2026-H1 over seven hand-made trajects (event-logs.ts), against numbers worked out by hand. */
import {
  evaluationFigures,
  factsFromEventLog,
  FiguresSchema,
  parsePeriod,
  TrajectFactsBuilder,
  TrajectFactsSchema,
  type TrajectFacts,
} from '../../client/evaluation';
import { fireNext, startTraject, takeEvent, type TrajectEvent } from '../../machines';
import { AS_OF, handMadeLogs, trajectD } from './event-logs';

const facts: TrajectFacts[] = handMadeLogs.map((log) => factsFromEventLog(log, { asOf: AS_OF }));
const figures = evaluationFigures(facts, { region: 'almere', period: '2026-H1' });
const MONTH_DAYS = 365.25 / 12;
const round2 = (n: number) => Math.round(n * 100) / 100;

test('facts are pseudonymous codes and dates only, and validate against the exported schema', () => {
  for (const f of facts) expect(TrajectFactsSchema.parse(f)).toEqual(f);
  expect(JSON.stringify(facts)).not.toMatch(/woning-|sim-|personId|note/);
});

test("traject D's facts: what the machine made of its events", () => {
  const d = facts[3]!;
  expect(d.offers).toEqual([
    { offeredAt: '2026-04-20T09:00:00.000Z', outcome: 'refused', answeredAt: '2026-04-22T09:00:00.000Z' },
    { offeredAt: '2026-05-01T09:00:00.000Z', outcome: 'accepted', answeredAt: '2026-05-03T09:00:00.000Z' },
  ]);
  // Due 4 weeks after signing (06-08), moved by the 5 days in time-out.
  expect(d.meetings).toEqual([
    {
      kind: 'kennismakingsgesprek',
      number: 1,
      invitedAt: '2026-05-11T09:00:00.000Z',
      dueAt: '2026-06-13T09:00:00.000Z',
      heldAt: null,
      cancelledAt: null,
    },
  ]);
  expect(d.relapses).toEqual([
    { startedAt: '2026-06-20T09:00:00.000Z', endedAt: '2026-06-25T09:00:00.000Z' },
  ]);
  expect(d.nuisance[0]).toMatchObject({
    responseDueAt: '2026-06-03T10:00:00.000Z',
    respondedAt: '2026-06-02T10:00:00.000Z',
    escalationDueAt: '2026-06-15T10:00:00.000Z',
    escalatedAt: '2026-06-15T10:00:00.000Z',
    closedAt: '2026-06-19T10:00:00.000Z',
  });
  expect(d.phases.map((p) => p.phase)).toEqual([
    'aanmelding',
    'urgentie',
    'matching',
    'contractering',
    'tijdelijkContract',
    'timeout',
    'tijdelijkContract',
  ]);
});

test('a log that also carries the timer events as recorded gives the same facts', () => {
  // Run D as the workflow would, recording every fired timer event between the coordinator events.
  let { snapshot, timers } = startTraject(trajectD.registration);
  const recorded: TrajectEvent[] = [];
  for (const event of trajectD.events) {
    while (timers[0] && Date.parse(timers[0].fireAt) <= Date.parse(event.at)) {
      recorded.push(timers[0].event);
      ({ snapshot, timers } = fireNext(snapshot, timers)!);
    }
    recorded.push(event);
    ({ snapshot, timers } = takeEvent(snapshot, timers, event));
  }
  expect(recorded.length).toBeGreaterThan(trajectD.events.length);
  expect(factsFromEventLog({ ...trajectD, events: recorded }, { asOf: AS_OF })).toEqual(facts[3]);
});

test('a read model that takes the events one at a time, advancing its clock between them, holds the same facts', () => {
  const builder = new TrajectFactsBuilder(trajectD.registration);
  for (const event of trajectD.events) {
    expect(builder.take(event)).toBe(true);
    builder.advanceTo(event.at);
  }
  // An event the traject cannot take now (consent, long after it was given) changes nothing.
  expect(builder.take({ ...trajectD.events[0]!, at: '2026-06-26T09:00:00.000Z' })).toBe(false);
  builder.advanceTo(AS_OF);
  expect(builder.facts()).toEqual(facts[3]);
});

test('the figures have the documented shape', () => {
  expect(FiguresSchema.parse(figures)).toEqual(figures);
  expect(figures.period).toEqual({
    label: '2026-H1',
    from: '2026-01-01T00:00:00.000Z',
    until: '2026-07-01T00:00:00.000Z',
  });
  expect(figures.cut).toBe('2026-06-30T23:59:59.999Z');
  expect(figures.trajects).toBe(7); // all seven were registered before 1 July
});

test('flow: what happened in the period', () => {
  expect(figures.flow).toEqual({
    registered: 4, // A 01-05, B 02-02, D 01-10, E 03-01 (C, F and G in 2024-2025)
    urgencyRequested: 3, // A, B, D
    urgencyGranted: 2, // A 01-20, D 03-16
    urgencyRefused: 1, // B
    offers: 3, // A 03-02, D 04-20 and 05-01
    offersRefused: 1, // D 04-22
    movedIn: 2, // A 03-16, D 05-11
    converted: 1, // F 01-27
    closed: 0,
    ended: 1, // G 04-30
    withdrawn: 1, // E 03-10
  });
  // At the end: A and D (back from time-out) in their temporary contract, C still matching, F in waakvlam.
  expect(figures.openAtEnd).toEqual({
    aanmelding: 0,
    urgentie: 0,
    matching: 1,
    contractering: 0,
    tijdelijkContract: 2,
    omklappen: 0,
    regulierContract: 0,
    waakvlam: 1,
    timeout: 0,
  });
});

test('offer lead time: months from the urgency request to the first offer, against 3 and 6 months', () => {
  // First offers in the period: A after 54 days (by its 3-month reminder), D after 98 days (past it, within 6).
  const a = 54 / MONTH_DAYS; // 1.774
  const d = 98 / MONTH_DAYS; // 3.220
  expect(figures.offerLeadTime).toEqual({
    offered: 2,
    medianMonths: round2(a), // nearest rank: the 1st of 2
    p90Months: round2(d), // nearest rank: the 2nd of 2
    withinReminderShare: 0.5,
    withinEscalationShare: 1,
    waiting: 1, // C: requested 2025-10-06, no offer (B was refused, A and D were offered)
    waitingPastEscalation: 1, // C: past 2026-04-06
  });
});

test('meetings: invited in time and held in time', () => {
  expect(figures.meetings).toEqual({
    // A due 04-13, held 04-01; D due 06-13 (after its time-out), never held.
    kennismakingsgesprek: { due: 2, heldInTime: 1, heldLate: 0, notHeld: 1, inTimeShare: 0.5 },
    // F number 2 due 02-03, held 01-20; G number 2 due 03-31, held 03-20.
    evaluatiegesprek: { due: 2, heldInTime: 2, heldLate: 0, notHeld: 0, inTimeShare: 1 },
  });
});

test('escalations by kind: opened in the period, days to resolve, open at the end', () => {
  const none = { opened: 0, resolved: 0, medianDaysToResolve: null, openAtEnd: 0 };
  expect(figures.escalations).toEqual({
    urgentiebesluitTeLaat: { opened: 1, resolved: 1, medianDaysToResolve: 7, openAtEnd: 0 }, // D: 03-09 → 03-16
    aanbodTeLaat: { opened: 1, resolved: 0, medianDaysToResolve: null, openAtEnd: 1 }, // C: 04-06, no offer yet
    kennismakingsgesprekGemist: { opened: 1, resolved: 0, medianDaysToResolve: null, openAtEnd: 1 }, // D: 06-08
    evaluatiegesprekGemist: none,
    overlastZonderReactie: none, // D answered the day after
    overlastOnopgelost: { opened: 1, resolved: 1, medianDaysToResolve: 4, openAtEnd: 0 }, // D: 06-15 → 06-19
    huurachterstandOnopgelost: { opened: 1, resolved: 1, medianDaysToResolve: 14, openAtEnd: 0 }, // A: 06-01 → 06-15
    contactbudgetOverschreden: { opened: 1, resolved: 1, medianDaysToResolve: 17, openAtEnd: 0 }, // F: 04-15 → 05-02
  });
});

test('nuisance, rent arrears, relapses and waakvlam', () => {
  expect(figures.nuisance).toEqual({
    reported: 1,
    answeredInTime: 1,
    answeredInTimeShare: 1,
    escalatedToCaseConsultation: 1,
  });
  expect(figures.rentArrears).toEqual({ signalled: 1, resolved: 1, escalated: 1, openAtEnd: 0 });
  expect(figures.relapses).toEqual({ started: 1, ended: 1, timeoutDays: 5 });
  // F's waakvlam months begin 03-02, 04-02, 05-02 and 06-02; 04-02 had 2.5 hours against a budget of 2.
  expect(figures.waakvlam).toEqual({ months: 4, overBudget: 1, overBudgetShare: 0.25 });
});

test('conversions per contract form, and the indicators before a conversion and before an ending', () => {
  expect(figures.conversions).toEqual({
    omklapcontract: {
      converted: 1,
      medianMonthsFromSigning: round2(386 / MONTH_DAYS), // F: 2025-01-06 → 2026-01-27
      minMonths: round2(386 / MONTH_DAYS),
      maxMonths: round2(386 / MONTH_DAYS),
    },
    driepartijenovereenkomst: {
      converted: 0,
      medianMonthsFromSigning: null,
      minMonths: null,
      maxMonths: null,
    },
  });
  // F's evaluation of 01-21 came before its conversion; G's of 03-21 before its contract ended (E never moved in).
  expect(figures.indicators.beforeConversion).toBe(1);
  expect(figures.indicators.beforeEnding).toBe(1);
  expect(figures.indicators.scores.daginvulling).toEqual({
    beforeConversion: { goed: 0, aandacht: 1, zorg: 0 },
    beforeEnding: { goed: 0, aandacht: 0, zorg: 1 },
  });
  expect(figures.indicators.scores.huurbetaling).toEqual({
    beforeConversion: { goed: 1, aandacht: 0, zorg: 0 },
    beforeEnding: { goed: 0, aandacht: 0, zorg: 1 },
  });
  expect(figures.indicators.scores.dak).toEqual({
    beforeConversion: { goed: 1, aandacht: 0, zorg: 0 },
    beforeEnding: { goed: 1, aandacht: 0, zorg: 0 },
  });
});

test('another region or period counts nothing of these', () => {
  const other = evaluationFigures(facts, { region: 'amsterdam', period: '2026-H1' });
  expect(other.trajects).toBe(0);
  expect(other.offerLeadTime.medianMonths).toBeNull();
  const before = evaluationFigures(facts, { region: 'almere', period: '2024-H1' });
  expect(before.trajects).toBe(0);
});

test('periods: half years, quarters, years and ranges, in UTC; anything else is refused', () => {
  expect(parsePeriod('2026-H2')).toEqual({
    label: '2026-H2',
    from: '2026-07-01T00:00:00.000Z',
    until: '2027-01-01T00:00:00.000Z',
  });
  expect(parsePeriod('2026-Q1').until).toBe('2026-04-01T00:00:00.000Z');
  expect(parsePeriod('2027').from).toBe('2027-01-01T00:00:00.000Z');
  expect(parsePeriod('2026-03-01/2026-09-01').until).toBe('2026-09-01T00:00:00.000Z');
  for (const bad of ['2026-H3', '2026-Q5', 'H1-2026', '2026-09-01/2026-03-01', '2026-02-30/2026-03-01'])
    expect(() => parsePeriod(bad)).toThrow();
});
