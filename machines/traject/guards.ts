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

/** Why a guard refused, in one sentence a coordinator understands. */
export const guardExplanations: Record<GuardName, (args: GuardArgs) => string> = {
  isFormAllowed: ({ context }) =>
    `this covenant allows the contract forms ${context.covenant.contractForms.join(', ')}`,
  isAdvisedForm: ({ context }) =>
    `the signed form must be the advised form (${context.contract.advisedForm ?? 'none advised yet'})`,
  isMinimumTermReached: ({ context }) => minimumTermSentence(context),
  canAgreeToConversion: (args) =>
    !isMinimumTermReached(args)
      ? minimumTermSentence(args.context)
      : `the agreement must come from a signatory that has not agreed yet (${args.context.covenant.conversionSignatories.join(', ')}; agreed: ${Object.keys(args.context.contract.agreements).join(', ') || 'none'})`,
  canCompleteConversion: (args) => guardExplanations.canAgreeToConversion(args),
  isMeetingPlannable: () => 'only a meeting that was invited and is not held yet can be planned',
  // GESPREK_GEVOERD has one transition per meeting kind; either explanation names the meeting the event is about.
  isKennismakingsgesprekOpen: ({ event }) => meetingNotOpen(event),
  isEvaluatiegesprekOpen: ({ event }) => meetingNotOpen(event),
  hasUnrecordedEvaluation: () =>
    'an evaluation is recorded after its evaluatiegesprek was held (GESPREK_GEVOERD)',
  isKennismakingsgesprekDue: () => 'the kennismakingsgesprek was already held or escalated',
  isEvaluatiegesprekDue: () => 'the evaluatiegesprek was already held or escalated',
  isOpenReport: ({ context }) =>
    `no open nuisance report with that id (open: ${context.nuisance.open.map((r) => r.id).join(', ') || 'none'})`,
  isUnansweredReport: ({ context }) =>
    `no unanswered nuisance report with that id (unanswered: ${
      context.nuisance.open
        .filter((r) => !r.respondedAt)
        .map((r) => r.id)
        .join(', ') || 'none'
    })`,
  hasOpenArrears: () => 'no rent arrears are open',
  hasNoOpenArrears: ({ context }) => `rent arrears are already open since ${day(context.arrears?.since)}`,
  isNotConverted: () => 'the lease is already converted; withdrawal is possible only before conversion',
  isOverContactBudgetAfterThis: ({ context }) =>
    `the waakvlam budget is ${context.covenant.terms.waakvlamContactBudgetHours} hour(s) per month`,
};

function meetingNotOpen(event: TrajectEvent): string {
  const meeting = data(event).meeting;
  return `there is no invited ${typeof meeting === 'string' ? meeting : 'meeting'} waiting to be held`;
}

function minimumTermSentence(context: TrajectContext): string {
  const needed = minimumEvaluations(context);
  return `the minimum term runs until ${day(context.contract.earliestConversion)} (time-out included) and needs ${needed} recorded evaluation(s); ${context.evaluations.length} recorded`;
}
