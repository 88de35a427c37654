/**
 * The stable public status of a traject: a pure mapping from the machine's snapshot. Dashboards and clients rely
 * on these names; internal state names may change, this mapping must not.
 */
import { getNextTransitions, type SnapshotFrom, type StateValue } from 'xstate';
import { addDuration } from '../duration';
import { coordinatorEventTypes } from '../event-types';
import { hash53 } from '../hash53';
import type { ContractForm, CoordinatorEventType, EscalationKind, Origin, Phase, Role } from '../vocabulary';
import type { TrajectEvent } from '../events';
import type { TrajectContext } from './context';
import type { TrajectMachine } from './machine';

export type TrajectSnapshot = SnapshotFrom<TrajectMachine>;

/** Internal state → public phase. The first match wins, so deeper states come first. */
const phaseTable: ReadonlyArray<[Parameters<TrajectSnapshot['matches']>[0], Phase]> = [
  ['aanmelding', 'aanmelding'],
  ['urgentie', 'urgentie'],
  ['matching', 'matching'],
  ['contractering', 'contractering'],
  [{ bewoning: 'timeout' }, 'timeout'],
  [{ bewoning: { huurperiode: { tijdelijk: 'lopend' } } }, 'tijdelijkContract'],
  [{ bewoning: { huurperiode: { tijdelijk: 'omklappen' } } }, 'omklappen'],
  [{ bewoning: { huurperiode: { regulier: 'begeleid' } } }, 'regulierContract'],
  [{ bewoning: { huurperiode: { regulier: 'waakvlam' } } }, 'waakvlam'],
  ['afgesloten', 'afgesloten'],
  ['beeindigd', 'beeindigd'],
  ['ingetrokken', 'ingetrokken'],
];

/**
 * The phase and the events a state has transitions for depend on its state alone, and the workflow, `decide` and the
 * status ask for them several times per transition: each is worked out once per state and remembered. The machine
 * has no parallel states, so a snapshot is in one atomic (or final) state node, which names its whole state value:
 * that node is the key, found among the snapshot's few active nodes without writing the value out. A snapshot of a
 * machine with parallel regions would be keyed by its value written out (`bewoning(huurperiode(tijdelijk(lopend)))`).
 */
const phases = new Map<unknown, Phase>();
const transitionTypes = new Map<unknown, StateEvents>();

/** What a state value has transitions for. */
export interface StateEvents {
  /** Coordinator events it has a transition for (before guards), in the vocabulary's order. */
  types: readonly CoordinatorEventType[];
  /**
   * Event types it takes whatever the context and the event's data: the first transition XState tries for them has
   * no guard (and does something), so `snapshot.can` would say yes without asking a guard.
   */
  unguarded: ReadonlySet<string>;
  /**
   * For each event type whose transitions are all unguarded or guarded by a named predicate of `setup({ guards })`,
   * those transitions in the order XState tries them (the atomic state's own, then its ancestors'): `canTake` asks
   * their guards directly, as `snapshot.can` would.
   */
  guarded: ReadonlyMap<string, readonly GuardedTransition[]>;
}

/** A transition as `snapshot.can` weighs it: its guard's name (none: it always applies), and whether it does anything. */
export interface GuardedTransition {
  guard: string | undefined;
  takes: boolean;
}

function valueKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  let key = '';
  for (const name in value) {
    const child = value[name];
    key += `${name}(${child === undefined ? '' : valueKey(child)})`;
  }
  return key;
}

/** The snapshot's one atomic state node, or its state value written out when it is in more than one. */
function stateKey(snapshot: TrajectSnapshot): unknown {
  let leaf: unknown;
  for (const node of snapshot._nodes) {
    if (node.type !== 'atomic' && node.type !== 'final') continue;
    if (leaf !== undefined) return valueKey(snapshot.value);
    leaf = node;
  }
  return leaf ?? valueKey(snapshot.value);
}

/** The public phase of a snapshot. */
export function phaseOf(snapshot: TrajectSnapshot): Phase {
  const key = stateKey(snapshot);
  const known = phases.get(key);
  if (known) return known;
  for (const [value, phase] of phaseTable) {
    if (snapshot.matches(value)) {
      phases.set(key, phase);
      return phase;
    }
  }
  throw new Error(`no public phase for state ${JSON.stringify(snapshot.value)}`);
}

export type DeadlineKind =
  | 'urgentiebesluit'
  | 'aanbodHerinnering'
  | 'aanbodEscalatie'
  | 'kennismakingsgesprek'
  | 'evaluatiegesprek'
  | 'overlastReactie'
  | 'overlastEscalatie'
  | 'huurachterstandOpvolging'
  | 'waakvlamCheckIn';

export interface Deadline {
  kind: DeadlineKind;
  dueAt: string;
  /** Who must act before then. */
  roles: Role[];
  reference?: string;
}

export interface ScheduledMeeting {
  meeting: 'kennismakingsgesprek' | 'evaluatiegesprek' | 'waakvlamcontact';
  number: number;
  invitedAt: string | null;
  /** When the invitation goes out, for a meeting not invited yet. */
  opensAt: string | null;
  dueBy: string;
  plannedAt: string | null;
}

export interface PublicStatus {
  trajectRef: string;
  /** The covenant (region) the traject runs under. */
  region: string;
  origin: Origin;
  phase: Phase;
  updatedAt: string;
  support: 'intensief' | 'waakvlam' | null;
  contract: {
    advisedForm: ContractForm | null;
    form: ContractForm | null;
    startedAt: string | null;
    earliestConversion: string | null;
    agreements: Role[];
    extensions: number;
    convertedAt: string | null;
  };
  deadlines: Deadline[];
  meetings: ScheduledMeeting[];
  nextMeetingDue: string | null;
  escalations: Array<{ kind: EscalationKind; since: string; roles: Role[]; reference?: string }>;
  evaluations: { recorded: number; required: number; lastAdvice: string | null };
  nuisance: {
    open: Array<{
      id: string;
      severity: string;
      routedTo: Role;
      responseDue: string;
      escalationDue: string;
      respondedAt: string | null;
    }>;
    closed: number;
  };
  rentArrears: { since: string; followUpDue: string; months: number } | null;
  timeout: { since: string | null; count: number; totalDays: number };
  waakvlam: {
    since: string;
    periodStart: string;
    nextCheckIn: string;
    hoursThisPeriod: number;
    budgetHours: number;
  } | null;
  ended: { reason: string; at: string } | null;
  /** Coordinator events this phase can take (guards may still refuse one). */
  allowedEvents: CoordinatorEventType[];
}

const noEvents: StateEvents = { types: [], unguarded: new Set(), guarded: new Map() };

/** What the snapshot's state has transitions for: nothing once the traject has ended. */
export function stateEvents(snapshot: TrajectSnapshot): StateEvents {
  if (snapshot.status !== 'active') return noEvents;
  const key = stateKey(snapshot);
  let known = transitionTypes.get(key);
  if (!known) {
    const transitions = getNextTransitions(snapshot);
    const types = new Set<string>(transitions.map((t) => t.eventType as string));
    // XState tries a state's own transitions before its ancestors', in this order; a wildcard would change that.
    const unguarded = new Set<string>();
    const guarded = new Map<string, GuardedTransition[]>();
    if (![...types].some((type) => type.includes('*'))) {
      const guards = snapshot.machine.implementations.guards as Record<string, unknown>;
      const isNamedPredicate = (guard: unknown): guard is string =>
        typeof guard === 'string' &&
        typeof guards[guard] === 'function' &&
        !('check' in (guards[guard] as object));
      for (const type of types) {
        const ofType = transitions.filter((t) => t.eventType === type);
        const takes = (t: (typeof ofType)[number]) => t.target !== undefined || t.actions.length > 0;
        if (!ofType[0]!.guard && takes(ofType[0]!)) unguarded.add(type);
        if (ofType.every((t) => t.guard === undefined || isNamedPredicate(t.guard))) {
          guarded.set(
            type,
            ofType.map((t) => ({ guard: t.guard as string | undefined, takes: takes(t) })),
          );
        }
      }
    }
    known = { types: coordinatorEventTypes.filter((type) => types.has(type)), unguarded, guarded };
    transitionTypes.set(key, known);
  }
  return known;
}

/**
 * Whether the snapshot's state would take the event now, as `snapshot.can(event)` says, without XState walking the
 * state nodes again to find the transitions: the first of them whose guard passes decides. An event type whose
 * transitions `stateEvents` does not list, and a guard that throws (XState words that error), go to `snapshot.can`.
 */
export function canTake(snapshot: TrajectSnapshot, event: TrajectEvent): boolean {
  const transitions = stateEvents(snapshot).guarded.get(event.type);
  if (!transitions) return snapshot.can(event);
  const guards = snapshot.machine.implementations.guards as Record<
    string,
    (args: { context: TrajectContext; event: TrajectEvent }, params: undefined) => boolean
  >;
  const args = { context: snapshot.context, event };
  try {
    for (const transition of transitions) {
      if (transition.guard === undefined || guards[transition.guard]!(args, undefined))
        return transition.takes;
    }
  } catch {
    return snapshot.can(event);
  }
  return false;
}

/** Coordinator events the snapshot has a transition for (before guards). */
export function allowedEvents(snapshot: TrajectSnapshot): CoordinatorEventType[] {
  return stateEvents(snapshot).types.slice();
}

function nextEvaluation(context: TrajectContext): { opensAt: string; dueBy: string; number: number } | null {
  const { evaluation, covenant } = context;
  if (!evaluation.opensAt) return null;
  const opensAt = evaluation.invited
    ? addDuration(evaluation.opensAt, covenant.terms.evaluatiegesprekInterval)
    : evaluation.opensAt;
  return {
    opensAt,
    dueBy: addDuration(opensAt, covenant.terms.evaluatiegesprekWithin),
    number: evaluation.invited ? evaluation.number + 1 : evaluation.number,
  };
}

function deadlinesOf(snapshot: TrajectSnapshot, phase: Phase): Deadline[] {
  const { context } = snapshot;
  const { permissions } = context.covenant;
  const result: Deadline[] = [];
  if (snapshot.matches({ urgentie: 'beoordeling' }) && context.urgency.decisionDue) {
    result.push({
      kind: 'urgentiebesluit',
      dueAt: context.urgency.decisionDue,
      roles: permissions.URGENTIE_TOEGEKEND,
    });
  }
  if (snapshot.matches({ matching: 'zoeken' })) {
    if (!context.offer.reminded && context.offer.reminderDue) {
      result.push({
        kind: 'aanbodHerinnering',
        dueAt: context.offer.reminderDue,
        roles: permissions.WONING_AANGEBODEN,
      });
    }
    if (!context.offer.escalated && context.offer.escalationDue) {
      result.push({
        kind: 'aanbodEscalatie',
        dueAt: context.offer.escalationDue,
        roles: permissions.WONING_AANGEBODEN,
      });
    }
  }
  if (phase === 'tijdelijkContract' || phase === 'omklappen') {
    const { kennismaking, evaluation } = context;
    if (!kennismaking.heldAt && kennismaking.due) {
      result.push({
        kind: 'kennismakingsgesprek',
        dueAt: kennismaking.due,
        roles: permissions.GESPREK_GEVOERD,
      });
    }
    if (evaluation.invited && !evaluation.heldAt && evaluation.due) {
      result.push({ kind: 'evaluatiegesprek', dueAt: evaluation.due, roles: permissions.GESPREK_GEVOERD });
    }
  }
  if (snapshot.matches('bewoning')) {
    for (const report of context.nuisance.open) {
      if (!report.respondedAt) {
        result.push({
          kind: 'overlastReactie',
          dueAt: report.responseDue,
          roles: permissions.OVERLAST_OPGEPAKT,
          reference: report.id,
        });
      }
      result.push({
        kind: 'overlastEscalatie',
        dueAt: report.escalationDue,
        roles: permissions.OVERLAST_AFGEHANDELD,
        reference: report.id,
      });
    }
    if (context.arrears) {
      result.push({
        kind: 'huurachterstandOpvolging',
        dueAt: context.arrears.followUpDue,
        roles: permissions.HUURACHTERSTAND_OPGELOST,
      });
    }
  }
  if (phase === 'waakvlam' && context.waakvlam?.nextCheckIn) {
    result.push({
      kind: 'waakvlamCheckIn',
      dueAt: context.waakvlam.nextCheckIn,
      roles: permissions.CONTACT_GELOGD,
    });
  }
  return result.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

function meetingsOf(context: TrajectContext, phase: Phase): ScheduledMeeting[] {
  const result: ScheduledMeeting[] = [];
  if (phase === 'tijdelijkContract' || phase === 'omklappen') {
    const { kennismaking, evaluation } = context;
    if (!kennismaking.heldAt && kennismaking.due) {
      result.push({
        meeting: 'kennismakingsgesprek',
        number: 1,
        invitedAt: kennismaking.invitedAt ?? null,
        opensAt: null,
        dueBy: kennismaking.due,
        plannedAt: kennismaking.plannedAt ?? null,
      });
    }
    if (evaluation.invited && !evaluation.heldAt && evaluation.due && evaluation.opensAt) {
      result.push({
        meeting: 'evaluatiegesprek',
        number: evaluation.number,
        invitedAt: evaluation.opensAt,
        opensAt: null,
        dueBy: evaluation.due,
        plannedAt: evaluation.plannedAt ?? null,
      });
    }
    const next = nextEvaluation(context);
    if (next) {
      result.push({
        meeting: 'evaluatiegesprek',
        number: next.number,
        invitedAt: null,
        opensAt: next.opensAt,
        dueBy: next.dueBy,
        plannedAt: null,
      });
    }
  }
  if (phase === 'waakvlam' && context.waakvlam?.nextCheckIn) {
    result.push({
      meeting: 'waakvlamcontact',
      number: 0,
      invitedAt: context.waakvlam.periodStart ?? null,
      opensAt: null,
      dueBy: context.waakvlam.nextCheckIn,
      plannedAt: null,
    });
  }
  return result.sort((a, b) => Date.parse(a.dueBy) - Date.parse(b.dueBy));
}

/** The public status of a traject. */
export function toPublicStatus(snapshot: TrajectSnapshot): PublicStatus {
  const { context } = snapshot;
  const phase = phaseOf(snapshot);
  const meetings = meetingsOf(context, phase);
  const form = context.contract.form;
  const lastEvaluation = context.evaluations[context.evaluations.length - 1];
  return {
    trajectRef: context.trajectRef,
    region: context.covenant.id,
    origin: context.origin,
    phase,
    updatedAt: context.lastEventAt,
    support:
      phase === 'waakvlam'
        ? 'waakvlam'
        : ['tijdelijkContract', 'omklappen', 'regulierContract', 'timeout'].includes(phase)
          ? 'intensief'
          : null,
    contract: {
      advisedForm: context.contract.advisedForm ?? null,
      form: form ?? null,
      startedAt: context.contract.startedAt ?? null,
      earliestConversion: context.contract.earliestConversion ?? null,
      agreements: Object.keys(context.contract.agreements) as Role[],
      extensions: context.contract.extensions,
      convertedAt: context.contract.convertedAt ?? null,
    },
    deadlines: deadlinesOf(snapshot, phase),
    meetings,
    nextMeetingDue: meetings[0]?.dueBy ?? null,
    escalations: context.escalations.map(({ kind, since, roles, id }) => {
      const reference = id.includes(':') ? id.slice(id.indexOf(':') + 1) : undefined;
      return { kind, since, roles, ...(reference ? { reference } : {}) };
    }),
    evaluations: {
      recorded: context.evaluations.length,
      required: form ? context.covenant.terms.minimumEvaluations[form] : 0,
      lastAdvice: lastEvaluation?.advice ?? null,
    },
    nuisance: {
      open: context.nuisance.open.map((r) => ({
        id: r.id,
        severity: r.severity,
        routedTo: r.routedTo,
        responseDue: r.responseDue,
        escalationDue: r.escalationDue,
        respondedAt: r.respondedAt ?? null,
      })),
      closed: context.nuisance.closed,
    },
    rentArrears: context.arrears,
    timeout: {
      since: phase === 'timeout' ? (context.timeout.since ?? null) : null,
      count: context.timeout.count,
      totalDays: Math.round(context.timeout.totalMs / 86_400_000),
    },
    waakvlam:
      phase === 'waakvlam' &&
      context.waakvlam?.since &&
      context.waakvlam.periodStart &&
      context.waakvlam.nextCheckIn
        ? {
            since: context.waakvlam.since,
            periodStart: context.waakvlam.periodStart,
            nextCheckIn: context.waakvlam.nextCheckIn,
            hoursThisPeriod: context.waakvlam.hoursThisPeriod,
            budgetHours: context.covenant.terms.waakvlamContactBudgetHours,
          }
        : null,
    ended: context.ended ?? null,
    allowedEvents: allowedEvents(snapshot),
  };
}

/**
 * A short fingerprint of a public status (53 bits, base 36): what a compact update result records instead of the
 * whole status, so that an auditor's reconstruction can still be checked against every status the traject had.
 * Not a secret and not collision-proof against an adversary: it catches a reconstruction that went another way.
 */
export function statusDigest(status: PublicStatus): string {
  const text = JSON.stringify(status);
  return hash53(text, 0x9e3779b9, 0x85ebca6b);
}
