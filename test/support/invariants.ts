/**
 * What must hold after every step of every traject, whatever path it took. Each check returns the broken rule,
 * or nothing.
 */
import { addDuration, toPublicStatus, type Role } from '../../machines';
import { leadsOn, type ModelState } from './model';

const timerForDeadline: Record<string, string> = {
  urgentiebesluit: 'URGENTIEBESLUIT_TERMIJN',
  aanbodHerinnering: 'AANBOD_HERINNERING',
  aanbodEscalatie: 'AANBOD_ESCALATIE',
  kennismakingsgesprek: 'KENNISMAKING_TERMIJN',
  evaluatiegesprek: 'EVALUATIE_TERMIJN',
  overlastReactie: 'OVERLAST_REACTIETERMIJN',
  overlastEscalatie: 'OVERLAST_ESCALATIETERMIJN',
  huurachterstandOpvolging: 'HUURACHTERSTAND_OPVOLGING',
  waakvlamCheckIn: 'WAAKVLAM_CHECKIN',
};

export function brokenInvariants(state: ModelState): string[] {
  const problems: string[] = [];
  const { snapshot } = state;
  const { context } = snapshot;
  const { contract, covenant } = context;

  // The machine knows the time of the last event it took (deadlines that fall due without one are counted from it).
  const last = state.taken[state.taken.length - 1];
  if (context.lastEventAt !== (last ? last.at : context.registeredAt))
    problems.push('lastEventAt is not the time of the last event taken');

  // No omklappen before the minimum term plus the time spent in time-out, nor without the evaluations.
  if (contract.convertedAt) {
    if (!contract.startedAt || !contract.form) problems.push('converted without a signed contract');
    else {
      const earliest =
        Date.parse(addDuration(contract.startedAt, covenant.terms.minimumTerm[contract.form])) +
        context.timeout.totalMs;
      if (Date.parse(contract.convertedAt) < earliest)
        problems.push('converted before the minimum term plus time-out');
      if (context.evaluations.length < covenant.terms.minimumEvaluations[contract.form]) {
        problems.push('converted with too few evaluations');
      }
    }
    const missing = covenant.conversionSignatories.filter((r: Role) => !contract.agreements[r]);
    if (missing.length) problems.push(`converted without the agreement of ${missing.join(', ')}`);
  }

  // No contract without an advised form.
  if (contract.form && contract.form !== contract.advisedForm)
    problems.push('contract signed without (or against) the advised form');

  // The kennismakingsgesprek is invited before the first evaluation.
  const firstInvitation = (type: string) => state.effects.findIndex((e) => e.effect.type === type);
  const kennismaking = firstInvitation('inviteKennismakingsgesprek');
  const evaluation = firstInvitation('inviteEvaluatiegesprek');
  if (evaluation >= 0 && (kennismaking < 0 || kennismaking > evaluation)) {
    problems.push('an evaluatiegesprek was invited before the kennismakingsgesprek');
  }
  const firstRecorded = context.evaluations[0];
  if (
    firstRecorded &&
    (!context.kennismaking.invitedAt || context.kennismaking.invitedAt > firstRecorded.at)
  ) {
    problems.push('an evaluation was recorded before the kennismakingsgesprek was invited');
  }

  // Every state that is not final has an event or a timer that leads on.
  if (snapshot.status === 'active' && !leadsOn(snapshot))
    problems.push(`state ${JSON.stringify(snapshot.value)} leads nowhere`);

  // Waakvlam hours over budget raise a signal.
  if (context.waakvlam && context.waakvlam.hoursThisPeriod > covenant.terms.waakvlamContactBudgetHours) {
    if (!context.escalations.some((e) => e.kind === 'contactbudgetOverschreden')) {
      problems.push('waakvlam contact over budget without a signal');
    }
  }

  // Every open deadline still ahead has a timer armed for exactly that moment. (One already passed when it was
  // armed fires at once; one passed since has fired and stays listed until it is met.)
  if (snapshot.status === 'active') {
    for (const deadline of toPublicStatus(snapshot).deadlines) {
      if (Date.parse(deadline.dueAt) <= Date.parse(context.lastEventAt)) continue;
      const type = timerForDeadline[deadline.kind];
      const armed = state.timers.some(
        (t) =>
          t.event.type === type &&
          t.fireAt === deadline.dueAt &&
          (!deadline.reference || ('reportId' in t.event && t.event.reportId === deadline.reference)),
      );
      if (!armed) problems.push(`deadline ${deadline.kind} ${deadline.dueAt} has no timer`);
    }
  } else if (state.timers.length > 0) {
    problems.push(`ended with timers still pending: ${state.timers.map((t) => t.id).join(', ')}`);
  }
  return problems;
}
