/**
 * The traject machine: one client's path through a Thuis in de Wijk partnership, from aanmelding to a regular
 * lease (omklappen) and a pilot light of support (waakvlam), with nuisance, rent arrears and relapse alongside.
 *
 * Pure and deterministic. Time comes only from the events (`at`); deadlines are absolute instants in context;
 * a deadline becomes a delayed `raise` whose delay is counted from the event that armed it, and whose event
 * carries the deadline itself. Effects (invitations, escalations, notifications) are named actions with
 * parameters, carried out by whoever runs the machine (the Temporal workflow).
 */
import { assertEvent, assign, cancel, enqueueActions, raise, setup, stateIn } from 'xstate';
import { addDuration, addWorkingDays, later, msBetween, shift } from '../duration';
import type { TimerEvent, TrajectEvent } from '../events';
import type { EscalationKind, TimerEventType } from '../vocabulary';
import {
  initialContext,
  partnerRoles,
  type Escalation,
  type TrajectContext,
  type TrajectInput,
} from './context';
import type {
  EffectName,
  EscalationParams,
  FinancialSupportParams,
  InvitationParams,
  MeetingPlannedParams,
  NeighbourReportParams,
  NotifyParams,
  ReminderParams,
  TrajectEffects,
  WaakvlamContactParams,
} from './effects';
import { closeEscalationsNoLongerLate, contextUnderCovenant } from './covenant-change';
import { guards } from './guards';
import { isDuringOfficeHours, proposeMeetingTime } from './schedule';

/** Ids of the machine's delayed events: the workflow keeps one durable timer per id. */
export const timerIds = {
  urgencyDecision: 'urgentiebesluit',
  offerReminder: 'aanbod-herinnering',
  offerEscalation: 'aanbod-escalatie',
  kennismakingsgesprek: 'kennismaking-termijn',
  evaluationInvitation: 'evaluatie-uitnodiging',
  evaluationDue: 'evaluatie-termijn',
  arrearsFollowUp: 'huurachterstand-opvolging',
  waakvlamCheckIn: 'waakvlam-checkin',
  nuisanceResponse: (reportId: string) => `${reportId}-reactie`,
  nuisanceEscalation: (reportId: string) => `${reportId}-escalatie`,
} as const;

/**
 * The event a deadline raises: its type, at the instant the deadline falls due (read from context when the timer is
 * armed, so a re-armed deadline carries its shifted date).
 */
function dueEvent<T extends Exclude<TimerEventType, 'OVERLAST_REACTIETERMIJN' | 'OVERLAST_ESCALATIETERMIJN'>>(
  type: T,
  due: (context: TrajectContext) => string | undefined,
) {
  return ({ context }: { context: TrajectContext }) => ({ type, at: due(context) ?? context.lastEventAt });
}

/** Milliseconds from the event's time until a deadline; a deadline already passed fires at once. */
function untilDue(due: string | undefined, at: string): number {
  return due === undefined ? 0 : Math.max(0, msBetween(at, due));
}

/** When the next evaluatiegesprek invitation goes out. */
function nextEvaluationOpens(context: TrajectContext): string | undefined {
  const { evaluation } = context;
  if (!evaluation.opensAt) return undefined;
  return evaluation.invited
    ? addDuration(evaluation.opensAt, context.covenant.terms.evaluatiegesprekInterval)
    : evaluation.opensAt;
}

/** At omklappen the temporary contract's meetings are over: a missed one can no longer be held. */
const meetingsOver = {
  kinds: ['kennismakingsgesprekGemist', 'evaluatiegesprekGemist'] as EscalationKind[],
  reason: 'omgeklapt',
};

const newestReport = (context: TrajectContext) => context.nuisance.open[context.nuisance.open.length - 1];

function reportReference(event: TrajectEvent): string | undefined {
  if ('reportId' in event) return event.reportId;
  if ('data' in event && 'reportId' in event.data) return event.data.reportId;
  return undefined;
}

function invitation(context: TrajectContext, meeting: InvitationParams['meeting']): InvitationParams {
  const isKennismaking = meeting === 'kennismakingsgesprek';
  const opens =
    (isKennismaking ? context.contract.startedAt : context.evaluation.opensAt) ?? context.lastEventAt;
  const dueBy = (isKennismaking ? context.kennismaking.due : context.evaluation.due) ?? opens;
  return {
    meeting,
    number: isKennismaking ? 1 : context.evaluation.number,
    opens,
    dueBy,
    proposedAt: proposeMeetingTime(context.covenant, opens, dueBy),
    roles: context.covenant.meetingAttendees[meeting],
  };
}

/**
 * The object with some fields changed or added: `{ ...object, ...changes }`, the same fields in the same order, made
 * with Object.assign. V8 (Node 20) gives the copy an object spread makes a new hidden class for every field the spread
 * adds that the source lacks, about a microsecond each and garbage for the collector, where Object.assign reuses the
 * one it made before: most changes to the context add a field (a deadline, a date) to one of its parts.
 */
function changed<T extends object, C extends Partial<T>>(object: T, changes: C): T & C {
  return Object.assign({}, object, changes);
}

/**
 * A change to the context that also records the time of its event, as `stamp` does: a transition that starts with
 * one needs no `stamp` before it (see `stampEveryTransition`). XState copies the snapshot for every change to the
 * context, so one change per transition instead of two is a good part of what a transition costs. The change sees
 * the context as it was before the event: it reads the time from `event.at`, never from `lastEventAt`. It returns a
 * new object, which gets the time added (not copied again: XState copies it into the next context anyway).
 */
function stamped<TArgs extends { event: { at: string } }, TParams>(
  update: (args: TArgs, params: TParams) => Partial<TrajectContext>,
): (args: TArgs, params: TParams) => Partial<TrajectContext> {
  return (args, params) => {
    const changes = update(args, params);
    changes.lastEventAt = args.event.at;
    return changes;
  };
}

/**
 * The actions made with `stamped`: changes to the context that record the time of their event themselves. A test
 * (the invariants of test/support) holds the machine to knowing the time of the last event after every transition.
 */
const timeRecordingActions: ReadonlySet<string> = new Set([
  'recordConsent',
  'recordEnd',
  'recordUrgencyRequest',
  'recordUrgencyGranted',
  'markOfferEscalated',
  'recordOffer',
  'recordOfferAccepted',
  'recordOfferRefused',
  'recordAdvice',
  'recordContract',
  'openEvaluation',
  'recordMeetingPlanned',
  'recordKennismakingHeld',
  'markKennismakingEscalated',
  'recordEvaluatiegesprekHeld',
  'markEvaluationEscalated',
  'recordEvaluation',
  'closeArrears',
  'startTimeout',
  'endTimeout',
  'recordAgreement',
  'recordConversion',
  'recordExtension',
  'startWaakvlam',
  'startWaakvlamPeriod',
  'logContact',
  'endWaakvlam',
  'changeCovenant',
  'closeEscalationsNoLongerLate',
]);

/**
 * Effects whose parameters are read from the context and event when the transition takes them. They are plain named
 * actions with parameters worked out by a function (XState calls it with the context and event of that moment), not
 * `enqueueActions`: the same effect, in the same place among the transition's actions, without the enqueue functions
 * XState builds for every `enqueueActions` it runs.
 */
type EffectArgs = { context: TrajectContext; event: TrajectEvent };

/** The partners are told of the event (or of `subject`). */
const notifyPartners = (subject?: string) => ({
  type: 'notifyParties' as const,
  params: ({ context, event }: EffectArgs): NotifyParams => ({
    subject: subject ?? event.type,
    roles: partnerRoles(context.covenant),
  }),
});

/** The kennismakingsgesprek is invited to, on signing. */
const inviteKennismaking = {
  type: 'inviteKennismakingsgesprek' as const,
  params: ({ context }: EffectArgs): InvitationParams => invitation(context, 'kennismakingsgesprek'),
};

/** A planned meeting is confirmed to its attendees. */
const confirmPlannedMeeting = {
  type: 'confirmMeeting' as const,
  params: ({ context, event }: EffectArgs): MeetingPlannedParams => {
    assertEvent(event, 'GESPREK_GEPLAND');
    const { meeting, plannedAt } = event.data;
    return {
      meeting,
      number: meeting === 'kennismakingsgesprek' ? 1 : context.evaluation.number,
      plannedAt,
      roles: context.covenant.meetingAttendees[meeting],
    };
  },
};

/** A concern goes to whoever the covenant routes it to at that hour. */
const routeConcern = {
  type: 'routeNeighbourReport' as const,
  params: ({ context, event }: EffectArgs): NeighbourReportParams => {
    const duringOfficeHours = isDuringOfficeHours(context.covenant, event.at);
    const to = duringOfficeHours
      ? context.covenant.neighbourReportRouting.duringOfficeHours
      : context.covenant.neighbourReportRouting.outsideOfficeHours;
    return { kind: 'zorgen', to, duringOfficeHours };
  },
};

/** A new waakvlam month: the care provider is asked to check in. */
const requestCheckIn = {
  type: 'requestWaakvlamContact' as const,
  params: ({ context, event }: EffectArgs): WaakvlamContactParams => ({
    periodStart: event.at,
    dueBy: context.waakvlam?.nextCheckIn ?? event.at,
    budgetHours: context.covenant.terms.waakvlamContactBudgetHours,
    roles: context.covenant.permissions.CONTACT_GELOGD,
  }),
};

/** The evaluatiegesprek just opened (`openEvaluation`) is invited to. */
const inviteEvaluatiegesprek = {
  type: 'inviteEvaluatiegesprek' as const,
  params: ({ context }: EffectArgs): InvitationParams => invitation(context, 'evaluatiegesprek'),
};

export const trajectMachine = setup({
  types: {
    context: {} as TrajectContext,
    events: {} as TrajectEvent,
    input: {} as TrajectInput,
  },
  guards,
  delays: {
    urgencyDecisionDelay: ({ context, event }) => untilDue(context.urgency.decisionDue, event.at),
    offerReminderDelay: ({ context, event }) => untilDue(context.offer.reminderDue, event.at),
    offerEscalationDelay: ({ context, event }) => untilDue(context.offer.escalationDue, event.at),
    kennismakingsgesprekDueDelay: ({ context, event }) => untilDue(context.kennismaking.due, event.at),
    evaluationInvitationDelay: ({ context, event }) => untilDue(nextEvaluationOpens(context), event.at),
    evaluationDueDelay: ({ context, event }) => untilDue(context.evaluation.due, event.at),
    nuisanceResponseDelay: ({ context, event }) => untilDue(newestReport(context)?.responseDue, event.at),
    nuisanceEscalationDelay: ({ context, event }) => untilDue(newestReport(context)?.escalationDue, event.at),
    arrearsFollowUpDelay: ({ context, event }) => untilDue(context.arrears?.followUpDue, event.at),
    waakvlamCheckInDelay: ({ context, event }) => untilDue(context.waakvlam?.nextCheckIn, event.at),
  },
  actions: {
    // Effects: performed by the workflow, never by the machine.
    inviteKennismakingsgesprek: (_, _params: InvitationParams) => {},
    inviteEvaluatiegesprek: (_, _params: InvitationParams) => {},
    confirmMeeting: (_, _params: MeetingPlannedParams) => {},
    remind: (_, _params: ReminderParams) => {},
    escalate: (_, _params: EscalationParams) => {},
    escalateToCaseConsultation: (_, _params: EscalationParams) => {},
    offerFinancialSupport: (_, _params: FinancialSupportParams) => {},
    routeNeighbourReport: (_, _params: NeighbourReportParams) => {},
    requestWaakvlamContact: (_, _params: WaakvlamContactParams) => {},
    notifyParties: (_, _params: NotifyParams) => {},

    /** Every transition records the time of its event (see `stampEveryTransition`). */
    stamp: assign({ lastEventAt: ({ event }) => event.at }),

    recordConsent: assign(stamped(({ event }) => ({ consentAt: event.at }))),
    recordEnd: assign(
      stamped(({ event }, params: { reason: string }) => ({
        ended: { reason: params.reason, at: event.at },
      })),
    ),

    recordUrgencyRequest: assign(
      stamped(({ context, event }) => ({
        urgency: changed(context.urgency, {
          requestedAt: event.at,
          decisionDue: addDuration(event.at, context.covenant.terms.urgencyDecision),
        }),
        offer: changed(context.offer, {
          reminderDue: addDuration(event.at, context.covenant.terms.offerReminder),
          escalationDue: addDuration(event.at, context.covenant.terms.offerEscalation),
        }),
      })),
    ),
    recordUrgencyGranted: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'URGENTIE_TOEGEKEND');
        return {
          urgency: changed(context.urgency, {
            grantedAt: event.at,
            districts: event.data.searchProfile.districts,
          }),
          organisations: changed(context.organisations, {
            gemeente: event.actor.organisation ?? context.organisations.gemeente,
          }),
        };
      }),
    ),
    armUrgencyDecisionTimer: enqueueActions(({ context, enqueue }) => {
      if (context.escalations.some((e) => e.kind === 'urgentiebesluitTeLaat')) return;
      enqueue.raise(
        dueEvent('URGENTIEBESLUIT_TERMIJN', (c) => c.urgency.decisionDue),
        {
          id: timerIds.urgencyDecision,
          delay: 'urgencyDecisionDelay',
        },
      );
    }),

    armOfferTimers: enqueueActions(({ context, enqueue }) => {
      if (!context.offer.reminded) {
        enqueue.raise(
          dueEvent('AANBOD_HERINNERING', (c) => c.offer.reminderDue),
          {
            id: timerIds.offerReminder,
            delay: 'offerReminderDelay',
          },
        );
      }
      if (!context.offer.escalated) {
        enqueue.raise(
          dueEvent('AANBOD_ESCALATIE', (c) => c.offer.escalationDue),
          {
            id: timerIds.offerEscalation,
            delay: 'offerEscalationDelay',
          },
        );
      }
    }),
    remindCorporations: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ offer: changed(context.offer, { reminded: true }) });
      enqueue(
        effect('remind', {
          subject: 'aanbod',
          dueAt: context.offer.escalationDue ?? context.lastEventAt,
          roles: context.covenant.permissions.WONING_AANGEBODEN,
        }),
      );
    }),
    markOfferEscalated: assign(
      stamped(({ context }) => ({ offer: changed(context.offer, { escalated: true }) })),
    ),
    recordOffer: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'WONING_AANGEBODEN');
        return {
          offer: changed(context.offer, { homeRef: event.data.homeRef, offeredAt: event.at }),
          organisations: changed(context.organisations, {
            corporatie: event.actor.organisation ?? context.organisations.corporatie,
          }),
        };
      }),
    ),
    recordOfferAccepted: assign(
      stamped(({ context, event }) => ({ offer: changed(context.offer, { acceptedAt: event.at }) })),
    ),
    /** The search starts again: any corporation may offer the next home, so none acts for the traject yet. */
    recordOfferRefused: assign(
      stamped(({ context }) => {
        const { corporatie: _refused, ...organisations } = context.organisations;
        return {
          offer: changed(context.offer, {
            homeRef: undefined,
            offeredAt: undefined,
            refusals: context.offer.refusals + 1,
          }),
          organisations,
        };
      }),
    ),

    recordAdvice: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'CONTRACTVORM_GEADVISEERD');
        return { contract: changed(context.contract, { advisedForm: event.data.form }) };
      }),
    ),
    recordContract: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'CONTRACT_GETEKEND');
        const { terms } = context.covenant;
        const opensAt = addDuration(event.at, terms.evaluatiegesprekInterval);
        return {
          contract: changed(context.contract, {
            form: event.data.form,
            startedAt: event.at,
            earliestConversion: addDuration(event.at, terms.minimumTerm[event.data.form]),
          }),
          kennismaking: {
            invitedAt: event.at,
            due: addDuration(event.at, terms.kennismakingsgesprekWithin),
            escalated: false,
          },
          evaluation: {
            number: 1,
            opensAt,
            due: addDuration(opensAt, terms.evaluatiegesprekWithin),
            invited: false,
            escalated: false,
          },
        };
      }),
    ),

    /** (Re-)arms the meeting deadlines from context: on signing, and on return from a time-out. */
    armMeetingTimers: enqueueActions(({ context, enqueue }) => {
      if (!context.kennismaking.heldAt && !context.kennismaking.escalated && context.kennismaking.due) {
        enqueue.raise(
          dueEvent('KENNISMAKING_TERMIJN', (c) => c.kennismaking.due),
          {
            id: timerIds.kennismakingsgesprek,
            delay: 'kennismakingsgesprekDueDelay',
          },
        );
      }
      if (context.evaluation.opensAt) {
        enqueue.raise(
          dueEvent('EVALUATIE_UITNODIGING', (c) => nextEvaluationOpens(c)),
          {
            id: timerIds.evaluationInvitation,
            delay: 'evaluationInvitationDelay',
          },
        );
      }
      if (context.evaluation.invited && !context.evaluation.heldAt && !context.evaluation.escalated) {
        enqueue.raise(
          dueEvent('EVALUATIE_TERMIJN', (c) => c.evaluation.due),
          {
            id: timerIds.evaluationDue,
            delay: 'evaluationDueDelay',
          },
        );
      }
    }),
    /** The evaluation window opens: the next evaluatiegesprek is due (EVALUATIE_UITNODIGING invites to it). */
    openEvaluation: assign(
      stamped(({ context, event }) => {
        const { terms } = context.covenant;
        const opensAt = nextEvaluationOpens(context) ?? event.at;
        const number = context.evaluation.invited ? context.evaluation.number + 1 : context.evaluation.number;
        return {
          evaluation: {
            number,
            opensAt,
            due: addDuration(opensAt, terms.evaluatiegesprekWithin),
            invited: true,
            escalated: false,
          },
        };
      }),
    ),
    /** The deadline of the evaluatiegesprek just opened, and the next invitation (EVALUATIE_UITNODIGING). */
    armEvaluationDue: raise(
      dueEvent('EVALUATIE_TERMIJN', (c) => c.evaluation.due),
      { id: timerIds.evaluationDue, delay: 'evaluationDueDelay' },
    ),
    armNextEvaluationInvitation: raise(
      dueEvent('EVALUATIE_UITNODIGING', (c) => nextEvaluationOpens(c)),
      { id: timerIds.evaluationInvitation, delay: 'evaluationInvitationDelay' },
    ),
    recordMeetingPlanned: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'GESPREK_GEPLAND');
        const { meeting, plannedAt } = event.data;
        return meeting === 'kennismakingsgesprek'
          ? { kennismaking: changed(context.kennismaking, { plannedAt }) }
          : { evaluation: changed(context.evaluation, { plannedAt }) };
      }),
    ),
    recordKennismakingHeld: assign(
      stamped(({ context, event }) => ({
        kennismaking: changed(context.kennismaking, { heldAt: event.at }),
      })),
    ),
    markKennismakingEscalated: assign(
      stamped(({ context }) => ({ kennismaking: changed(context.kennismaking, { escalated: true }) })),
    ),
    recordEvaluatiegesprekHeld: assign(
      stamped(({ context, event }) => ({
        evaluation: changed(context.evaluation, { heldAt: event.at }),
        unrecordedEvaluations: context.unrecordedEvaluations + 1,
      })),
    ),
    markEvaluationEscalated: assign(
      stamped(({ context }) => ({ evaluation: changed(context.evaluation, { escalated: true }) })),
    ),
    recordEvaluation: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'EVALUATIE_VASTGELEGD');
        return {
          evaluations: [
            ...context.evaluations,
            {
              number: context.evaluations.length + 1,
              at: event.at,
              advice: event.data.advice,
              indicators: event.data.indicators,
            },
          ],
          unrecordedEvaluations: context.unrecordedEvaluations - 1,
        };
      }),
    ),

    /** Opens an escalation once (by id) and sends it to the roles the covenant names for its kind. */
    raiseEscalation: enqueueActions(
      ({ context, event, enqueue }, params: { kind: EscalationKind; caseConsultation?: boolean }) => {
        const reference = reportReference(event);
        const id = reference ? `${params.kind}:${reference}` : params.kind;
        if (context.escalations.some((e) => e.id === id)) return;
        const escalation: Escalation = {
          id,
          kind: params.kind,
          since: event.at,
          roles: context.covenant.escalationTargets[params.kind],
        };
        enqueue.assign({ escalations: [...context.escalations, escalation] });
        const payload: EscalationParams = {
          kind: escalation.kind,
          since: escalation.since,
          roles: escalation.roles,
          ...(reference ? { reference } : {}),
        };
        if (params.caseConsultation) enqueue(effect('escalateToCaseConsultation', payload));
        else enqueue(effect('escalate', payload));
      },
    ),
    /**
     * Escalations whose cause can no longer be remedied lapse: closed, and recorded as lapsed with the reason (given,
     * or how the traject ended). Without the rule (trajecten started before it) they stay open, as they did.
     */
    lapseEscalations: enqueueActions(
      ({ context, event, enqueue }, params: { kinds?: EscalationKind[]; reason?: string }) => {
        if (!context.rules?.escalationsLapse) return;
        const lapsing = context.escalations.filter((e) => !params.kinds || params.kinds.includes(e.kind));
        if (lapsing.length === 0) return;
        const reason = params.reason ?? context.ended?.reason ?? event.type;
        enqueue.assign({
          escalations: context.escalations.filter((e) => !lapsing.includes(e)),
          lapsedEscalations: [
            ...(context.lapsedEscalations ?? []),
            ...lapsing.map((e) => ({ ...e, lapsedAt: event.at, reason })),
          ],
        });
      },
    ),
    /**
     * Closes the escalations of these kinds (for one report, when the event names one). Mostly none of them is open:
     * then the context stays as it is, without the copy a change costs.
     */
    resolveEscalations: enqueueActions(({ context, event, enqueue }, params: { kinds: EscalationKind[] }) => {
      const reference = reportReference(event);
      const closes = (e: Escalation) =>
        params.kinds.includes(e.kind) && (reference === undefined || e.id === `${e.kind}:${reference}`);
      if (context.escalations.some(closes))
        enqueue.assign({ escalations: context.escalations.filter((e) => !closes(e)) });
    }),

    openNuisanceReport: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'OVERLAST_GEMELD');
      const { covenant } = context;
      const id = `overlast-${context.nuisance.sequence + 1}`;
      const duringOfficeHours = isDuringOfficeHours(covenant, event.at);
      const routedTo = duringOfficeHours
        ? covenant.neighbourReportRouting.duringOfficeHours
        : covenant.neighbourReportRouting.outsideOfficeHours;
      const report = {
        id,
        reportedAt: event.at,
        reportedBy: event.actor.role,
        severity: event.data.severity,
        routedTo,
        // Covenants of trajecten started before closing days existed have none: weekends only, as then.
        responseDue: addWorkingDays(
          event.at,
          covenant.terms.nuisanceFirstResponseWorkingDays,
          covenant.timezone,
          covenant.closingDays,
        ),
        escalationDue: addWorkingDays(
          event.at,
          covenant.terms.nuisanceEscalationWorkingDays,
          covenant.timezone,
          covenant.closingDays,
        ),
      };
      enqueue.assign({
        nuisance: changed(context.nuisance, {
          sequence: context.nuisance.sequence + 1,
          open: [...context.nuisance.open, report],
        }),
      });
      enqueue(
        effect('routeNeighbourReport', {
          kind: 'overlast',
          reportId: id,
          severity: report.severity,
          to: routedTo,
          duringOfficeHours,
        }),
      );
      enqueue.raise(
        { type: 'OVERLAST_REACTIETERMIJN', at: report.responseDue, reportId: id },
        {
          id: timerIds.nuisanceResponse(id),
          delay: 'nuisanceResponseDelay',
        },
      );
      enqueue.raise(
        { type: 'OVERLAST_ESCALATIETERMIJN', at: report.escalationDue, reportId: id },
        {
          id: timerIds.nuisanceEscalation(id),
          delay: 'nuisanceEscalationDelay',
        },
      );
    }),
    recordNuisanceResponse: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'OVERLAST_OPGEPAKT');
      const { reportId } = event.data;
      enqueue.assign({
        nuisance: changed(context.nuisance, {
          open: context.nuisance.open.map((r) =>
            r.id === reportId ? changed(r, { respondedAt: event.at }) : r,
          ),
        }),
      });
      enqueue.cancel(timerIds.nuisanceResponse(reportId));
    }),
    closeNuisanceReport: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'OVERLAST_AFGEHANDELD');
      const { reportId } = event.data;
      enqueue.assign({
        nuisance: changed(context.nuisance, {
          open: context.nuisance.open.filter((r) => r.id !== reportId),
          closed: context.nuisance.closed + 1,
        }),
      });
      enqueue.cancel(timerIds.nuisanceResponse(reportId));
      enqueue.cancel(timerIds.nuisanceEscalation(reportId));
    }),

    openArrears: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'HUURACHTERSTAND_GESIGNALEERD');
      const followUpDue = addDuration(event.at, context.covenant.terms.rentArrearsFollowUp);
      enqueue.assign({ arrears: { since: event.at, followUpDue, months: event.data.months } });
      enqueue(
        effect('offerFinancialSupport', {
          months: event.data.months,
          roles: context.covenant.financialSupportBy,
        }),
      );
      enqueue.raise(
        { type: 'HUURACHTERSTAND_OPVOLGING', at: followUpDue },
        {
          id: timerIds.arrearsFollowUp,
          delay: 'arrearsFollowUpDelay',
        },
      );
    }),
    closeArrears: assign(stamped(() => ({ arrears: null }))),

    /** Leaving the tenancy (final states) stops the deadlines that run alongside it. */
    cancelTenancyTimers: enqueueActions(({ context, enqueue }) => {
      for (const report of context.nuisance.open) {
        enqueue.cancel(timerIds.nuisanceResponse(report.id));
        enqueue.cancel(timerIds.nuisanceEscalation(report.id));
      }
      if (context.arrears) enqueue.cancel(timerIds.arrearsFollowUp);
    }),

    startTimeout: assign(
      stamped(({ context, event }) => ({
        timeout: changed(context.timeout, { since: event.at, count: context.timeout.count + 1 }),
      })),
    ),
    /** Back from the time-out: the time away does not count, so every running term moves by it. */
    endTimeout: assign(
      stamped(({ context, event }) => {
        const away = context.timeout.since ? Math.max(0, msBetween(context.timeout.since, event.at)) : 0;
        const moved = (at?: string) => (at === undefined ? undefined : shift(at, away));
        return {
          timeout: { totalMs: context.timeout.totalMs + away, count: context.timeout.count },
          contract: changed(context.contract, {
            earliestConversion: moved(context.contract.earliestConversion),
          }),
          kennismaking: changed(context.kennismaking, { due: moved(context.kennismaking.due) }),
          evaluation: changed(context.evaluation, {
            opensAt: moved(context.evaluation.opensAt),
            due: moved(context.evaluation.due),
          }),
          waakvlam: context.waakvlam
            ? changed(context.waakvlam, { nextCheckIn: moved(context.waakvlam.nextCheckIn) })
            : null,
        };
      }),
    ),

    recordAgreement: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'OMKLAPPEN_AKKOORD');
        return {
          contract: changed(context.contract, {
            agreements: changed(context.contract.agreements, { [event.actor.role]: event.at }),
          }),
        };
      }),
    ),
    /** The last signatory agrees: its agreement and the conversion in one change of the context. */
    recordConversion: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'OMKLAPPEN_AKKOORD');
        return {
          contract: changed(context.contract, {
            agreements: changed(context.contract.agreements, { [event.actor.role]: event.at }),
            convertedAt: event.at,
          }),
        };
      }),
    ),
    recordExtension: assign(
      stamped(({ context, event }) => ({
        contract: changed(context.contract, {
          agreements: {},
          extensions: context.contract.extensions + 1,
          earliestConversion: later(
            context.contract.earliestConversion ?? event.at,
            addDuration(event.at, context.covenant.terms.extension),
          ),
        }),
      })),
    ),

    startWaakvlam: assign(
      stamped(({ context, event }) => ({
        waakvlam: {
          since: event.at,
          periodStart: event.at,
          nextCheckIn: addDuration(event.at, context.covenant.terms.waakvlamCheckIn),
          hoursThisPeriod: 0,
        },
      })),
    ),
    armWaakvlamCheckIn: raise(
      dueEvent('WAAKVLAM_CHECKIN', (c) => c.waakvlam?.nextCheckIn),
      { id: timerIds.waakvlamCheckIn, delay: 'waakvlamCheckInDelay' },
    ),
    /** A new month of waakvlam: contact hours count afresh (`requestCheckIn` asks the care provider to check in). */
    startWaakvlamPeriod: assign(
      stamped(({ context, event }) => ({
        waakvlam: changed(context.waakvlam ?? {}, {
          periodStart: event.at,
          nextCheckIn: addDuration(event.at, context.covenant.terms.waakvlamCheckIn),
          hoursThisPeriod: 0,
        }),
      })),
    ),
    logContact: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'CONTACT_GELOGD');
        return {
          waakvlam: context.waakvlam
            ? changed(context.waakvlam, {
                hoursThisPeriod: context.waakvlam.hoursThisPeriod + event.data.hours,
              })
            : null,
        };
      }),
    ),
    endWaakvlam: assign(stamped(() => ({ waakvlam: null }))),

    /** Another covenant version (CONVENANT_GEWIJZIGD): its terms, every running deadline recounted from its record. */
    changeCovenant: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'CONVENANT_GEWIJZIGD');
        return contextUnderCovenant(context, event.data.covenant, event.at, event.actor.role);
      }),
    ),
    /** Under the rule (changes taken since it came): escalations the new terms make no longer late close. */
    closeEscalationsNoLongerLate: assign(
      stamped(({ context, event }) => {
        assertEvent(event, 'CONVENANT_GEWIJZIGD');
        return event.rules?.escalationsFollowTerms ? closeEscalationsNoLongerLate(context, event.at) : {};
      }),
    ),
    /**
     * After a covenant change, every timer that is running is cancelled and armed again at its recounted deadline;
     * one that falls in the past fires at once. Only the timers the current state runs, and only those that have not
     * fired yet (a fired deadline opened its escalation), so nothing is armed that was not running.
     */
    rearmDeadlines: enqueueActions(({ context, event, enqueue, check }) => {
      const open = (id: string) => context.escalations.some((e) => e.id === id);
      // Delays in milliseconds from the change: the named delays read one deadline each (the newest report's).
      const rearm = (id: string, timer: TimerEvent | undefined) => {
        if (!timer) return;
        enqueue.cancel(id);
        enqueue.raise(timer, { id, delay: untilDue(timer.at, event.at) });
      };
      const due = <T extends TimerEvent['type']>(type: T, at: string | undefined) =>
        at === undefined ? undefined : ({ type, at } as TimerEvent);
      const { urgency, offer, kennismaking, evaluation, arrears, waakvlam } = context;
      if (check(stateIn({ urgentie: 'beoordeling' })) && !open('urgentiebesluitTeLaat')) {
        rearm(timerIds.urgencyDecision, due('URGENTIEBESLUIT_TERMIJN', urgency.decisionDue));
      }
      if (check(stateIn({ matching: 'zoeken' }))) {
        if (!offer.reminded) rearm(timerIds.offerReminder, due('AANBOD_HERINNERING', offer.reminderDue));
        if (!offer.escalated) rearm(timerIds.offerEscalation, due('AANBOD_ESCALATIE', offer.escalationDue));
      }
      if (check(stateIn({ bewoning: { huurperiode: 'tijdelijk' } }))) {
        if (!kennismaking.heldAt && !kennismaking.escalated) {
          rearm(timerIds.kennismakingsgesprek, due('KENNISMAKING_TERMIJN', kennismaking.due));
        }
        rearm(timerIds.evaluationInvitation, due('EVALUATIE_UITNODIGING', nextEvaluationOpens(context)));
        if (evaluation.invited && !evaluation.heldAt && !evaluation.escalated) {
          rearm(timerIds.evaluationDue, due('EVALUATIE_TERMIJN', evaluation.due));
        }
      }
      if (check(stateIn({ bewoning: { huurperiode: { regulier: 'waakvlam' } } }))) {
        rearm(timerIds.waakvlamCheckIn, due('WAAKVLAM_CHECKIN', waakvlam?.nextCheckIn));
      }
      if (check(stateIn('bewoning'))) {
        if (arrears && !open('huurachterstandOnopgelost')) {
          rearm(timerIds.arrearsFollowUp, due('HUURACHTERSTAND_OPVOLGING', arrears.followUpDue));
        }
        for (const report of context.nuisance.open) {
          const reportId = report.id;
          if (!report.respondedAt && !open(`overlastZonderReactie:${reportId}`)) {
            rearm(timerIds.nuisanceResponse(reportId), {
              type: 'OVERLAST_REACTIETERMIJN',
              at: report.responseDue,
              reportId,
            });
          }
          if (!open(`overlastOnopgelost:${reportId}`)) {
            rearm(timerIds.nuisanceEscalation(reportId), {
              type: 'OVERLAST_ESCALATIETERMIJN',
              at: report.escalationDue,
              reportId,
            });
          }
        }
      }
    }),
  },
}).createMachine(
  stampEveryTransition({
    id: 'traject',
    context: ({ input }) => initialContext(input),
    initial: 'aanmelding',
    output: ({ context }) => ({ trajectRef: context.trajectRef, ended: context.ended }),
    // A covenant change is possible in every state of a running traject (the final ones take no events).
    on: {
      CONVENANT_GEWIJZIGD: { actions: ['changeCovenant', 'closeEscalationsNoLongerLate', 'rearmDeadlines'] },
    },
    states: {
      aanmelding: {
        on: {
          INSTEMMING_GEGEVEN: { target: 'urgentie', actions: 'recordConsent' },
          INGETROKKEN: {
            target: 'ingetrokken',
            actions: [{ type: 'recordEnd', params: { reason: 'ingetrokken' } }],
          },
        },
      },
      urgentie: {
        initial: 'aanvraag',
        on: {
          INGETROKKEN: {
            target: 'ingetrokken',
            actions: [{ type: 'recordEnd', params: { reason: 'ingetrokken' } }, notifyPartners()],
          },
        },
        states: {
          aanvraag: {
            on: { URGENTIE_AANGEVRAAGD: { target: 'beoordeling', actions: 'recordUrgencyRequest' } },
          },
          beoordeling: {
            entry: 'armUrgencyDecisionTimer',
            exit: cancel(timerIds.urgencyDecision),
            on: {
              URGENTIE_TOEGEKEND: {
                target: '#traject.matching',
                actions: [
                  'recordUrgencyGranted',
                  { type: 'resolveEscalations', params: { kinds: ['urgentiebesluitTeLaat'] } },
                  notifyPartners(),
                ],
              },
              URGENTIE_AFGEWEZEN: {
                target: '#traject.beeindigd',
                actions: [
                  { type: 'resolveEscalations', params: { kinds: ['urgentiebesluitTeLaat'] } },
                  { type: 'recordEnd', params: { reason: 'urgentieAfgewezen' } },
                  notifyPartners(),
                ],
              },
              URGENTIEBESLUIT_TERMIJN: {
                actions: [{ type: 'raiseEscalation', params: { kind: 'urgentiebesluitTeLaat' } }],
              },
            },
          },
        },
      },
      matching: {
        initial: 'zoeken',
        on: {
          INGETROKKEN: {
            target: 'ingetrokken',
            actions: [{ type: 'recordEnd', params: { reason: 'ingetrokken' } }, notifyPartners()],
          },
        },
        states: {
          zoeken: {
            entry: 'armOfferTimers',
            exit: [cancel(timerIds.offerReminder), cancel(timerIds.offerEscalation)],
            on: {
              WONING_AANGEBODEN: {
                target: 'aanbod',
                actions: ['recordOffer', { type: 'resolveEscalations', params: { kinds: ['aanbodTeLaat'] } }],
              },
              AANBOD_HERINNERING: { actions: 'remindCorporations' },
              AANBOD_ESCALATIE: {
                actions: [
                  'markOfferEscalated',
                  { type: 'raiseEscalation', params: { kind: 'aanbodTeLaat' } },
                ],
              },
            },
          },
          aanbod: {
            on: {
              AANBOD_GEACCEPTEERD: {
                target: '#traject.contractering',
                actions: ['recordOfferAccepted', notifyPartners()],
              },
              AANBOD_GEWEIGERD: { target: 'zoeken', actions: 'recordOfferRefused' },
            },
          },
        },
      },
      contractering: {
        initial: 'advies',
        on: {
          INGETROKKEN: {
            target: 'ingetrokken',
            actions: [{ type: 'recordEnd', params: { reason: 'ingetrokken' } }, notifyPartners()],
          },
        },
        states: {
          advies: {
            on: {
              CONTRACTVORM_GEADVISEERD: {
                guard: 'isFormAllowed',
                target: 'ondertekening',
                actions: 'recordAdvice',
              },
            },
          },
          ondertekening: {
            on: {
              CONTRACTVORM_GEADVISEERD: { guard: 'isFormAllowed', actions: 'recordAdvice' },
              CONTRACT_GETEKEND: {
                guard: 'isAdvisedForm',
                target: '#traject.bewoning',
                actions: ['recordContract', inviteKennismaking, notifyPartners()],
              },
            },
          },
        },
      },
      bewoning: {
        initial: 'huurperiode',
        exit: 'cancelTenancyTimers',
        on: {
          OVERLAST_GEMELD: { actions: 'openNuisanceReport' },
          OVERLAST_OPGEPAKT: {
            guard: 'isUnansweredReport',
            actions: [
              'recordNuisanceResponse',
              { type: 'resolveEscalations', params: { kinds: ['overlastZonderReactie'] } },
            ],
          },
          OVERLAST_AFGEHANDELD: {
            guard: 'isOpenReport',
            actions: [
              'closeNuisanceReport',
              {
                type: 'resolveEscalations',
                params: { kinds: ['overlastZonderReactie', 'overlastOnopgelost'] },
              },
            ],
          },
          OVERLAST_REACTIETERMIJN: {
            guard: 'isUnansweredReport',
            actions: [{ type: 'raiseEscalation', params: { kind: 'overlastZonderReactie' } }],
          },
          OVERLAST_ESCALATIETERMIJN: {
            guard: 'isOpenReport',
            actions: [
              { type: 'raiseEscalation', params: { kind: 'overlastOnopgelost', caseConsultation: true } },
            ],
          },
          ZORGEN_GEMELD: { actions: routeConcern },
          HUURACHTERSTAND_GESIGNALEERD: { guard: 'hasNoOpenArrears', actions: 'openArrears' },
          HUURACHTERSTAND_OPGELOST: {
            guard: 'hasOpenArrears',
            actions: [
              'closeArrears',
              cancel(timerIds.arrearsFollowUp),
              { type: 'resolveEscalations', params: { kinds: ['huurachterstandOnopgelost'] } },
            ],
          },
          HUURACHTERSTAND_OPVOLGING: {
            guard: 'hasOpenArrears',
            actions: [
              {
                type: 'raiseEscalation',
                params: { kind: 'huurachterstandOnopgelost', caseConsultation: true },
              },
            ],
          },
          CONTRACT_BEEINDIGD: {
            target: 'beeindigd',
            actions: [{ type: 'recordEnd', params: { reason: 'contractBeeindigd' } }, notifyPartners()],
          },
        },
        states: {
          huurperiode: {
            initial: 'tijdelijk',
            on: {
              TERUGVAL_GEMELD: { target: 'timeout', actions: ['startTimeout', notifyPartners()] },
            },
            states: {
              tijdelijk: {
                initial: 'lopend',
                entry: 'armMeetingTimers',
                exit: [
                  cancel(timerIds.kennismakingsgesprek),
                  cancel(timerIds.evaluationInvitation),
                  cancel(timerIds.evaluationDue),
                ],
                on: {
                  INGETROKKEN: {
                    target: '#traject.ingetrokken',
                    actions: [{ type: 'recordEnd', params: { reason: 'ingetrokken' } }, notifyPartners()],
                  },
                  GESPREK_GEPLAND: {
                    guard: 'isMeetingPlannable',
                    actions: ['recordMeetingPlanned', confirmPlannedMeeting],
                  },
                  GESPREK_GEVOERD: [
                    {
                      guard: 'isKennismakingsgesprekOpen',
                      actions: [
                        'recordKennismakingHeld',
                        cancel(timerIds.kennismakingsgesprek),
                        { type: 'resolveEscalations', params: { kinds: ['kennismakingsgesprekGemist'] } },
                      ],
                    },
                    {
                      guard: 'isEvaluatiegesprekOpen',
                      actions: [
                        'recordEvaluatiegesprekHeld',
                        cancel(timerIds.evaluationDue),
                        { type: 'resolveEscalations', params: { kinds: ['evaluatiegesprekGemist'] } },
                      ],
                    },
                  ],
                  EVALUATIE_VASTGELEGD: { guard: 'hasUnrecordedEvaluation', actions: 'recordEvaluation' },
                  KENNISMAKING_TERMIJN: {
                    guard: 'isKennismakingsgesprekDue',
                    actions: [
                      'markKennismakingEscalated',
                      { type: 'raiseEscalation', params: { kind: 'kennismakingsgesprekGemist' } },
                    ],
                  },
                  // Invites to the evaluatiegesprek just opened, watches its deadline, and schedules the next
                  // invitation: plain actions in a row (an enqueueActions builds its enqueue functions and new timer
                  // actions every time it runs).
                  EVALUATIE_UITNODIGING: {
                    actions: [
                      'openEvaluation',
                      inviteEvaluatiegesprek,
                      cancel(timerIds.evaluationDue),
                      'armEvaluationDue',
                      'armNextEvaluationInvitation',
                    ],
                  },
                  EVALUATIE_TERMIJN: {
                    guard: 'isEvaluatiegesprekDue',
                    actions: [
                      'markEvaluationEscalated',
                      { type: 'raiseEscalation', params: { kind: 'evaluatiegesprekGemist' } },
                    ],
                  },
                  CONTRACT_VERLENGD: { target: '.lopend', actions: ['recordExtension', notifyPartners()] },
                },
                states: {
                  lopend: {
                    on: {
                      OMKLAPPEN_AKKOORD: [
                        {
                          guard: 'canCompleteConversion',
                          target: '#traject.bewoning.huurperiode.regulier',
                          actions: [
                            'recordConversion',
                            { type: 'lapseEscalations', params: meetingsOver },
                            notifyPartners('omgeklapt'),
                          ],
                        },
                        { guard: 'canAgreeToConversion', target: 'omklappen', actions: 'recordAgreement' },
                      ],
                    },
                  },
                  omklappen: {
                    on: {
                      OMKLAPPEN_AKKOORD: [
                        {
                          guard: 'canCompleteConversion',
                          target: '#traject.bewoning.huurperiode.regulier',
                          actions: [
                            'recordConversion',
                            { type: 'lapseEscalations', params: meetingsOver },
                            notifyPartners('omgeklapt'),
                          ],
                        },
                        { guard: 'canAgreeToConversion', actions: 'recordAgreement' },
                      ],
                    },
                  },
                },
              },
              regulier: {
                initial: 'begeleid',
                on: {
                  TRAJECT_AFGESLOTEN: {
                    target: '#traject.afgesloten',
                    actions: [{ type: 'recordEnd', params: { reason: 'afgesloten' } }, notifyPartners()],
                  },
                },
                states: {
                  begeleid: {
                    on: {
                      BEGELEIDING_AFGESCHAALD: {
                        target: 'waakvlam',
                        actions: ['startWaakvlam', notifyPartners()],
                      },
                    },
                  },
                  waakvlam: {
                    entry: 'armWaakvlamCheckIn',
                    exit: cancel(timerIds.waakvlamCheckIn),
                    on: {
                      WAAKVLAM_CHECKIN: {
                        actions: [
                          'startWaakvlamPeriod',
                          requestCheckIn,
                          { type: 'resolveEscalations', params: { kinds: ['contactbudgetOverschreden'] } },
                          'armWaakvlamCheckIn',
                        ],
                      },
                      CONTACT_GELOGD: [
                        {
                          guard: 'isOverContactBudgetAfterThis',
                          actions: [
                            'logContact',
                            { type: 'raiseEscalation', params: { kind: 'contactbudgetOverschreden' } },
                          ],
                        },
                        { actions: 'logContact' },
                      ],
                      BEGELEIDING_OPGESCHAALD: {
                        target: 'begeleid',
                        actions: [
                          'endWaakvlam',
                          { type: 'resolveEscalations', params: { kinds: ['contactbudgetOverschreden'] } },
                          notifyPartners(),
                        ],
                      },
                    },
                  },
                },
              },
              hist: { type: 'history', history: 'deep' },
            },
          },
          timeout: {
            on: {
              TIMEOUT_BEEINDIGD: { target: 'huurperiode.hist', actions: ['endTimeout', notifyPartners()] },
              INGETROKKEN: {
                guard: 'isNotConverted',
                target: '#traject.ingetrokken',
                actions: [{ type: 'recordEnd', params: { reason: 'ingetrokken' } }, notifyPartners()],
              },
            },
          },
        },
      },
      // Nothing an open escalation waits for can still happen once the traject has ended.
      afgesloten: { type: 'final', entry: { type: 'lapseEscalations', params: {} } },
      beeindigd: { type: 'final', entry: { type: 'lapseEscalations', params: {} } },
      ingetrokken: { type: 'final', entry: { type: 'lapseEscalations', params: {} } },
    },
  }),
);

export type TrajectMachine = typeof trajectMachine;

/**
 * An effect as an action object. XState cannot type actions enqueued from inside `setup({ actions })` (they refer
 * to the object being defined), so this helper checks the effect's parameters instead.
 */
function effect<K extends EffectName>(type: K, params: TrajectEffects[K]): never {
  return { type, params } as never;
}

/** The name of a named action in a transition's config (a string, or an object with a `type`). */
function actionName(action: unknown): string | undefined {
  if (typeof action === 'string') return action;
  const type = (action as { type?: unknown } | null)?.type;
  return typeof action === 'object' && typeof type === 'string' ? type : undefined;
}

/**
 * Adds the `stamp` action in front of every transition of a machine config, so that the machine always knows the
 * time of the last event it took; a transition whose first action records the time itself (`stamped`) needs none.
 * Returns the config unchanged in type.
 */
function stampEveryTransition<T>(config: T): T {
  const stampTransition = (t: unknown): unknown => {
    if (typeof t === 'string') return { target: t, actions: ['stamp'] };
    const transition = t as { actions?: unknown };
    const actions: unknown[] =
      transition.actions === undefined
        ? []
        : Array.isArray(transition.actions)
          ? transition.actions
          : [transition.actions];
    const first = actionName(actions[0]);
    if (first !== undefined && timeRecordingActions.has(first)) return { ...transition, actions };
    return { ...transition, actions: ['stamp', ...actions] };
  };
  const visit = (node: Record<string, unknown>): Record<string, unknown> => {
    const on = node.on as Record<string, unknown> | undefined;
    const states = node.states as Record<string, Record<string, unknown>> | undefined;
    return {
      ...node,
      ...(on && {
        on: Object.fromEntries(
          Object.entries(on).map(([type, t]) => [
            type,
            Array.isArray(t) ? t.map(stampTransition) : stampTransition(t),
          ]),
        ),
      }),
      ...(states && { states: Object.fromEntries(Object.entries(states).map(([k, s]) => [k, visit(s)])) }),
    };
  };
  return visit(config as Record<string, unknown>) as T;
}
