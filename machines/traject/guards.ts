/**
 * The traject machine's guards, as plain predicates over context and event, each with the sentence that explains
 * a refusal. A refused event names the guard (the rule) and this sentence.
 */
import { isAtOrAfter } from '../duration';
import type { TrajectEvent } from '../events';
import type { TrajectContext } from './context';

interface GuardArgs {
  context: TrajectContext;
  event: TrajectEvent;
}

const data = (event: TrajectEvent): Record<string, unknown> => ('data' in event ? event.data : {});
const actorRole = (event: TrajectEvent) => ('actor' in event ? event.actor.role : undefined);
const reportIdOf = (event: TrajectEvent): string | undefined =>
  'reportId' in event ? event.reportId : (data(event).reportId as string | undefined);

function minimumEvaluations(context: TrajectContext): number {
  const form = context.contract.form;
  return form ? context.covenant.terms.minimumEvaluations[form] : 0;
}

export function isFormAllowed({ context, event }: GuardArgs): boolean {
  return context.covenant.contractForms.includes(data(event).form as never);
}

export function isAdvisedForm({ context, event }: GuardArgs): boolean {
  return data(event).form === context.contract.advisedForm;
}

export function isMinimumTermReached({ context, event }: GuardArgs): boolean {
  const earliest = context.contract.earliestConversion;
  return (
    earliest !== undefined &&
    isAtOrAfter(event.at, earliest) &&
    context.evaluations.length >= minimumEvaluations(context)
  );
}

export function isPendingSignatory({ context, event }: GuardArgs): boolean {
  const role = actorRole(event);
  return (
    role !== undefined &&
    context.covenant.conversionSignatories.includes(role) &&
    !context.contract.agreements[role]
  );
}

/** The sender is the last signatory still missing: with this agreement the lease converts. */
export function isLastSignatory(args: GuardArgs): boolean {
  const role = actorRole(args.event);
  return args.context.covenant.conversionSignatories.every(
    (r) => r === role || args.context.contract.agreements[r],
  );
}

export function canAgreeToConversion(args: GuardArgs): boolean {
  return isMinimumTermReached(args) && isPendingSignatory(args);
}

export function canCompleteConversion(args: GuardArgs): boolean {
  return canAgreeToConversion(args) && isLastSignatory(args);
}

export function isMeetingPlannable({ context, event }: GuardArgs): boolean {
  const meeting = data(event).meeting;
  if (meeting === 'kennismakingsgesprek')
    return context.kennismaking.invitedAt !== undefined && !context.kennismaking.heldAt;
  return context.evaluation.invited && !context.evaluation.heldAt;
}

export function isKennismakingsgesprekOpen({ context, event }: GuardArgs): boolean {
  return (
    data(event).meeting === 'kennismakingsgesprek' &&
    context.kennismaking.invitedAt !== undefined &&
    !context.kennismaking.heldAt
  );
}

export function isEvaluatiegesprekOpen({ context, event }: GuardArgs): boolean {
  return (
    data(event).meeting === 'evaluatiegesprek' && context.evaluation.invited && !context.evaluation.heldAt
  );
}

export function hasUnrecordedEvaluation({ context }: GuardArgs): boolean {
  return context.unrecordedEvaluations > 0;
}

export function isKennismakingsgesprekDue({ context }: GuardArgs): boolean {
  return !context.kennismaking.heldAt && !context.kennismaking.escalated;
}

export function isEvaluatiegesprekDue({ context }: GuardArgs): boolean {
  return context.evaluation.invited && !context.evaluation.heldAt && !context.evaluation.escalated;
}

export function isOpenReport({ context, event }: GuardArgs): boolean {
  const id = reportIdOf(event);
  return context.nuisance.open.some((r) => r.id === id);
}

export function isUnansweredReport({ context, event }: GuardArgs): boolean {
  const id = reportIdOf(event);
  return context.nuisance.open.some((r) => r.id === id && !r.respondedAt);
}

export function hasOpenArrears({ context }: GuardArgs): boolean {
  return context.arrears !== null;
}

export function hasNoOpenArrears({ context }: GuardArgs): boolean {
  return context.arrears === null;
}

export function isNotConverted({ context }: GuardArgs): boolean {
  return !context.contract.convertedAt;
}

/** This contact would bring the month's waakvlam hours over the covenant's budget. */
export function isOverContactBudgetAfterThis({ context, event }: GuardArgs): boolean {
  const hours = Number(data(event).hours ?? 0);
  return (
    context.waakvlam !== null &&
    context.waakvlam.hoursThisPeriod + hours > context.covenant.terms.waakvlamContactBudgetHours
  );
}

export const guards = {
  isFormAllowed,
  isAdvisedForm,
  isMinimumTermReached,
  canAgreeToConversion,
  canCompleteConversion,
  isMeetingPlannable,
  isKennismakingsgesprekOpen,
  isEvaluatiegesprekOpen,
  hasUnrecordedEvaluation,
  isKennismakingsgesprekDue,
  isEvaluatiegesprekDue,
  isOpenReport,
  isUnansweredReport,
  hasOpenArrears,
  hasNoOpenArrears,
  isNotConverted,
  isOverContactBudgetAfterThis,
} as const;
export type GuardName = keyof typeof guards;

const day = (at?: string) => (at ? at.slice(0, 10) : 'unknown');
const list = (items: readonly string[]) => items.join(', ') || 'none';

/** `a gemeente`, `an auditor`: a role with its article, for refusal messages. */
export const withArticle = (role: string): string => `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;

/** Why a guard refused: the rule that failed, in the covenant's terms where the covenant sets it, and a sentence. */
export interface GuardRefusal {
  /** A covenant field (`terms.minimumTerm.omklapcontract`, `conversionSignatories`) or what the traject lacks. */
  rule: string;
  message: string;
}

/** Why a guard refused, now: the rule that fails at this moment and what is still needed. */
export const guardExplanations: Record<GuardName, (args: GuardArgs) => GuardRefusal> = {
  isFormAllowed: ({ context }) => ({
    rule: 'contractForms',
    message: `this covenant allows the contract forms ${context.covenant.contractForms.join(', ')}`,
  }),
  isAdvisedForm: ({ context }) => ({
    rule: 'contract.advisedForm',
    message: `the signed form must be the advised form (${context.contract.advisedForm ?? 'none advised yet'})`,
  }),
  isMinimumTermReached: (args) => conversionRefusal(args),
  canAgreeToConversion: (args) => conversionRefusal(args),
  canCompleteConversion: (args) => conversionRefusal(args),
  isMeetingPlannable: () => ({
    rule: 'meeting.invited',
    message: 'only a meeting that was invited and is not held yet can be planned',
  }),
  // GESPREK_GEVOERD has one transition per meeting kind; either explanation names the meeting the event is about.
  isKennismakingsgesprekOpen: ({ event }) => meetingNotOpen(event),
  isEvaluatiegesprekOpen: ({ event }) => meetingNotOpen(event),
  hasUnrecordedEvaluation: () => ({
    rule: 'meeting.held',
    message: 'an evaluation is recorded after its evaluatiegesprek was held (GESPREK_GEVOERD)',
  }),
  isKennismakingsgesprekDue: () => ({
    rule: 'meeting.due',
    message: 'the kennismakingsgesprek was already held or escalated',
  }),
  isEvaluatiegesprekDue: () => ({
    rule: 'meeting.due',
    message: 'the evaluatiegesprek was already held or escalated',
  }),
  isOpenReport: ({ context }) => ({
    rule: 'nuisance.open',
    message: `no open nuisance report with that id (open: ${list(context.nuisance.open.map((r) => r.id))})`,
  }),
  isUnansweredReport: ({ context }) => ({
    rule: 'nuisance.unanswered',
    message: `no unanswered nuisance report with that id (unanswered: ${list(
      context.nuisance.open.filter((r) => !r.respondedAt).map((r) => r.id),
    )})`,
  }),
  hasOpenArrears: () => ({ rule: 'arrears.open', message: 'no rent arrears are open' }),
  hasNoOpenArrears: ({ context }) => ({
    rule: 'arrears.open',
    message: `rent arrears are already open since ${day(context.arrears?.since)}`,
  }),
  isNotConverted: () => ({
    rule: 'contract.converted',
    message: 'the lease is already converted; withdrawal is possible only before conversion',
  }),
  isOverContactBudgetAfterThis: ({ context }) => ({
    rule: 'terms.waakvlamContactBudgetHours',
    message: `the waakvlam budget is ${context.covenant.terms.waakvlamContactBudgetHours} hour(s) per month; ${context.waakvlam?.hoursThisPeriod ?? 0} used this month`,
  }),
};

function meetingNotOpen(event: TrajectEvent): GuardRefusal {
  const meeting = data(event).meeting;
  return {
    rule: 'meeting.invited',
    message: `there is no invited ${typeof meeting === 'string' ? meeting : 'meeting'} waiting to be held`,
  };
}

/**
 * Why omklappen is refused now, checked in the order the covenant asks: the minimum term, the evaluations, then the
 * signatories. Only what fails at this moment is named (a date already past is not).
 */
function conversionRefusal({ context, event }: GuardArgs): GuardRefusal {
  const form = context.contract.form;
  const earliest = context.contract.earliestConversion;
  if (!form || earliest === undefined)
    return { rule: 'phase', message: 'there is no signed temporary contract to convert' };
  if (!isAtOrAfter(event.at, earliest))
    return {
      rule: `terms.minimumTerm.${form}`,
      message: `the minimum term of the ${form} runs until ${day(earliest)} (time in time-out added)`,
    };
  const needed = minimumEvaluations(context);
  const recorded = context.evaluations.length;
  if (recorded < needed)
    return {
      rule: `terms.minimumEvaluations.${form}`,
      message: `${recorded} of ${needed} evaluations recorded; ${needed - recorded} more needed`,
    };
  const signatories = context.covenant.conversionSignatories;
  const waiting = signatories.filter((r) => !context.contract.agreements[r]);
  const role = actorRole(event);
  const who = role && !signatories.includes(role) ? `${withArticle(role)} is no conversion signatory; ` : '';
  const agreed = role && context.contract.agreements[role] ? `${role} agreed already; ` : '';
  return {
    rule: 'conversionSignatories',
    message: `${who}${agreed}waiting for the agreement of ${list(waiting)}`,
  };
}
