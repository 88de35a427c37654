/**
 * The baseline's traject logic, written by hand: the Almere happy path and the deadlines that run beside it, as a
 * switch over phases. No XState, no zod, no covenant parsing: the benchmark hands it terms in milliseconds. It asks
 * for the same timers and deliveries, in the same order, as the engine's machine does on that path, so that the
 * benchmark compares the cost of running a statechart with the cost of the least code that does the same work.
 * Pure: the baseline workflow runs it, and the pure-machine workload times it against the engine's machine.
 */

export type BaselinePhase =
  | 'aanmelding'
  | 'urgentieAanvraag'
  | 'urgentieBeoordeling'
  | 'matchingZoeken'
  | 'matchingAanbod'
  | 'contractAdvies'
  | 'contractOndertekening'
  | 'tijdelijk'
  | 'omklappen'
  | 'regulier'
  | 'waakvlam'
  | 'afgesloten';

export type ContractForm = 'omklapcontract' | 'driepartijenovereenkomst';

export interface BaselineTerms {
  urgencyDecisionMs: number;
  offerReminderMs: number;
  offerEscalationMs: number;
  kennismakingMs: number;
  evaluationIntervalMs: number;
  evaluationWithinMs: number;
  waakvlamCheckInMs: number;
  waakvlamBudgetHours: number;
  minimumTermMs: Record<ContractForm, number>;
  minimumEvaluations: Record<ContractForm, number>;
}

/** A coordinator event as the update carries it, or a deadline that fell due. */
export interface BaselineEvent {
  type: string;
  actor?: { role?: unknown; organisation?: unknown };
  data?: Record<string, unknown>;
}

export type TimerType =
  | 'URGENTIEBESLUIT_TERMIJN'
  | 'AANBOD_HERINNERING'
  | 'AANBOD_ESCALATIE'
  | 'KENNISMAKING_TERMIJN'
  | 'EVALUATIE_UITNODIGING'
  | 'EVALUATIE_TERMIJN'
  | 'WAAKVLAM_CHECKIN';

export interface TimerStart {
  id: string;
  type: TimerType;
  fireAt: number;
}

export type BaselineEffect =
  | { kind: 'notify'; subject: string }
  | {
      kind: 'invite';
      meeting: 'kennismakingsgesprek' | 'evaluatiegesprek';
      number: number;
      opens: number;
      dueBy: number;
    }
  | { kind: 'confirm'; meeting: string; number: number; plannedAt: string }
  | { kind: 'remind'; dueAt: number }
  | { kind: 'escalate'; escalation: string; since: number }
  | { kind: 'waakvlamContact'; periodStart: number; dueBy: number; budgetHours: number };

export interface BaselineState {
  phase: BaselinePhase;
  requestedAt: number;
  advisedForm: ContractForm | null;
  form: ContractForm | null;
  contractAt: number;
  kennismaking: 'open' | 'held' | 'escalated';
  evaluation: { number: number; opensAt: number; invited: boolean; held: boolean; escalated: boolean };
  recorded: number;
  unrecorded: number;
  agreements: string[];
  waakvlam: { periodStart: number; nextCheckIn: number; hours: number };
  escalated: string[];
  organisations: Record<string, string>;
}

export interface Outcome {
  effects: BaselineEffect[];
  start: TimerStart[];
  cancel: string[];
}

/** Who may send what on this path (Almere's permissions for these events). */
const senders: Record<string, readonly string[]> = {
  INSTEMMING_GEGEVEN: ['client', 'zorgaanbieder'],
  URGENTIE_AANGEVRAAGD: ['zorgaanbieder'],
  URGENTIE_TOEGEKEND: ['gemeente'],
  WONING_AANGEBODEN: ['corporatie'],
  AANBOD_GEACCEPTEERD: ['client', 'zorgaanbieder'],
  CONTRACTVORM_GEADVISEERD: ['zorgaanbieder'],
  CONTRACT_GETEKEND: ['corporatie', 'zorgaanbieder'],
  GESPREK_GEPLAND: ['zorgaanbieder', 'corporatie', 'wijkteam'],
  GESPREK_GEVOERD: ['zorgaanbieder', 'corporatie', 'wijkteam'],
  EVALUATIE_VASTGELEGD: ['zorgaanbieder', 'corporatie'],
  OMKLAPPEN_AKKOORD: ['corporatie', 'zorgaanbieder'],
  BEGELEIDING_AFGESCHAALD: ['zorgaanbieder'],
  CONTACT_GELOGD: ['zorgaanbieder'],
  TRAJECT_AFGESLOTEN: ['zorgaanbieder', 'gemeente'],
};

/** The events each phase takes on this path. */
const accepted: Record<BaselinePhase, readonly string[]> = {
  aanmelding: ['INSTEMMING_GEGEVEN'],
  urgentieAanvraag: ['URGENTIE_AANGEVRAAGD'],
  urgentieBeoordeling: ['URGENTIE_TOEGEKEND'],
  matchingZoeken: ['WONING_AANGEBODEN'],
  matchingAanbod: ['AANBOD_GEACCEPTEERD'],
  contractAdvies: ['CONTRACTVORM_GEADVISEERD'],
  contractOndertekening: ['CONTRACTVORM_GEADVISEERD', 'CONTRACT_GETEKEND'],
  tijdelijk: ['GESPREK_GEPLAND', 'GESPREK_GEVOERD', 'EVALUATIE_VASTGELEGD', 'OMKLAPPEN_AKKOORD'],
  omklappen: ['GESPREK_GEPLAND', 'GESPREK_GEVOERD', 'EVALUATIE_VASTGELEGD', 'OMKLAPPEN_AKKOORD'],
  regulier: ['BEGELEIDING_AFGESCHAALD', 'TRAJECT_AFGESLOTEN'],
  waakvlam: ['CONTACT_GELOGD', 'TRAJECT_AFGESLOTEN'],
  afgesloten: [],
};

const forms: readonly string[] = ['omklapcontract', 'driepartijenovereenkomst'];

export function initialState(organisations: Record<string, string>): BaselineState {
  return {
    phase: 'aanmelding',
    requestedAt: 0,
    advisedForm: null,
    form: null,
    contractAt: 0,
    kennismaking: 'open',
    evaluation: { number: 0, opensAt: 0, invited: false, held: false, escalated: false },
    recorded: 0,
    unrecorded: 0,
    agreements: [],
    waakvlam: { periodStart: 0, nextCheckIn: 0, hours: 0 },
    escalated: [],
    organisations: { ...organisations },
  };
}

const role = (event: BaselineEvent) => (typeof event.actor?.role === 'string' ? event.actor.role : '');
const meetingOf = (event: BaselineEvent) => event.data?.meeting;

/** Why the traject cannot take this coordinator event now, or null when it can. */
export function refusal(
  state: BaselineState,
  terms: BaselineTerms,
  event: BaselineEvent,
  at: number,
): string | null {
  if (!(senders[event.type] ?? []).includes(role(event))) return 'RoleNotPermitted';
  if (!accepted[state.phase].includes(event.type)) return 'NotAllowedInPhase';
  const inTenancy = state.phase === 'tijdelijk' || state.phase === 'omklappen';
  switch (event.type) {
    case 'CONTRACTVORM_GEADVISEERD':
      return forms.includes(String(event.data?.form)) ? null : 'InvalidEventData';
    case 'CONTRACT_GETEKEND':
      return event.data?.form === state.advisedForm ? null : 'NotAllowedInPhase';
    case 'GESPREK_GEPLAND':
      if (typeof event.data?.plannedAt !== 'string') return 'InvalidEventData';
      return meetingOf(event) === 'kennismakingsgesprek'
        ? state.kennismaking !== 'held'
          ? null
          : 'NotAllowedInPhase'
        : state.evaluation.invited && !state.evaluation.held
          ? null
          : 'NotAllowedInPhase';
    case 'GESPREK_GEVOERD':
      if (!inTenancy) return 'NotAllowedInPhase';
      return meetingOf(event) === 'kennismakingsgesprek'
        ? state.kennismaking !== 'held'
          ? null
          : 'NotAllowedInPhase'
        : meetingOf(event) === 'evaluatiegesprek' && state.evaluation.invited && !state.evaluation.held
          ? null
          : 'NotAllowedInPhase';
    case 'EVALUATIE_VASTGELEGD':
      return state.unrecorded > 0 ? null : 'NotAllowedInPhase';
    case 'OMKLAPPEN_AKKOORD': {
      const form = state.form ?? 'omklapcontract';
      const termReached = at >= state.contractAt + terms.minimumTermMs[form];
      const enough = state.recorded >= terms.minimumEvaluations[form];
      return termReached && enough && !state.agreements.includes(role(event)) ? null : 'NotAllowedInPhase';
    }
    case 'CONTACT_GELOGD':
      return typeof event.data?.hours === 'number' ? null : 'InvalidEventData';
    default:
      return null;
  }
}

function escalate(state: BaselineState, kind: string, at: number, out: Outcome): void {
  if (state.escalated.includes(kind)) return;
  state.escalated.push(kind);
  out.effects.push({ kind: 'escalate', escalation: kind, since: at });
}

/** Takes a coordinator event (already checked by `refusal`) or a deadline; mutates the state it is given. */
export function take(state: BaselineState, terms: BaselineTerms, event: BaselineEvent, at: number): Outcome {
  const out: Outcome = { effects: [], start: [], cancel: [] };
  const organisation = typeof event.actor?.organisation === 'string' ? event.actor.organisation : undefined;
  switch (event.type) {
    case 'INSTEMMING_GEGEVEN':
      state.phase = 'urgentieAanvraag';
      break;
    case 'URGENTIE_AANGEVRAAGD':
      state.phase = 'urgentieBeoordeling';
      state.requestedAt = at;
      out.start.push({
        id: 'urgentiebesluit',
        type: 'URGENTIEBESLUIT_TERMIJN',
        fireAt: at + terms.urgencyDecisionMs,
      });
      break;
    case 'URGENTIEBESLUIT_TERMIJN':
      escalate(state, 'urgentiebesluitTeLaat', at, out);
      break;
    case 'URGENTIE_TOEGEKEND':
      state.phase = 'matchingZoeken';
      if (organisation) state.organisations.gemeente = organisation;
      out.effects.push({ kind: 'notify', subject: event.type });
      out.cancel.push('urgentiebesluit');
      out.start.push(
        {
          id: 'aanbod-herinnering',
          type: 'AANBOD_HERINNERING',
          fireAt: state.requestedAt + terms.offerReminderMs,
        },
        {
          id: 'aanbod-escalatie',
          type: 'AANBOD_ESCALATIE',
          fireAt: state.requestedAt + terms.offerEscalationMs,
        },
      );
      break;
    case 'AANBOD_HERINNERING':
      out.effects.push({ kind: 'remind', dueAt: state.requestedAt + terms.offerEscalationMs });
      break;
    case 'AANBOD_ESCALATIE':
      escalate(state, 'aanbodTeLaat', at, out);
      break;
    case 'WONING_AANGEBODEN':
      state.phase = 'matchingAanbod';
      if (organisation) state.organisations.corporatie = organisation;
      out.cancel.push('aanbod-herinnering', 'aanbod-escalatie');
      break;
    case 'AANBOD_GEACCEPTEERD':
      state.phase = 'contractAdvies';
      out.effects.push({ kind: 'notify', subject: event.type });
      break;
    case 'CONTRACTVORM_GEADVISEERD':
      state.phase = 'contractOndertekening';
      state.advisedForm = event.data?.form as ContractForm;
      break;
    case 'CONTRACT_GETEKEND': {
      state.phase = 'tijdelijk';
      state.form = state.advisedForm;
      state.contractAt = at;
      const opensAt = at + terms.evaluationIntervalMs;
      state.evaluation = { number: 1, opensAt, invited: false, held: false, escalated: false };
      out.effects.push(
        {
          kind: 'invite',
          meeting: 'kennismakingsgesprek',
          number: 1,
          opens: at,
          dueBy: at + terms.kennismakingMs,
        },
        { kind: 'notify', subject: event.type },
      );
      out.start.push(
        { id: 'kennismaking-termijn', type: 'KENNISMAKING_TERMIJN', fireAt: at + terms.kennismakingMs },
        { id: 'evaluatie-uitnodiging', type: 'EVALUATIE_UITNODIGING', fireAt: opensAt },
      );
      break;
    }
    case 'GESPREK_GEPLAND': {
      const meeting = String(meetingOf(event));
      const number = meeting === 'kennismakingsgesprek' ? 1 : state.evaluation.number;
      out.effects.push({ kind: 'confirm', meeting, number, plannedAt: String(event.data?.plannedAt) });
      break;
    }
    case 'GESPREK_GEVOERD':
      if (meetingOf(event) === 'kennismakingsgesprek') {
        state.kennismaking = 'held';
        out.cancel.push('kennismaking-termijn');
      } else {
        state.evaluation.held = true;
        state.unrecorded += 1;
        out.cancel.push('evaluatie-termijn');
      }
      break;
    case 'KENNISMAKING_TERMIJN':
      if (state.kennismaking === 'open') {
        state.kennismaking = 'escalated';
        escalate(state, 'kennismakingsgesprekGemist', at, out);
      }
      break;
    case 'EVALUATIE_UITNODIGING': {
      const e = state.evaluation;
      const opensAt = e.invited ? e.opensAt + terms.evaluationIntervalMs : e.opensAt;
      const number = e.invited ? e.number + 1 : e.number;
      state.evaluation = { number, opensAt, invited: true, held: false, escalated: false };
      const dueBy = opensAt + terms.evaluationWithinMs;
      out.effects.push({ kind: 'invite', meeting: 'evaluatiegesprek', number, opens: opensAt, dueBy });
      out.start.push(
        { id: 'evaluatie-termijn', type: 'EVALUATIE_TERMIJN', fireAt: dueBy },
        {
          id: 'evaluatie-uitnodiging',
          type: 'EVALUATIE_UITNODIGING',
          fireAt: opensAt + terms.evaluationIntervalMs,
        },
      );
      break;
    }
    case 'EVALUATIE_TERMIJN':
      if (state.evaluation.invited && !state.evaluation.held && !state.evaluation.escalated) {
        state.evaluation.escalated = true;
        escalate(state, 'evaluatiegesprekGemist', at, out);
      }
      break;
    case 'EVALUATIE_VASTGELEGD':
      state.recorded += 1;
      state.unrecorded -= 1;
      break;
    case 'OMKLAPPEN_AKKOORD':
      state.agreements.push(role(event));
      if (state.agreements.includes('corporatie') && state.agreements.includes('zorgaanbieder')) {
        state.phase = 'regulier';
        out.effects.push({ kind: 'notify', subject: 'omgeklapt' });
        out.cancel.push('kennismaking-termijn', 'evaluatie-uitnodiging', 'evaluatie-termijn');
      } else {
        state.phase = 'omklappen';
      }
      break;
    case 'BEGELEIDING_AFGESCHAALD':
      state.phase = 'waakvlam';
      state.waakvlam = { periodStart: at, nextCheckIn: at + terms.waakvlamCheckInMs, hours: 0 };
      out.effects.push({ kind: 'notify', subject: event.type });
      out.start.push({
        id: 'waakvlam-checkin',
        type: 'WAAKVLAM_CHECKIN',
        fireAt: state.waakvlam.nextCheckIn,
      });
      break;
    case 'WAAKVLAM_CHECKIN': {
      const nextCheckIn = at + terms.waakvlamCheckInMs;
      state.waakvlam = { periodStart: at, nextCheckIn, hours: 0 };
      state.escalated = state.escalated.filter((k) => k !== 'contactbudgetOverschreden');
      out.effects.push({
        kind: 'waakvlamContact',
        periodStart: at,
        dueBy: nextCheckIn,
        budgetHours: terms.waakvlamBudgetHours,
      });
      out.start.push({ id: 'waakvlam-checkin', type: 'WAAKVLAM_CHECKIN', fireAt: nextCheckIn });
      break;
    }
    case 'CONTACT_GELOGD': {
      const hours = Number(event.data?.hours ?? 0);
      if (state.waakvlam.hours + hours > terms.waakvlamBudgetHours)
        escalate(state, 'contactbudgetOverschreden', at, out);
      state.waakvlam.hours += hours;
      break;
    }
    case 'TRAJECT_AFGESLOTEN':
      if (state.phase === 'waakvlam') out.cancel.push('waakvlam-checkin');
      state.phase = 'afgesloten';
      out.effects.push({ kind: 'notify', subject: event.type });
      break;
  }
  return out;
}
