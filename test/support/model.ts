/**
 * A test model of a traject with a clock: the machine's snapshot, its pending timers and what it asked for.
 * Feeding it an event first fires every timer due before the event, exactly as Temporal would, so any path
 * through it is one the workflow can replay with time-skipping.
 */
import { fromTransition, getNextTransitions } from 'xstate';
import {
  addDuration,
  allowedEvents,
  takeEvent,
  decide,
  defaultOrganisation,
  permittedRoles,
  rolesWithoutOrganisation,
  startTraject,
  toPublicStatus,
  phaseOf,
  type Actor,
  type Covenant,
  type CoordinatorEventType,
  type Effect,
  type PendingTimer,
  type Refusal,
  type Role,
  type TrajectEvent,
  type TrajectSnapshot,
} from '../../machines';

export interface ModelState {
  snapshot: TrajectSnapshot;
  timers: PendingTimer[];
  /** Every effect so far, with the time it was asked for. */
  effects: Array<{ at: string; effect: Effect }>;
  /** Every event the machine took, timer events included. */
  taken: TrajectEvent[];
}

/** A coordinator event as a test sends it: the model records it at `at`. */
export interface SendEvent {
  type: CoordinatorEventType;
  actor: Actor;
  data?: Record<string, unknown>;
  at: string;
}
/** Let the next pending timer fire. */
export interface AdvanceEvent {
  type: 'ADVANCE';
}
export type ModelEvent = SendEvent | AdvanceEvent;

export const START = '2026-01-05T09:00:00.000Z';

/** The actor the tests use for a role: the covenant's first organisation of that role. */
export function actorFor(covenant: Covenant, role: Role): Actor {
  if (rolesWithoutOrganisation.includes(role)) return { role, personId: `${role}-1` };
  return {
    role,
    organisation: defaultOrganisation(covenant, role) ?? 'Testorganisatie',
    personId: `${role}-1`,
  };
}

export function initialModel(covenant: Covenant, trajectRef = 'client-0001', at = START): ModelState {
  const step = startTraject({
    trajectRef,
    origin: 'BW',
    covenant,
    registeredAt: at,
    registeredBy: actorFor(covenant, 'zorgaanbieder'),
    // As the workflow starts a traject today (patched); golden histories recorded before keep their own rules.
    rules: { escalationsLapse: true },
  });
  return {
    snapshot: step.snapshot,
    timers: step.timers,
    effects: step.effects.map((effect) => ({ at, effect })),
    taken: [],
  };
}

function take(state: ModelState, event: TrajectEvent, timers: PendingTimer[]): ModelState {
  const step = takeEvent(state.snapshot, timers, event);
  return {
    snapshot: step.snapshot,
    timers: step.timers,
    effects: [...state.effects, ...step.effects.map((effect) => ({ at: event.at, effect }))],
    taken: [...state.taken, event],
  };
}

/** Fires every timer due at or before `until`, in order. */
export function fireDue(state: ModelState, until: string): ModelState {
  let current = state;
  for (;;) {
    const [first, ...rest] = current.timers;
    if (!first || Date.parse(first.fireAt) > Date.parse(until) || current.snapshot.status !== 'active')
      return current;
    current = take(current, first.event, rest);
  }
}

export type SendResult = { ok: true; state: ModelState } | { ok: false; state: ModelState; refusal: Refusal };

/** Sends a coordinator event at its time: first the timers due before it, then the event through `decide`. */
export function send(state: ModelState, event: SendEvent): SendResult {
  const before = fireDue(state, event.at);
  const decision = decide(
    before.snapshot,
    { type: event.type, actor: event.actor, data: event.data },
    event.at,
  );
  if (!decision.ok) return { ok: false, state: before, refusal: decision.refusal };
  return { ok: true, state: take(before, decision.event, before.timers) };
}

export function step(state: ModelState, event: ModelEvent): ModelState {
  if (event.type === 'ADVANCE') {
    const [first, ...rest] = state.timers;
    return first && state.snapshot.status === 'active' ? take(state, first.event, rest) : state;
  }
  return send(state, event).state;
}

/** The model as XState actor logic, for @xstate/graph. */
export function modelLogic(covenant: Covenant) {
  return fromTransition((state: ModelState, event: ModelEvent) => step(state, event), initialModel(covenant));
}

/**
 * One example of each event a state can take, a day after the last event (signatures at the earliest conversion
 * date), keeping only those the machine accepts: the graph's edges are real transitions.
 */
export function sampleEvents(state: ModelState): ModelEvent[] {
  return candidateEvents(state).filter((event) => event.type === 'ADVANCE' || send(state, event).ok);
}

/** One example of each event type the state has a transition for, valid or not. */
export function candidateEvents(state: ModelState): ModelEvent[] {
  const { context } = state.snapshot;
  const covenant = context.covenant;
  const at = addDuration(context.lastEventAt, 'P1D');
  const by = (type: CoordinatorEventType) => actorFor(covenant, permittedRoles(covenant, type)[0]!);
  const out: Array<SendEvent | AdvanceEvent> = [];
  const push = (type: CoordinatorEventType, data?: Record<string, unknown>, actor = by(type), when = at) =>
    out.push({ type, actor, at: when, ...(data ? { data } : {}) });
  const openReport = context.nuisance.open[0]?.id ?? 'overlast-1';
  for (const type of allowedEvents(state.snapshot)) {
    switch (type) {
      case 'INGETROKKEN':
        push(type, { reason: 'client' });
        break;
      case 'URGENTIE_TOEGEKEND':
        push(type, { searchProfile: { districts: ['Haven'] } });
        break;
      case 'URGENTIE_AFGEWEZEN':
        push(type, { reason: 'geenUrgentie' });
        break;
      case 'WONING_AANGEBODEN':
        push(type, { homeRef: 'woning-0001' });
        break;
      case 'AANBOD_GEWEIGERD':
        push(type, { reason: 'locatie' });
        break;
      case 'CONTRACTVORM_GEADVISEERD':
        for (const form of covenant.contractForms) push(type, { form });
        break;
      case 'CONTRACT_GETEKEND':
        push(type, { form: context.contract.advisedForm });
        break;
      case 'GESPREK_GEPLAND':
        for (const meeting of ['kennismakingsgesprek', 'evaluatiegesprek']) {
          push(type, { meeting, plannedAt: addDuration(at, 'P2D') });
        }
        break;
      case 'GESPREK_GEVOERD':
        for (const meeting of ['kennismakingsgesprek', 'evaluatiegesprek']) push(type, { meeting });
        break;
      case 'EVALUATIE_VASTGELEGD':
        push(type, { indicators: goodIndicators, advice: 'omklappen' });
        break;
      case 'OVERLAST_GEMELD':
        push(type, { severity: 'midden' });
        break;
      case 'OVERLAST_OPGEPAKT':
      case 'OVERLAST_AFGEHANDELD':
        push(type, { reportId: openReport });
        break;
      case 'HUURACHTERSTAND_GESIGNALEERD':
        push(type, { months: 2 });
        break;
      case 'CONTACT_GELOGD':
        push(type, { hours: 1 });
        push(type, { hours: 3 });
        break;
      case 'OMKLAPPEN_AKKOORD': {
        const earliest = context.contract.earliestConversion;
        const when = earliest && Date.parse(earliest) > Date.parse(at) ? earliest : at;
        for (const role of covenant.conversionSignatories)
          push(type, undefined, actorFor(covenant, role), when);
        break;
      }
      case 'CONTRACT_BEEINDIGD':
        push(type, { reason: 'opzegging' });
        break;
      default:
        push(type);
    }
  }
  if (state.timers.length > 0) out.push({ type: 'ADVANCE' });
  return out;
}

export const goodIndicators = {
  dak: 'goed',
  inkomen: 'goed',
  daginvulling: 'goed',
  ondersteuning: 'goed',
  eigenaarschap: 'goed',
  huurbetaling: 'goed',
  overlast: 'goed',
} as const;

/** A readable name for a model event. */
export function describeEvent(event: ModelEvent): string {
  if (event.type === 'ADVANCE') return 'timer';
  const detail =
    event.data && ('meeting' in event.data || 'form' in event.data)
      ? `(${String(event.data.meeting ?? event.data.form)})`
      : '';
  return event.actor ? `${event.type}${detail} as ${event.actor.role}` : event.type;
}

/** Whether a non-final snapshot has an event or a timer that takes it to another state. */
export function leadsOn(snapshot: TrajectSnapshot): boolean {
  return getNextTransitions(snapshot).some((t) => (t.target?.length ?? 0) > 0);
}

export { toPublicStatus, phaseOf };
