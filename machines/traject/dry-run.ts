/**
 * What moving a traject onto another covenant version would change, before anyone moves it: computed by the very
 * transition the migration runs (CONVENANT_GEWIJZIGD through the interpreter), followed by the deadlines that then
 * lie in the past and fire at once, exactly as the workflow fires them. Pure; the dry run and the migration agree.
 */
import { createActor, type AnyStateMachine, type Snapshot } from 'xstate';
import type { CovenantChangedEvent } from '../events';
import { addDuration, isAtOrAfter } from '../duration';
import type { TrajectContext } from './context';
import { fireNext, takeEvent, type PendingTimer, type Step } from './interpreter';
import { trajectMachine } from './machine';
import type { TrajectSnapshot } from './status';

/** One deadline the change moves, adds or drops: a pending timer, by id. */
export interface DeadlineMove {
  timer: string;
  event: string;
  /** When it fell due before the change; absent when the change adds it. */
  from?: string;
  /** When it falls due after; absent when the change drops it. */
  to?: string;
  /** The new deadline has passed at the change: it fires at once, as overdue. */
  overdue: boolean;
}

/** What a covenant change does to one traject. */
export interface MigrationPreview {
  at: string;
  fromVersion?: string;
  toVersion?: string;
  deadlines: DeadlineMove[];
  /** Evaluation invitations until the earliest conversion that the change adds or drops (their dates). */
  invitationsAdded: string[];
  invitationsDropped: string[];
  earliestConversion: { from?: string; to?: string };
  /** Escalations (ids) that open or close because of the change, overdue deadlines included. */
  escalationsOpened: string[];
  escalationsClosed: string[];
  /** The state after the change and its overdue deadlines: what the migration leaves behind. */
  after: { snapshot: TrajectSnapshot; timers: PendingTimer[] };
}

/** At most this many overdue deadlines fire at once after a change (an evaluation invites the next one, and so on). */
const MAX_OVERDUE = 100;

/**
 * The covenant change and then every deadline it left in the past, earliest first, as the workflow fires them: the
 * one step the migration takes, and the steps its overdue timers take right after.
 */
export function migrationSteps(
  snapshot: TrajectSnapshot,
  timers: readonly PendingTimer[],
  event: CovenantChangedEvent,
): Step[] {
  const steps = [takeEvent(snapshot, timers, event)];
  for (let i = 0; i < MAX_OVERDUE; i += 1) {
    const last = steps[steps.length - 1]!;
    const first = last.timers[0];
    if (!first || !isAtOrAfter(event.at, first.fireAt) || last.snapshot.status !== 'active') break;
    steps.push(fireNext(last.snapshot, last.timers)!);
  }
  return steps;
}

/** The evaluation invitations from the next one until the earliest conversion (at most 20). */
function plannedInvitations(context: TrajectContext): string[] {
  const { evaluation, contract, covenant } = context;
  if (!evaluation.opensAt || !contract.earliestConversion || contract.convertedAt) return [];
  const out: string[] = [];
  let next = evaluation.invited
    ? addDuration(evaluation.opensAt, covenant.terms.evaluatiegesprekInterval)
    : evaluation.opensAt;
  while (!isAtOrAfter(next, contract.earliestConversion) && out.length < 20) {
    out.push(next);
    next = addDuration(next, covenant.terms.evaluatiegesprekInterval);
  }
  return out;
}

/** What the covenant change `event` would do to a traject in `snapshot` with these pending timers. */
export function previewMigration(
  snapshot: TrajectSnapshot,
  timers: readonly PendingTimer[],
  event: CovenantChangedEvent,
): MigrationPreview {
  const steps = migrationSteps(snapshot, timers, event);
  const changed = steps[0]!;
  const last = steps[steps.length - 1]!;
  const before = new Map(timers.map((t) => [t.id, t]));
  const after = new Map(changed.timers.map((t) => [t.id, t]));
  const deadlines: DeadlineMove[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])]) {
    const old = before.get(id);
    const now = after.get(id);
    if (old?.fireAt === now?.fireAt) continue;
    deadlines.push({
      timer: id,
      event: (now ?? old)!.event.type,
      ...(old ? { from: old.fireAt } : {}),
      ...(now ? { to: now.fireAt } : {}),
      overdue: now !== undefined && isAtOrAfter(event.at, now.fireAt),
    });
  }
  const oldInvitations = plannedInvitations(snapshot.context);
  const newInvitations = plannedInvitations(changed.snapshot.context);
  const openBefore = new Set(snapshot.context.escalations.map((e) => e.id));
  const openAfter = new Set(last.snapshot.context.escalations.map((e) => e.id));
  const fromVersion = snapshot.context.covenant.version;
  const toVersion = event.data.covenant.version;
  return {
    at: event.at,
    ...(fromVersion ? { fromVersion } : {}),
    ...(toVersion ? { toVersion } : {}),
    deadlines,
    invitationsAdded: newInvitations.filter((d) => !oldInvitations.includes(d)),
    invitationsDropped: oldInvitations.filter((d) => !newInvitations.includes(d)),
    earliestConversion: {
      from: snapshot.context.contract.earliestConversion,
      to: changed.snapshot.context.contract.earliestConversion,
    },
    escalationsOpened: [...openAfter].filter((id) => !openBefore.has(id)),
    escalationsClosed: [...openBefore].filter((id) => !openAfter.has(id)),
    after: { snapshot: last.snapshot, timers: last.timers },
  };
}

/** A snapshot in its persisted form (the `migrationState` query's) as the machine takes it again; never started. */
export function reviveSnapshot(persisted: unknown): TrajectSnapshot {
  const machine: AnyStateMachine = trajectMachine;
  return createActor(machine, { snapshot: persisted as Snapshot<unknown> }).getSnapshot() as TrajectSnapshot;
}
