/**
 * Whether the traject may take an event now, and if not, which rule refused it and why. Pure: the workflow's
 * update validator calls it before anything enters history, and the timeline replays it.
 */
import { getNextTransitions } from 'xstate';
import type { Covenant } from '../covenant';
import { eventDataProblem } from '../event-data';
import type { Actor, CoordinatorEvent } from '../events';
import { coordinatorEventValidator, eventInputValidator } from '../validation/generated-validators';
import type { CoordinatorEventType, Phase, Role } from '../vocabulary';
import { guardExplanations, withArticle, type GuardName } from './guards';
import { canTake, phaseOf, stateEvents, type TrajectSnapshot } from './status';

/** The ways an event is refused; the names are the typed errors callers catch. */
export type RefusalCode =
  'InvalidEventData' | 'RoleNotPermitted' | 'NotAllowedInPhase' | 'IdempotencyKeyReused';

export interface Refusal {
  code: RefusalCode;
  /**
   * The rule that refused: `schema`, `eventData` (size, depth, keys), `permissions.<EVENT>`, `parties.<role>`,
   * `erasure`, `phase`, `idempotencyKey`, or the covenant term or traject state that is not met yet
   * (`terms.minimumTerm.omklapcontract`, `terms.minimumEvaluations.driepartijenovereenkomst`,
   * `conversionSignatories`, …).
   */
  rule: string;
  /** Says what failed and what is still needed; never quotes the data that was sent. */
  message: string;
  phase?: Phase;
  /** What would have been accepted: roles for RoleNotPermitted, organisations for `parties.*`, events for NotAllowedInPhase. */
  allowed?: string[];
  /** Field problems for InvalidEventData. */
  issues?: Array<{ field: string; message: string }>;
}

export type Decision = { ok: true; event: CoordinatorEvent } | { ok: false; refusal: Refusal };

/** A key or path segment is named in a refusal only when it looks like a field name; anything else could be data. */
const fieldName = (segment: PropertyKey) =>
  typeof segment === 'number' || /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(String(segment))
    ? String(segment)
    : '(a key that is no field)';

/**
 * zod's issues as field problems, without the sent data: unknown keys (which zod quotes) are named only when they
 * look like a field name, so that a refusal stays small and never carries the caller's data back.
 */
export function issuesOf(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }>;
}): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({
    field: i.path.length ? i.path.map(fieldName).join('.') : '(event)',
    message:
      i.code === 'unrecognized_keys'
        ? `unknown field(s): ${(i.keys ?? []).slice(0, 5).map(fieldName).join(', ')}`
        : i.message,
  }));
}

function describe(issues: Array<{ field: string; message: string }>): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}

/** Which roles the covenant lets send this event. */
export function permittedRoles(covenant: Covenant, type: CoordinatorEventType): Role[] {
  return covenant.permissions[type] ?? [];
}

/** A refusal when `role` may not send `type` under this covenant, else null. */
export function checkPermission(covenant: Covenant, type: CoordinatorEventType, role: Role): Refusal | null {
  const allowed = permittedRoles(covenant, type);
  if (allowed.includes(role)) return null;
  return {
    code: 'RoleNotPermitted',
    rule: `permissions.${type}`,
    message: `${withArticle(role)} may not send ${type} under covenant ${covenant.id}; allowed: ${allowed.join(', ') || 'nobody'}`,
    allowed,
  };
}

/**
 * A refusal when the actor's organisation is no party of the covenant in that role, else null. A role the covenant
 * names parties for acts only for one of them (Almere's corporations: Ymere, GoedeStede, De Alliantie). A role it
 * names none for (the client and a neighbour, who act for themselves; a wijkteam where the covenant lists none) is
 * decided by its permission alone: a covenant that wants to bind such a role to organisations lists them in `parties`.
 */
export function checkParty(covenant: Covenant, actor: Actor): Refusal | null {
  const parties = covenant.parties.filter((p) => p.role === actor.role).map((p) => p.organisation);
  if (parties.length === 0 || (actor.organisation !== undefined && parties.includes(actor.organisation)))
    return null;
  return {
    code: 'RoleNotPermitted',
    rule: `parties.${actor.role}`,
    message: `${actor.organisation ?? 'this organisation'} is no ${actor.role} party of covenant ${covenant.id}; its ${actor.role} parties: ${parties.join(', ')}`,
    allowed: parties,
  };
}

/** A refusal when the actor may not have the traject's data erased under its covenant (`erasure`, `parties`). */
export function checkErasure(covenant: Covenant, actor: Actor): Refusal | null {
  if (!covenant.erasure.includes(actor.role)) {
    return {
      code: 'RoleNotPermitted',
      rule: 'erasure',
      message: `${withArticle(actor.role)} may not erase trajecten under covenant ${covenant.id}; allowed: ${covenant.erasure.join(', ')}`,
      allowed: covenant.erasure,
    };
  }
  return checkParty(covenant, actor);
}

const invalid = (rule: string, message: string, issues?: Refusal['issues']): Decision => ({
  ok: false,
  refusal: { code: 'InvalidEventData', rule, message, ...(issues ? { issues } : {}) },
});

export interface DecideOptions {
  /**
   * Decide as before the parties and the event-data limits were checked (issue 16): only for a workflow replaying a
   * history recorded before then, which must take again exactly what it took.
   */
  legacy?: boolean;
}

/**
 * Checks an event a party sends, recorded at `at`: its shape and data (limits, then zod), the actor's role and
 * organisation (covenant), and whether the machine can take it now (phase and guards). Returns the event as the
 * machine takes it, or why not.
 */
export function decide(
  snapshot: TrajectSnapshot,
  input: unknown,
  at: string,
  options: DecideOptions = {},
): Decision {
  const envelope = eventInputValidator.safeParse(input);
  if (!envelope.success) {
    const issues = issuesOf(envelope.error);
    return invalid('schema', describe(issues), issues);
  }
  const { type, actor } = envelope.data;
  // The data as sent, not as parsed: zod's copy would already have lost a `__proto__` key.
  const problem = options.legacy ? undefined : eventDataProblem((input as { data?: unknown }).data ?? {});
  if (problem)
    return invalid('eventData', `${type}: data: ${problem}`, [{ field: 'data', message: problem }]);
  const covenant = snapshot.context.covenant;
  const denied =
    checkPermission(covenant, type, actor.role) ?? (options.legacy ? null : checkParty(covenant, actor));
  if (denied) return { ok: false, refusal: denied };

  const parsed = coordinatorEventValidator.safeParse({ type, actor, at, data: envelope.data.data ?? {} });
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    return invalid('schema', `${type}: ${describe(issues)}`, issues);
  }
  const event = parsed.data;
  const phase = phaseOf(snapshot);
  const events = stateEvents(snapshot);
  if (!events.types.includes(type)) {
    const possible = events.types.slice();
    return {
      ok: false,
      refusal: {
        code: 'NotAllowedInPhase',
        rule: 'phase',
        phase,
        allowed: possible,
        message:
          snapshot.status === 'active'
            ? `${type} is not possible in phase ${phase}; possible now: ${possible.join(', ') || 'nothing'}`
            : `the traject has ended (${phase}); it takes no more events`,
      },
    };
  }
  // An event the state takes unguarded needs no guard asked.
  if (!events.unguarded.has(type) && !canTake(snapshot, event)) {
    const guard = failedGuard(snapshot, event);
    const why = guard
      ? guardExplanations[guard]({ context: snapshot.context, event })
      : { rule: 'phase', message: 'no transition applies' };
    // The refused event is possible in this phase, but not now: what else is possible, without it.
    const others = events.types.filter((t) => t !== type);
    return {
      ok: false,
      refusal: {
        code: 'NotAllowedInPhase',
        rule: why.rule,
        phase,
        allowed: others,
        message: `${type} is not allowed now: ${why.message}`,
      },
    };
  }
  return { ok: true, event };
}

/** The first guard that refused the event, among the transitions the phase has for its type. */
function failedGuard(snapshot: TrajectSnapshot, event: CoordinatorEvent): GuardName | undefined {
  for (const transition of getNextTransitions(snapshot)) {
    if (transition.eventType !== event.type || !transition.guard) continue;
    const guard = transition.guard as unknown;
    const name = typeof guard === 'string' ? guard : (guard as { type?: string }).type;
    if (name && name in guardExplanations) return name as GuardName;
  }
  return undefined;
}
