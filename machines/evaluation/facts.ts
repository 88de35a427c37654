/**
 * The facts of one traject that the covenant's evaluation needs: dates, codes and counts, pseudonymous, no names, no
 * free text, no addresses. They are derived from the traject's events by running the machine (`factsFromEventLog`),
 * so the read model that later keeps them per live traject and the what-if simulation count the same way.
 */
import { z } from 'zod';
import { InstantSchema, ReferenceSchema } from '../events';
import {
  AdviceSchema,
  ContractFormSchema,
  EscalationKindSchema,
  IndicatorScoreSchema,
  MeetingKindSchema,
  OriginSchema,
  PhaseSchema,
  RoleSchema,
  indicators,
} from '../vocabulary';

const instant = InstantSchema;
const maybe = InstantSchema.nullable();

/** How a traject left the partnership, in the machine's own words (`ended.reason`). */
export const EndKindSchema = z.enum(['afgesloten', 'contractBeeindigd', 'urgentieAfgewezen', 'ingetrokken']);
export type EndKind = z.infer<typeof EndKindSchema>;

export const OfferFactSchema = z
  .object({
    offeredAt: instant,
    /** `open` while the client has not answered yet. `withdrawn`: the traject was withdrawn with the offer open. */
    outcome: z.enum(['accepted', 'refused', 'open', 'withdrawn']),
    answeredAt: maybe,
  })
  .strict();

export const MeetingFactSchema = z
  .object({
    kind: MeetingKindSchema,
    /** 1 for the kennismakingsgesprek; the evaluatiegesprek's number otherwise. */
    number: z.number().int().min(1),
    invitedAt: instant,
    /** The last due date the machine knew (a time-out moves it by the time away). */
    dueAt: instant,
    heldAt: maybe,
    /** Set when the meeting stopped being needed before it was held: conversion, end, withdrawal. */
    cancelledAt: maybe,
  })
  .strict();

export const EscalationFactSchema = z
  .object({
    kind: EscalationKindSchema,
    /** The nuisance report it concerns, if any (`overlast-2`). */
    reference: z
      .string()
      .regex(/^overlast-\d+$/)
      .nullable(),
    openedAt: instant,
    closedAt: maybe,
    /** `resolved`: the event that settles it came; `trajectEnded`: the traject ended with it open. */
    closedBy: z.enum(['resolved', 'trajectEnded']).nullable(),
  })
  .strict();

export const NuisanceFactSchema = z
  .object({
    id: z.string().regex(/^overlast-\d+$/),
    reportedAt: instant,
    reportedBy: RoleSchema,
    severity: z.enum(['laag', 'midden', 'hoog']),
    responseDueAt: instant,
    respondedAt: maybe,
    escalationDueAt: instant,
    closedAt: maybe,
    /** When it went to case consultation (escalation `overlastOnopgelost`). */
    escalatedAt: maybe,
  })
  .strict();

export const ArrearsFactSchema = z
  .object({
    signalledAt: instant,
    months: z.number().int().min(1),
    followUpDueAt: instant,
    resolvedAt: maybe,
    /** When it escalated (`huurachterstandOnopgelost`): not resolved by the follow-up date. */
    escalatedAt: maybe,
  })
  .strict();

export const RelapseFactSchema = z.object({ startedAt: instant, endedAt: maybe }).strict();

export const EvaluationFactSchema = z
  .object({
    number: z.number().int().min(1),
    recordedAt: instant,
    indicators: z.object(
      Object.fromEntries(indicators.map((i) => [i, IndicatorScoreSchema])) as Record<
        (typeof indicators)[number],
        typeof IndicatorScoreSchema
      >,
    ),
    advice: AdviceSchema,
  })
  .strict();

/** One month (check-in period) of waakvlam support and the contact hours logged in it. */
export const WaakvlamMonthFactSchema = z
  .object({
    periodStart: instant,
    hours: z.number().min(0),
    budgetHours: z.number().positive(),
  })
  .strict();

/** Everything an evaluation figure needs to know about one traject. */
export const TrajectFactsSchema = z
  .object({
    /** The pseudonymous traject reference: the read model's key, never a name. */
    trajectRef: ReferenceSchema,
    region: z.string(),
    origin: OriginSchema,
    /** The instant up to which these facts are known: deadlines after it have not passed yet. */
    asOf: instant,
    registeredAt: instant,
    consentAt: maybe,
    urgency: z
      .object({
        requestedAt: maybe,
        grantedAt: maybe,
        refusedAt: maybe,
        /** The covenant's promise, counted from the request: the reminder (3 months) and the escalation (6). */
        offerReminderDueAt: maybe,
        offerEscalationDueAt: maybe,
      })
      .strict(),
    offers: z.array(OfferFactSchema),
    contractForm: ContractFormSchema.nullable(),
    /** Contract signed: the client moved into the home (moved out of BW or MO). */
    movedInAt: maybe,
    convertedAt: maybe,
    end: z.object({ kind: EndKindSchema, at: instant }).strict().nullable(),
    /** Every public phase the traject entered, in order, with when. */
    phases: z.array(z.object({ phase: PhaseSchema, from: instant }).strict()),
    meetings: z.array(MeetingFactSchema),
    escalations: z.array(EscalationFactSchema),
    nuisance: z.array(NuisanceFactSchema),
    arrears: z.array(ArrearsFactSchema),
    relapses: z.array(RelapseFactSchema),
    evaluations: z.array(EvaluationFactSchema),
    waakvlamMonths: z.array(WaakvlamMonthFactSchema),
  })
  .strict();

export type TrajectFacts = z.infer<typeof TrajectFactsSchema>;
export type OfferFact = z.infer<typeof OfferFactSchema>;
export type MeetingFact = z.infer<typeof MeetingFactSchema>;
export type EscalationFact = z.infer<typeof EscalationFactSchema>;
export type NuisanceFact = z.infer<typeof NuisanceFactSchema>;
export type ArrearsFact = z.infer<typeof ArrearsFactSchema>;
export type RelapseFact = z.infer<typeof RelapseFactSchema>;
export type EvaluationFact = z.infer<typeof EvaluationFactSchema>;
export type WaakvlamMonthFact = z.infer<typeof WaakvlamMonthFactSchema>;
