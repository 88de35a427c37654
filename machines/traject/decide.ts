/**
 * Whether the traject may take an event now, and if not, which rule refused it and why. Pure: the workflow's
 * update validator calls it before anything enters history, and the timeline replays it.
 */
import { getNextTransitions } from 'xstate';
import type { Covenant } from '../covenant';
import { CoordinatorEventSchema, EventInputSchema, type CoordinatorEvent } from '../events';
import type { CoordinatorEventType, Phase, Role } from '../vocabulary';
import { guardExplanations, type GuardName } from './guards';
import { allowedEvents, phaseOf, type TrajectSnapshot } from './status';

/** The three ways an event is refused; the names are the typed errors callers catch. */
export type RefusalCode = 'InvalidEventData' | 'RoleNotPermitted' | 'NotAllowedInPhase';

export interface Refusal {
  code: RefusalCode;
  /** The rule that refused: `schema`, `permissions.<EVENT>`, `phase`, or the name of a guard. */
  rule: string;
  message: string;
  phase?: Phase;
  /** What would have been accepted: roles for RoleNotPermitted, events for NotAllowedInPhase. */
  allowed?: string[];
  /** Field problems for InvalidEventData. */
  issues?: Array<{ field: string; message: string }>;
}

export type Decision = { ok: true; event: CoordinatorEvent } | { ok: false; refusal: Refusal };

function issuesOf(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }) {
  return error.issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join('.') : '(event)',
    message: i.message,
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
    message: `a ${role} may not send ${type} under covenant ${covenant.id}; allowed: ${allowed.join(', ')}`,
    allowed,
  };
}

/**
 * Checks an event a party sends, recorded at `at`: its shape and data (zod), the actor's role (covenant), and
 * whether the machine can take it now (phase and guards). Returns the event as the machine takes it, or why not.
 */
export function decide(snapshot: TrajectSnapshot, input: unknown, at: string): Decision {
  const envelope = EventInputSchema.safeParse(input);
  if (!envelope.success) {
    const issues = issuesOf(envelope.error);
    return {
      ok: false,
      refusal: { code: 'InvalidEventData', rule: 'schema', message: describe(issues), issues },
    };
  }
  const { type, actor } = envelope.data;
  const covenant = snapshot.context.covenant;
  const denied = checkPermission(covenant, type, actor.role);
  if (denied) return { ok: false, refusal: denied };

  const parsed = CoordinatorEventSchema.safeParse({ type, actor, at, data: envelope.data.data ?? {} });
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    return {
      ok: false,
      refusal: { code: 'InvalidEventData', rule: 'schema', message: `${type}: ${describe(issues)}`, issues },
    };
  }
  const event = parsed.data;
  const phase = phaseOf(snapshot);
  const possible = allowedEvents(snapshot);
  if (!possible.includes(type)) {
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
  if (!snapshot.can(event)) {
    const rule = failedGuard(snapshot, event);
    return {
      ok: false,
      refusal: {
        code: 'NotAllowedInPhase',
        rule: rule ?? 'phase',
        phase,
        allowed: possible,
        message: `${type} is not allowed now: ${rule ? guardExplanations[rule]({ context: snapshot.context, event }) : 'no transition applies'}`,
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
