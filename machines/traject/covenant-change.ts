/**
 * A traject's deadlines under another version of its covenant (CONVENANT_GEWIJZIGD). Pure. Every deadline is
 * recomputed from the recorded date it counts from (the urgency request, the signing, the invitation, the report),
 * never from the time of the change; what a deadline was moved by before (time-outs, an extension) moves it still.
 */
import type { Covenant, CovenantInput } from '../covenant';
import { addDuration, addWorkingDays, isAtOrAfter, msBetween, shift } from '../duration';
import type { Role } from '../vocabulary';
import type { ClosedEscalation, Escalation, TrajectContext } from './context';

/** Who may move a running traject onto another covenant version when its covenant names nobody: the gemeente. */
export const DEFAULT_MIGRATION_ROLES: readonly Role[] = ['gemeente'];

/** The roles that may send CONVENANT_GEWIJZIGD under this covenant (`migration`, else the gemeente). */
export function migrationRoles(covenant: Pick<CovenantInput, 'migration'>): Role[] {
  return [...(covenant.migration ?? DEFAULT_MIGRATION_ROLES)];
}

/**
 * The deadline `anchor + newTerm`, moved by whatever moved the old one away from `anchor + oldTerm` (time spent in a
 * time-out, an extension). Undefined when there was no deadline.
 */
function recounted(
  anchor: string | undefined,
  oldTerm: string,
  newTerm: string,
  oldDue: string | undefined,
): string | undefined {
  if (anchor === undefined || oldDue === undefined) return oldDue;
  const movedBy = msBetween(addDuration(anchor, oldTerm), oldDue);
  return shift(addDuration(anchor, newTerm), movedBy);
}

/**
 * The context under `covenant`, with every running deadline recounted from its recorded date, and the change
 * recorded. Deadlines of what is over (a decided urgency, a held meeting, a conversion) keep their recorded value.
 */
export function contextUnderCovenant(
  context: TrajectContext,
  covenant: Covenant,
  at: string,
  by: Role,
): Partial<TrajectContext> {
  const old = context.covenant.terms;
  const terms = covenant.terms;
  const { urgency, offer, contract, kennismaking, evaluation } = context;
  const requested = urgency.requestedAt;
  const form = contract.form;
  return {
    covenant,
    covenantChanges: [
      ...(context.covenantChanges ?? []),
      {
        at,
        by,
        ...(context.covenant.version ? { from: context.covenant.version } : {}),
        ...(covenant.version ? { to: covenant.version } : {}),
      },
    ],
    urgency: urgency.grantedAt
      ? urgency
      : {
          ...urgency,
          decisionDue: recounted(requested, old.urgencyDecision, terms.urgencyDecision, urgency.decisionDue),
        },
    offer: offer.acceptedAt
      ? offer
      : {
          ...offer,
          reminderDue: recounted(requested, old.offerReminder, terms.offerReminder, offer.reminderDue),
          escalationDue: recounted(
            requested,
            old.offerEscalation,
            terms.offerEscalation,
            offer.escalationDue,
          ),
        },
    contract:
      form && !contract.convertedAt
        ? {
            ...contract,
            earliestConversion: recounted(
              contract.startedAt,
              old.minimumTerm[form],
              terms.minimumTerm[form],
              contract.earliestConversion,
            ),
          }
        : contract,
    kennismaking: kennismaking.heldAt
      ? kennismaking
      : {
          ...kennismaking,
          due: recounted(
            kennismaking.invitedAt,
            old.kennismakingsgesprekWithin,
            terms.kennismakingsgesprekWithin,
            kennismaking.due,
          ),
        },
    // Before the first invitation the window opens an interval after signing; once invited, the open window's
    // deadline counts from its opening, and the next opening from it (nextEvaluationOpens reads the new interval).
    evaluation: evaluation.invited
      ? evaluation.heldAt
        ? evaluation
        : {
            ...evaluation,
            due: recounted(
              evaluation.opensAt,
              old.evaluatiegesprekWithin,
              terms.evaluatiegesprekWithin,
              evaluation.due,
            ),
          }
      : {
          ...evaluation,
          ...(evaluation.opensAt
            ? {
                opensAt: recounted(
                  contract.startedAt,
                  old.evaluatiegesprekInterval,
                  terms.evaluatiegesprekInterval,
                  evaluation.opensAt,
                ),
              }
            : {}),
          ...(evaluation.due && evaluation.opensAt
            ? {
                due: addDuration(
                  recounted(
                    contract.startedAt,
                    old.evaluatiegesprekInterval,
                    terms.evaluatiegesprekInterval,
                    evaluation.opensAt,
                  ) ?? evaluation.opensAt,
                  terms.evaluatiegesprekWithin,
                ),
              }
            : {}),
        },
    nuisance: {
      ...context.nuisance,
      open: context.nuisance.open.map((report) => ({
        ...report,
        responseDue: addWorkingDays(
          report.reportedAt,
          terms.nuisanceFirstResponseWorkingDays,
          covenant.timezone,
          covenant.closingDays,
        ),
        escalationDue: addWorkingDays(
          report.reportedAt,
          terms.nuisanceEscalationWorkingDays,
          covenant.timezone,
          covenant.closingDays,
        ),
      })),
    },
    arrears: context.arrears
      ? {
          ...context.arrears,
          followUpDue:
            recounted(
              context.arrears.since,
              old.rentArrearsFollowUp,
              terms.rentArrearsFollowUp,
              context.arrears.followUpDue,
            ) ?? context.arrears.followUpDue,
        }
      : null,
    waakvlam: context.waakvlam
      ? {
          ...context.waakvlam,
          nextCheckIn: recounted(
            context.waakvlam.periodStart,
            old.waakvlamCheckIn,
            terms.waakvlamCheckIn,
            context.waakvlam.nextCheckIn,
          ),
        }
      : null,
  };
}

/**
 * The deadline an open escalation was raised for, as the context now has it, while that deadline still runs (the
 * meeting not held, the report open, the arrears not solved); undefined for an escalation no deadline opened.
 */
export function escalationDeadline(context: TrajectContext, escalation: Escalation): string | undefined {
  const { urgency, offer, kennismaking, evaluation, contract, nuisance, arrears } = context;
  const report = () => nuisance.open.find((r) => escalation.id === `${escalation.kind}:${r.id}`);
  switch (escalation.kind) {
    case 'urgentiebesluitTeLaat':
      return urgency.grantedAt ? undefined : urgency.decisionDue;
    case 'aanbodTeLaat':
      return offer.escalated && !offer.acceptedAt ? offer.escalationDue : undefined;
    case 'kennismakingsgesprekGemist':
      return kennismaking.escalated && !kennismaking.heldAt && !contract.convertedAt ? kennismaking.due : undefined;
    case 'evaluatiegesprekGemist':
      // Only the current window's escalation: one left open from an earlier window stays as it is.
      return evaluation.escalated && evaluation.invited && !evaluation.heldAt && !contract.convertedAt
        ? evaluation.due
        : undefined;
    case 'overlastZonderReactie': {
      const open = report();
      return open && !open.respondedAt ? open.responseDue : undefined;
    }
    case 'overlastOnopgelost':
      return report()?.escalationDue;
    case 'huurachterstandOnopgelost':
      return arrears?.followUpDue;
    default:
      return undefined;
  }
}

/**
 * After a covenant change at `at` (the context already under the new terms): the open escalations whose deadline now
 * lies after the change are no longer late. They close, recorded with the reason and their new deadline, and what
 * marked their deadline as fired is cleared, so that the deadline runs again (and escalates again if it passes).
 */
export function closeEscalationsNoLongerLate(context: TrajectContext, at: string): Partial<TrajectContext> {
  const closing: ClosedEscalation[] = [];
  for (const escalation of context.escalations) {
    const due = escalationDeadline(context, escalation);
    if (due === undefined || isAtOrAfter(at, due)) continue;
    closing.push({
      ...escalation,
      closedAt: at,
      reason: 'convenantGewijzigd',
      ...(context.covenant.version ? { version: context.covenant.version } : {}),
      dueAt: due,
    });
  }
  if (closing.length === 0) return {};
  const closed = new Set(closing.map((e) => e.kind));
  return {
    escalations: context.escalations.filter((e) => !closing.some((c) => c.id === e.id)),
    closedEscalations: [...(context.closedEscalations ?? []), ...closing],
    offer: closed.has('aanbodTeLaat') ? { ...context.offer, escalated: false } : context.offer,
    kennismaking: closed.has('kennismakingsgesprekGemist')
      ? { ...context.kennismaking, escalated: false }
      : context.kennismaking,
    evaluation: closed.has('evaluatiegesprekGemist')
      ? { ...context.evaluation, escalated: false }
      : context.evaluation,
  };
}
