/**
 * Hand-made event logs of seven Almere trajects with fixed dates, for the figures of 2026-H1. Every time is 09:00 UTC
 * unless said otherwise; the comments give what the machine derives from them (the covenant's terms: offer reminder
 * 3 and escalation 6 months after the request, urgency decision 8 weeks, kennismakingsgesprek within 4 weeks of
 * signing, evaluations every 6 months with 4 weeks to hold them, rent-arrears follow-up 4 weeks, nuisance response 2
 * and escalation 10 working days, waakvlam check-in monthly with a budget of 2 hours).
 */
import { presetCovenants, type CoordinatorEvent, type Role } from '../../machines';
import type { TrajectEventLog } from '../../client/evaluation';
import { actorFor, goodIndicators } from '../support/model';

export const almere = presetCovenants.almere!;
export const AS_OF = '2026-07-01T00:00:00.000Z';

const at = (day: string, time = '09:00') => `${day}T${time}:00.000Z`;

function ev(day: string, type: CoordinatorEvent['type'], role: Role, data: object = {}, time?: string) {
  return { type, actor: actorFor(almere, role), at: at(day, time), data } as CoordinatorEvent;
}

function log(
  ref: string,
  registered: string,
  events: CoordinatorEvent[],
  origin: 'BW' | 'MO' = 'BW',
): TrajectEventLog {
  return {
    registration: {
      trajectRef: ref,
      origin,
      covenant: almere,
      registeredAt: at(registered),
      registeredBy: actorFor(almere, 'zorgaanbieder'),
    },
    events,
  };
}

const granted = { searchProfile: { districts: [] } };
const allGood = goodIndicators;

/** A: housed quickly; kennismakingsgesprek in time; rent arrears resolved two weeks after their follow-up date. */
export const trajectA = log('eval-a', '2026-01-05', [
  ev('2026-01-06', 'INSTEMMING_GEGEVEN', 'client'),
  ev('2026-01-07', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'), // reminder 04-07, escalation 07-07
  ev('2026-01-20', 'URGENTIE_TOEGEKEND', 'gemeente', granted),
  ev('2026-03-02', 'WONING_AANGEBODEN', 'corporatie', { homeRef: 'woning-a' }), // 54 days after the request
  ev('2026-03-04', 'AANBOD_GEACCEPTEERD', 'client'),
  ev('2026-03-05', 'CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form: 'omklapcontract' }),
  ev('2026-03-16', 'CONTRACT_GETEKEND', 'corporatie', { form: 'omklapcontract' }), // kennismaking due 04-13
  ev('2026-04-01', 'GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'kennismakingsgesprek' }),
  ev('2026-05-04', 'HUURACHTERSTAND_GESIGNALEERD', 'corporatie', { months: 2 }), // follow-up 06-01: escalates
  ev('2026-06-15', 'HUURACHTERSTAND_OPGELOST', 'corporatie'), // resolves it after 14 days
]);

/** B: urgency refused. */
export const trajectB = log(
  'eval-b',
  '2026-02-02',
  [
    ev('2026-02-03', 'INSTEMMING_GEGEVEN', 'client'),
    ev('2026-02-04', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'),
    ev('2026-02-20', 'URGENTIE_AFGEWEZEN', 'gemeente', { reason: 'geenUrgentie' }),
  ],
  'MO',
);

/** C: registered in 2025, still waiting for an offer; six months after the request (2026-04-06) it escalates. */
export const trajectC = log('eval-c', '2025-10-01', [
  ev('2025-10-02', 'INSTEMMING_GEGEVEN', 'client'),
  ev('2025-10-06', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'),
  ev('2025-11-01', 'URGENTIE_TOEGEKEND', 'gemeente', granted),
]);

/**
 * D: a late urgency decision (due 03-09, taken 03-16: escalated for 7 days); the first offer 98 days after the
 * request (after the 3-month reminder), refused; the second accepted; the kennismakingsgesprek (due 06-08) never held;
 * a nuisance report answered in time but settled after its 10 working days; a 5-day time-out, which moves the
 * kennismakingsgesprek's due date to 06-13.
 */
export const trajectD = log('eval-d', '2026-01-10', [
  ev('2026-01-10', 'INSTEMMING_GEGEVEN', 'client', {}, '10:00'),
  ev('2026-01-12', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'), // decision due 03-09, reminder 04-12, escalation 07-12
  ev('2026-03-16', 'URGENTIE_TOEGEKEND', 'gemeente', granted),
  ev('2026-04-20', 'WONING_AANGEBODEN', 'corporatie', { homeRef: 'woning-d1' }),
  ev('2026-04-22', 'AANBOD_GEWEIGERD', 'client', { reason: 'locatie' }),
  ev('2026-05-01', 'WONING_AANGEBODEN', 'corporatie', { homeRef: 'woning-d2' }),
  ev('2026-05-03', 'AANBOD_GEACCEPTEERD', 'client'),
  ev('2026-05-04', 'CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form: 'driepartijenovereenkomst' }),
  ev('2026-05-11', 'CONTRACT_GETEKEND', 'corporatie', { form: 'driepartijenovereenkomst' }),
  // Monday 10:00 UTC: response due Wednesday 06-03, escalation Monday 06-15 (10:00).
  ev('2026-06-01', 'OVERLAST_GEMELD', 'buurtbewoner', { severity: 'midden' }, '10:00'),
  ev('2026-06-02', 'OVERLAST_OPGEPAKT', 'corporatie', { reportId: 'overlast-1' }, '10:00'),
  ev('2026-06-19', 'OVERLAST_AFGEHANDELD', 'corporatie', { reportId: 'overlast-1' }, '10:00'),
  ev('2026-06-20', 'TERUGVAL_GEMELD', 'zorgaanbieder', {}),
  ev('2026-06-25', 'TIMEOUT_BEEINDIGD', 'zorgaanbieder'),
]);

/** E: withdrawn after consent, before asking for urgency. */
export const trajectE = log('eval-e', '2026-03-01', [
  ev('2026-03-02', 'INSTEMMING_GEGEVEN', 'client'),
  ev('2026-03-10', 'INGETROKKEN', 'client', { reason: 'client' }),
]);

/**
 * F: signed 2025-01-06 (omklapcontract); evaluatiegesprek 2 (invited 2026-01-06, due 02-03) held in time; converted
 * 2026-01-27 (386 days after signing); waakvlam from 03-02 with months starting 03-02, 04-02, 05-02 and 06-02; 2.5 hours
 * on 04-15 go over the budget until the next check-in on 05-02 (17 days).
 */
export const trajectF = log('eval-f', '2024-09-02', [
  ev('2024-09-02', 'INSTEMMING_GEGEVEN', 'client', {}, '10:00'),
  ev('2024-09-03', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'),
  ev('2024-09-20', 'URGENTIE_TOEGEKEND', 'gemeente', granted),
  ev('2024-10-01', 'WONING_AANGEBODEN', 'corporatie', { homeRef: 'woning-f' }),
  ev('2024-10-02', 'AANBOD_GEACCEPTEERD', 'client'),
  ev('2024-10-03', 'CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form: 'omklapcontract' }),
  ev('2025-01-06', 'CONTRACT_GETEKEND', 'corporatie', { form: 'omklapcontract' }),
  ev('2025-01-20', 'GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'kennismakingsgesprek' }),
  ev('2025-07-15', 'GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'evaluatiegesprek' }),
  ev('2025-07-16', 'EVALUATIE_VASTGELEGD', 'zorgaanbieder', {
    indicators: { ...allGood, huurbetaling: 'aandacht' },
    advice: 'verlengen',
  }),
  ev('2026-01-20', 'GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'evaluatiegesprek' }),
  ev('2026-01-21', 'EVALUATIE_VASTGELEGD', 'zorgaanbieder', {
    indicators: { ...allGood, daginvulling: 'aandacht' },
    advice: 'omklappen',
  }),
  ev('2026-01-26', 'OMKLAPPEN_AKKOORD', 'corporatie'),
  ev('2026-01-27', 'OMKLAPPEN_AKKOORD', 'zorgaanbieder'),
  ev('2026-03-02', 'BEGELEIDING_AFGESCHAALD', 'zorgaanbieder'),
  ev('2026-03-10', 'CONTACT_GELOGD', 'zorgaanbieder', { hours: 1.5 }),
  ev('2026-04-15', 'CONTACT_GELOGD', 'zorgaanbieder', { hours: 2.5 }),
]);

/** G: signed 2025-03-03 (driepartijenovereenkomst); evaluatiegesprek 2 (due 2026-03-31) held in time, advice to end; ended 04-30. */
export const trajectG = log('eval-g', '2025-01-06', [
  ev('2025-01-06', 'INSTEMMING_GEGEVEN', 'client', {}, '10:00'),
  ev('2025-01-07', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'),
  ev('2025-01-20', 'URGENTIE_TOEGEKEND', 'gemeente', granted),
  ev('2025-02-03', 'WONING_AANGEBODEN', 'corporatie', { homeRef: 'woning-g' }),
  ev('2025-02-04', 'AANBOD_GEACCEPTEERD', 'client'),
  ev('2025-02-05', 'CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form: 'driepartijenovereenkomst' }),
  ev('2025-03-03', 'CONTRACT_GETEKEND', 'corporatie', { form: 'driepartijenovereenkomst' }),
  ev('2025-03-10', 'GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'kennismakingsgesprek' }),
  ev('2025-09-10', 'GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'evaluatiegesprek' }),
  ev('2025-09-11', 'EVALUATIE_VASTGELEGD', 'zorgaanbieder', {
    indicators: {
      ...allGood,
      inkomen: 'zorg',
      daginvulling: 'aandacht',
      eigenaarschap: 'aandacht',
      huurbetaling: 'zorg',
    },
    advice: 'verlengen',
  }),
  ev('2026-03-20', 'GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'evaluatiegesprek' }),
  ev('2026-03-21', 'EVALUATIE_VASTGELEGD', 'zorgaanbieder', {
    indicators: {
      ...allGood,
      inkomen: 'zorg',
      daginvulling: 'zorg',
      ondersteuning: 'aandacht',
      eigenaarschap: 'aandacht',
      huurbetaling: 'zorg',
    },
    advice: 'beeindigen',
  }),
  ev('2026-04-30', 'CONTRACT_BEEINDIGD', 'corporatie', { reason: 'ontbinding' }),
]);

export const handMadeLogs = [trajectA, trajectB, trajectC, trajectD, trajectE, trajectF, trajectG];
