/**
 * The one table from the machine's named effects to activity calls. The workflow decides nothing here: it fills in
 * who the organisations are and hands the machine's parameters on.
 */
import { ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { DeliveryBase, DeliveryResult, Recipient, TenancyActivities } from '../activities/types';
import type { Effect, EffectName, Role, TrajectContext, TrajectEffects } from '../machines';
import { organisationsFor } from '../machines/traject/context';

/** Invitations, notifications and escalations go to partner systems that may be down for a while. */
const activityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    maximumAttempts: 20,
  },
} as const;

/** Each call gets its own activity id (the effect's id), so history and timeline name it. */
function activities(activityId: string): TenancyActivities {
  return proxyActivities<TenancyActivities>({ ...activityOptions, activityId });
}

/** The organisations addressed in these roles for this traject; the client is addressed by its reference only. */
export function recipientsFor(context: TrajectContext, roles: readonly Role[]): Recipient[] {
  const result: Recipient[] = [];
  for (const role of roles) {
    if (role === 'client') {
      result.push({ role, organisation: null });
      continue;
    }
    for (const organisation of organisationsFor(context, role)) result.push({ role, organisation });
  }
  return result;
}

type Perform<K extends EffectName> = (
  params: TrajectEffects[K],
  base: DeliveryBase,
) => Promise<DeliveryResult>;

/** iCalendar SEQUENCE for an update of a meeting: grows with time, so a later update always wins. */
const sequenceAt = (at: string) => Math.floor((Date.parse(at) - Date.parse('2020-01-01T00:00:00Z')) / 1000);

/** The first invitation to a meeting, at the time the machine proposes. */
const invite: Perform<'inviteKennismakingsgesprek' | 'inviteEvaluatiegesprek'> = (p, base) =>
  activities(base.id).sendInvitation({
    ...base,
    meeting: p.meeting,
    number: p.number,
    start: p.proposedAt,
    dueBy: p.dueBy,
    sequence: 0,
    durationMinutes: 60,
  });

const table: { [K in EffectName]: Perform<K> } = {
  inviteKennismakingsgesprek: invite,
  inviteEvaluatiegesprek: invite,
  confirmMeeting: (p, base) =>
    activities(base.id).sendInvitation({
      ...base,
      meeting: p.meeting,
      number: p.number,
      start: p.plannedAt,
      dueBy: p.plannedAt,
      sequence: sequenceAt(base.occurredAt),
      durationMinutes: 60,
    }),
  remind: (p, base) =>
    activities(base.id).sendNotification({
      ...base,
      subject: 'herinnering',
      data: { about: p.subject, dueAt: p.dueAt },
    }),
  escalate: (p, base) =>
    activities(base.id).sendEscalation({
      ...base,
      kind: p.kind,
      since: p.since,
      caseConsultation: false,
      reference: p.reference ?? null,
    }),
  escalateToCaseConsultation: (p, base) =>
    activities(base.id).sendEscalation({
      ...base,
      kind: p.kind,
      since: p.since,
      caseConsultation: true,
      reference: p.reference ?? null,
    }),
  offerFinancialSupport: (p, base) =>
    activities(base.id).sendNotification({
      ...base,
      subject: 'financieleOndersteuning',
      data: { arrearsMonths: p.months },
    }),
  routeNeighbourReport: (p, base) =>
    activities(base.id).sendNotification({
      ...base,
      subject: p.kind === 'overlast' ? 'overlastMelding' : 'zorgenMelding',
      data: {
        reportId: p.reportId ?? null,
        severity: p.severity ?? null,
        duringOfficeHours: p.duringOfficeHours,
      },
    }),
  requestWaakvlamContact: (p, base) =>
    activities(base.id).sendNotification({
      ...base,
      subject: 'waakvlamContact',
      data: { periodStart: p.periodStart, dueBy: p.dueBy, budgetHours: p.budgetHours },
    }),
  notifyParties: (p, base) => activities(base.id).sendNotification({ ...base, subject: p.subject, data: {} }),
};

/** Who an effect goes to: the roles in its parameters (a neighbour report goes to the role on duty). */
function rolesOf(effect: Effect): Role[] {
  return effect.type === 'routeNeighbourReport' ? [effect.params.to] : effect.params.roles;
}

/**
 * Carries out one effect as an activity. Returns how many partners did not get it: those that rejected it, or all of
 * them when the delivery still failed after its retries. It is logged and counted; it never fails the traject.
 */
export async function perform(
  effect: Effect,
  context: TrajectContext,
  base: Omit<DeliveryBase, 'recipients'>,
): Promise<number> {
  const full: DeliveryBase = { ...base, recipients: recipientsFor(context, rolesOf(effect)) };
  try {
    const run = table[effect.type] as Perform<typeof effect.type>;
    const result = await run(effect.params, full);
    for (const { organisation, status } of result.rejected) {
      log.warn('delivery rejected', {
        'effect.type': effect.type,
        'effect.id': base.id,
        organisation,
        'http.status': status,
      });
    }
    return result.rejected.length;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('delivery failed', {
      'effect.type': effect.type,
      'effect.id': base.id,
      'failure.type': err.cause?.name ?? 'unknown',
    });
    return Math.max(
      1,
      new Set(full.recipients.flatMap((r) => (r.organisation ? [r.organisation] : []))).size,
    );
  }
}
