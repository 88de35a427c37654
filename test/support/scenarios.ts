/**
 * The covenant scenarios: each covenant's happy path and its main exception path, as data. The machine tests run
 * them on the model; the workflow tests run the same steps on Temporal; the golden histories are recorded from them.
 */
import {
  addDuration,
  presetCovenants,
  type Covenant,
  type CoordinatorEventType,
  type EscalationKind,
  type IsoDuration,
  type Phase,
  type Refusal,
  type Role,
} from '../../machines';
import { actorFor, fireDue, goodIndicators, initialModel, send, START, type ModelState } from './model';

export interface ScenarioStep {
  /** Time after the previous step. */
  after: IsoDuration;
  /** The event to send; without one, the step only lets time pass (timers fire). */
  type?: CoordinatorEventType;
  as?: Role;
  data?: Record<string, unknown> | ((at: string) => Record<string, unknown>);
  /** The phase after this step. */
  phase?: Phase;
  /** The event must be refused with this code (and change nothing). */
  refused?: Refusal['code'];
}

export interface Scenario {
  name: string;
  covenant: Covenant;
  steps: ScenarioStep[];
  /** The final phase, every escalation raised on the way (in order), and how many meeting invitations went out. */
  expect: { phase: Phase; escalated: EscalationKind[]; invitations: number };
}

const step = (
  after: IsoDuration,
  type: CoordinatorEventType,
  as: Role,
  extra: Partial<ScenarioStep> = {},
): ScenarioStep => ({
  after,
  type,
  as,
  ...extra,
});
const wait = (after: IsoDuration, extra: Partial<ScenarioStep> = {}): ScenarioStep => ({ after, ...extra });

/** Registration to a signed contract of the given form, about three months in. */
function toContract(form: 'omklapcontract' | 'driepartijenovereenkomst'): ScenarioStep[] {
  return [
    step('P1D', 'INSTEMMING_GEGEVEN', 'client', { phase: 'urgentie' }),
    step('P1D', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'),
    step('P3W', 'URGENTIE_TOEGEKEND', 'gemeente', {
      data: { searchProfile: { districts: ['Stad'] } },
      phase: 'matching',
    }),
    step('P2M', 'WONING_AANGEBODEN', 'corporatie', {
      data: { homeRef: 'woning-0042', wijkbeheerderConsulted: true },
    }),
    step('P3D', 'AANBOD_GEACCEPTEERD', 'client', { phase: 'contractering' }),
    step('P1W', 'CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { data: { form } }),
    step('P2W', 'CONTRACT_GETEKEND', 'corporatie', { data: { form }, phase: 'tijdelijkContract' }),
    step('P3D', 'GESPREK_GEPLAND', 'zorgaanbieder', {
      data: (at) => ({ meeting: 'kennismakingsgesprek', plannedAt: addDuration(at, 'P1W') }),
    }),
    step('P1W', 'GESPREK_GEVOERD', 'zorgaanbieder', { data: { meeting: 'kennismakingsgesprek' } }),
  ];
}

/** One evaluatiegesprek held about half a year after the previous step, and its evaluation recorded. */
function evaluation(after: IsoDuration = 'P6M'): ScenarioStep[] {
  return [
    step(after, 'GESPREK_GEVOERD', 'zorgaanbieder', { data: { meeting: 'evaluatiegesprek' } }),
    step('P1D', 'EVALUATIE_VASTGELEGD', 'zorgaanbieder', {
      data: { indicators: goodIndicators, advice: 'omklappen' },
    }),
  ];
}

function conversion(after: IsoDuration = 'P1D'): ScenarioStep[] {
  return [
    step(after, 'OMKLAPPEN_AKKOORD', 'corporatie', { phase: 'omklappen' }),
    step('P1D', 'OMKLAPPEN_AKKOORD', 'zorgaanbieder', { phase: 'regulierContract' }),
  ];
}

const covenant = (id: string): Covenant => presetCovenants[id]!;

export const scenarios: Scenario[] = [
  {
    name: 'almere happy path: driepartijenovereenkomst, four evaluations, omklappen after two years, waakvlam, closed',
    covenant: covenant('almere'),
    steps: [
      ...toContract('driepartijenovereenkomst'),
      ...evaluation(),
      ...evaluation(),
      ...evaluation(),
      step('P1M', 'OMKLAPPEN_AKKOORD', 'corporatie', { refused: 'NotAllowedInPhase' }),
      ...evaluation('P5M'),
      ...conversion(),
      step('P1M', 'BEGELEIDING_AFGESCHAALD', 'zorgaanbieder', { phase: 'waakvlam' }),
      step('P1W', 'CONTACT_GELOGD', 'zorgaanbieder', { data: { hours: 1.5 } }),
      wait('P2M'),
      step('P1D', 'TRAJECT_AFGESLOTEN', 'zorgaanbieder', { phase: 'afgesloten' }),
    ],
    expect: { phase: 'afgesloten', escalated: [], invitations: 5 },
  },
  {
    name: 'almere exception path: relapse into a time-out for two months moves omklappen by two months',
    covenant: covenant('almere'),
    steps: [
      ...toContract('omklapcontract'),
      step('P2M', 'TERUGVAL_GEMELD', 'zorgaanbieder', { phase: 'timeout' }),
      step('P2M', 'TIMEOUT_BEEINDIGD', 'zorgaanbieder', { phase: 'tijdelijkContract' }),
      step('P1M', 'HUURACHTERSTAND_GESIGNALEERD', 'corporatie', { data: { months: 1 } }),
      step('P2W', 'HUURACHTERSTAND_OPGELOST', 'corporatie'),
      // The first evaluation window opened two months late: six months after signing plus the time-out.
      ...evaluation('P2M2W'),
      // Twelve months after signing the minimum term has not passed: the two months away do not count.
      step('P4M', 'OMKLAPPEN_AKKOORD', 'corporatie', { refused: 'NotAllowedInPhase' }),
      ...conversion('P2M'),
      step('P1M', 'TRAJECT_AFGESLOTEN', 'zorgaanbieder', { phase: 'afgesloten' }),
    ],
    expect: { phase: 'afgesloten', escalated: [], invitations: 3 },
  },
  {
    name: 'amsterdam happy path: omklapcontract, omklappen after one year, closed',
    covenant: covenant('amsterdam'),
    steps: [
      ...toContract('omklapcontract'),
      ...evaluation(),
      ...evaluation(),
      ...conversion(),
      step('P2M', 'TRAJECT_AFGESLOTEN', 'gemeente', { phase: 'afgesloten' }),
    ],
    expect: { phase: 'afgesloten', escalated: [], invitations: 3 },
  },
  {
    name: 'amsterdam exception path: a neighbour reports nuisance, no answer escalates to case consultation, the contract ends',
    covenant: covenant('amsterdam'),
    steps: [
      ...toContract('omklapcontract'),
      step('P1M', 'OVERLAST_GEMELD', 'buurtbewoner', { data: { severity: 'hoog', note: 'geluidsoverlast' } }),
      wait('P5D'),
      step('P1D', 'OVERLAST_OPGEPAKT', 'corporatie', { data: { reportId: 'overlast-1' } }),
      wait('P2W'),
      step('P1W', 'CONTRACT_BEEINDIGD', 'corporatie', { data: { reason: 'ontbinding' }, phase: 'beeindigd' }),
    ],
    expect: {
      phase: 'beeindigd',
      escalated: ['overlastZonderReactie', 'overlastOnopgelost'],
      invitations: 1,
    },
  },
  {
    name: "'s-hertogenbosch happy path: omklapcontract, waakvlam over its contact budget, scaled up and down again, closed",
    covenant: covenant('s-hertogenbosch'),
    steps: [
      ...toContract('omklapcontract'),
      ...evaluation(),
      ...evaluation(),
      ...conversion(),
      step('P1M', 'BEGELEIDING_AFGESCHAALD', 'zorgaanbieder', { phase: 'waakvlam' }),
      step('P1W', 'CONTACT_GELOGD', 'zorgaanbieder', { data: { hours: 1.5 } }),
      step('P1D', 'CONTACT_GELOGD', 'zorgaanbieder', { data: { hours: 1 } }),
      step('P1D', 'BEGELEIDING_OPGESCHAALD', 'zorgaanbieder', { phase: 'regulierContract' }),
      step('P2M', 'BEGELEIDING_AFGESCHAALD', 'zorgaanbieder', { phase: 'waakvlam' }),
      step('P2M', 'TRAJECT_AFGESLOTEN', 'zorgaanbieder', { phase: 'afgesloten' }),
    ],
    expect: { phase: 'afgesloten', escalated: ['contactbudgetOverschreden'], invitations: 3 },
  },
  {
    name: "'s-hertogenbosch exception path: the urgency decision is late and escalates, then urgency is refused",
    covenant: covenant('s-hertogenbosch'),
    steps: [
      step('P1D', 'INSTEMMING_GEGEVEN', 'client'),
      step('P1D', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'),
      wait('P9W'),
      step('P1D', 'URGENTIE_AFGEWEZEN', 'gemeente', { data: { reason: 'geenUrgentie' }, phase: 'beeindigd' }),
    ],
    expect: { phase: 'beeindigd', escalated: ['urgentiebesluitTeLaat'], invitations: 0 },
  },
  {
    name: 'nijmegen happy path: omklapcontract, a neighbour voices a concern on a Saturday, closed',
    covenant: covenant('nijmegen'),
    steps: [
      ...toContract('omklapcontract'),
      // Saturday 2 May 2026: outside office hours, so the concern goes to the care provider.
      step('P1D', 'ZORGEN_GEMELD', 'buurtbewoner', { data: { note: 'buurvrouw maakt zich zorgen' } }),
      ...evaluation(),
      ...evaluation(),
      ...conversion(),
      step('P1M', 'TRAJECT_AFGESLOTEN', 'zorgaanbieder', { phase: 'afgesloten' }),
    ],
    expect: { phase: 'afgesloten', escalated: [], invitations: 3 },
  },
  {
    name: 'nijmegen exception path: no home offered, reminder at three months, escalation at six, the client withdraws',
    covenant: covenant('nijmegen'),
    steps: [
      step('P1D', 'INSTEMMING_GEGEVEN', 'client'),
      step('P1D', 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder'),
      step('P3W', 'URGENTIE_TOEGEKEND', 'gemeente', {
        data: { searchProfile: { districts: ['Meijhorst'] } },
      }),
      wait('P7M'),
      step('P1D', 'INGETROKKEN', 'client', {
        data: { reason: 'client', note: 'wil niet meer wachten' },
        phase: 'ingetrokken',
      }),
    ],
    expect: { phase: 'ingetrokken', escalated: ['aanbodTeLaat'], invitations: 0 },
  },
];

export interface ScenarioRun {
  state: ModelState;
  /** The state after each step, with the time it was sent at and the refusal if it was refused. */
  trace: Array<{ step: ScenarioStep; at: string; state: ModelState; refusal?: Refusal }>;
}

/** Runs a scenario on the model. Throws when an event meant to be accepted is refused, or the other way round. */
export function runScenario(scenario: Scenario, trajectRef = 'client-0001', from = START): ScenarioRun {
  let state = initialModel(scenario.covenant, trajectRef, from);
  let at = from;
  const trace: ScenarioRun['trace'] = [];
  for (const s of scenario.steps) {
    at = addDuration(at, s.after);
    if (!s.type || !s.as) {
      state = fireDue(state, at);
      trace.push({ step: s, at, state });
      continue;
    }
    const data = typeof s.data === 'function' ? s.data(at) : s.data;
    const result = send(state, {
      type: s.type,
      actor: actorFor(scenario.covenant, s.as),
      at,
      ...(data ? { data } : {}),
    });
    if (s.refused) {
      if (result.ok)
        throw new Error(`${scenario.name}: ${s.type} at ${at} was accepted, expected ${s.refused}`);
      if (result.refusal.code !== s.refused)
        throw new Error(`${scenario.name}: ${s.type} refused with ${result.refusal.code}`);
      trace.push({ step: s, at, state: result.state, refusal: result.refusal });
    } else {
      if (!result.ok)
        throw new Error(`${scenario.name}: ${s.type} at ${at} refused: ${result.refusal.message}`);
      trace.push({ step: s, at, state: result.state });
    }
    state = result.state;
  }
  return { state, trace };
}

/** Escalation kinds a run raised, in order. */
export function escalationsOf(state: ModelState): EscalationKind[] {
  return state.effects.flatMap((e) =>
    e.effect.type === 'escalate' || e.effect.type === 'escalateToCaseConsultation'
      ? [e.effect.params.kind]
      : [],
  );
}

/** Meeting invitations a run asked for. */
export function invitationsOf(state: ModelState) {
  return state.effects.filter(
    (e) => e.effect.type === 'inviteKennismakingsgesprek' || e.effect.type === 'inviteEvaluatiegesprek',
  );
}
