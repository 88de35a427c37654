/**
 * Every event the traject machine takes, as zod schemas: the one definition of what an event's data may hold.
 * Coordinator events carry the actor (role, organisation, pseudonymous person id) and the time they were
 * recorded (`at`); timer events carry the time their deadline fell due.
 * Free text (`note`) is allowed only where a party needs it; it never reaches logs, ids or search attributes.
 */
import { z } from 'zod';
import type { Covenant } from './covenant';
import {
  actsForAnOrganisationWhenItMust,
  hasNoCitizenNumber,
  hasNoNameOrAddress,
} from './validation/refinements';
import {
  AdviceSchema,
  ContractFormSchema,
  CoordinatorEventTypeSchema,
  IndicatorScoreSchema,
  MeetingKindSchema,
  RoleSchema,
  indicators,
  type TimerEventType,
} from './vocabulary';

// The zod-free rules on events live in event-data.ts, so that the workflow bundle can use them without zod.
export * from './event-data';

/** An ISO 8601 instant in UTC, as the engine records times. */
export const InstantSchema = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 date-time such as 2026-03-01T10:00:00Z',
});

/**
 * A pseudonymous reference, such as `demo-0001`, `c-2026-0042` or `woning-0042`: 3-64 letters, digits, '-' and '_',
 * made so that what identifies a person does not fit in it by accident. Refused: a run of nine digits that passes the
 * elfproef (a citizen number), a capitalised word (`Jan`, `Dorpsstraat`: a name or a street), and more than two words
 * of three or more letters (`jan_vries_dorpsstraat_12`: a name and an address). Codes in capitals (`AB-1234`) are fine.
 */
export const ReferenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, {
    message:
      'expected a pseudonymous reference of 3-64 letters, digits, - or _ (no names, addresses or citizen numbers)',
  })
  .refine(hasNoCitizenNumber, {
    message:
      'looks like a citizen number (nine digits that pass the elfproef); use a pseudonymous reference such as c-2026-0042',
  })
  .refine(hasNoNameOrAddress, {
    message:
      'looks like a name or an address (a capitalised word, or more than two words); use a pseudonymous reference such as c-2026-0042',
  });

export const ActorSchema = z
  .object({
    role: RoleSchema,
    /** The organisation acting; a client or a neighbour acts for nobody but themselves. */
    organisation: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 .&'-]{0,63}$/, { message: 'expected an organisation code' })
      .optional(),
    /** Pseudonymous id of the person acting for the organisation. */
    personId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { message: 'expected a pseudonymous person id' }),
  })
  .strict()
  .refine(actsForAnOrganisationWhenItMust, {
    path: ['organisation'],
    message: 'a partner acts for an organisation: give it (only a client or a buurtbewoner acts without one)',
  });
export type Actor = z.infer<typeof ActorSchema>;

const note = z.string().max(2000).optional();
const empty = z.object({}).strict().default({});
const withNote = z.object({ note }).strict().default({});
const reportId = z.string().regex(/^overlast-\d+$/, { message: 'expected a report id such as overlast-1' });

/** The data each coordinator event carries. */
export const eventDataSchemas = {
  INSTEMMING_GEGEVEN: empty,
  INGETROKKEN: z.object({ reason: z.enum(['client', 'verhuisd', 'zorgaanbieder', 'overig']), note }).strict(),
  URGENTIE_AANGEVRAAGD: withNote,
  URGENTIE_TOEGEKEND: z
    .object({
      searchProfile: z
        .object({
          districts: z
            .array(z.string().regex(/^[A-Za-z0-9' -]{1,40}$/))
            .max(20)
            .default([]),
          homeType: z.enum(['appartement', 'studio', 'eengezinswoning', 'overig']).optional(),
          maxRent: z.number().positive().max(5000).optional(),
        })
        .strict(),
      note,
    })
    .strict(),
  URGENTIE_AFGEWEZEN: z.object({ reason: z.enum(['geenUrgentie', 'onvolledig', 'overig']), note }).strict(),
  WONING_AANGEBODEN: z
    .object({ homeRef: ReferenceSchema, wijkbeheerderConsulted: z.boolean().default(false) })
    .strict(),
  AANBOD_GEACCEPTEERD: empty,
  AANBOD_GEWEIGERD: z.object({ reason: z.enum(['nietPassend', 'locatie', 'overig']), note }).strict(),
  CONTRACTVORM_GEADVISEERD: z.object({ form: ContractFormSchema, note }).strict(),
  CONTRACT_GETEKEND: z.object({ form: ContractFormSchema }).strict(),
  GESPREK_GEPLAND: z.object({ meeting: MeetingKindSchema, plannedAt: InstantSchema }).strict(),
  GESPREK_GEVOERD: z.object({ meeting: MeetingKindSchema, note }).strict(),
  EVALUATIE_VASTGELEGD: z
    .object({
      indicators: z
        .object(
          Object.fromEntries(indicators.map((i) => [i, IndicatorScoreSchema])) as Record<
            (typeof indicators)[number],
            typeof IndicatorScoreSchema
          >,
        )
        .strict(),
      advice: AdviceSchema,
      note,
    })
    .strict(),
  OVERLAST_GEMELD: z.object({ severity: z.enum(['laag', 'midden', 'hoog']), note }).strict(),
  OVERLAST_OPGEPAKT: z.object({ reportId }).strict(),
  OVERLAST_AFGEHANDELD: z.object({ reportId, note }).strict(),
  ZORGEN_GEMELD: withNote,
  HUURACHTERSTAND_GESIGNALEERD: z.object({ months: z.number().int().min(1).max(24) }).strict(),
  HUURACHTERSTAND_OPGELOST: empty,
  TERUGVAL_GEMELD: withNote,
  TIMEOUT_BEEINDIGD: empty,
  OMKLAPPEN_AKKOORD: empty,
  CONTRACT_VERLENGD: withNote,
  CONTRACT_BEEINDIGD: z
    .object({ reason: z.enum(['opzegging', 'ontbinding', 'overlijden', 'overig']), note })
    .strict(),
  BEGELEIDING_AFGESCHAALD: empty,
  BEGELEIDING_OPGESCHAALD: withNote,
  CONTACT_GELOGD: z.object({ hours: z.number().positive().max(24) }).strict(),
  TRAJECT_AFGESLOTEN: withNote,
} as const;

type DataSchemas = typeof eventDataSchemas;
type EventTypeKey = keyof DataSchemas;

function envelope<T extends EventTypeKey>(type: T) {
  return z
    .object({ type: z.literal(type), actor: ActorSchema, at: InstantSchema, data: eventDataSchemas[type] })
    .strict();
}

/** A coordinator event as the machine takes it: type, actor, recorded time and data. */
export const CoordinatorEventSchema = z.discriminatedUnion('type', [
  envelope('INSTEMMING_GEGEVEN'),
  envelope('INGETROKKEN'),
  envelope('URGENTIE_AANGEVRAAGD'),
  envelope('URGENTIE_TOEGEKEND'),
  envelope('URGENTIE_AFGEWEZEN'),
  envelope('WONING_AANGEBODEN'),
  envelope('AANBOD_GEACCEPTEERD'),
  envelope('AANBOD_GEWEIGERD'),
  envelope('CONTRACTVORM_GEADVISEERD'),
  envelope('CONTRACT_GETEKEND'),
  envelope('GESPREK_GEPLAND'),
  envelope('GESPREK_GEVOERD'),
  envelope('EVALUATIE_VASTGELEGD'),
  envelope('OVERLAST_GEMELD'),
  envelope('OVERLAST_OPGEPAKT'),
  envelope('OVERLAST_AFGEHANDELD'),
  envelope('ZORGEN_GEMELD'),
  envelope('HUURACHTERSTAND_GESIGNALEERD'),
  envelope('HUURACHTERSTAND_OPGELOST'),
  envelope('TERUGVAL_GEMELD'),
  envelope('TIMEOUT_BEEINDIGD'),
  envelope('OMKLAPPEN_AKKOORD'),
  envelope('CONTRACT_VERLENGD'),
  envelope('CONTRACT_BEEINDIGD'),
  envelope('BEGELEIDING_AFGESCHAALD'),
  envelope('BEGELEIDING_OPGESCHAALD'),
  envelope('CONTACT_GELOGD'),
  envelope('TRAJECT_AFGESLOTEN'),
]);
export type CoordinatorEvent = z.infer<typeof CoordinatorEventSchema>;
export type CoordinatorEventOf<T extends EventTypeKey> = Extract<CoordinatorEvent, { type: T }>;

/**
 * An event as a party sends it: the engine adds the time (`at`) when it records it, so a caller cannot backdate.
 * `data` is checked against the event's own schema when the event is recorded.
 */
export const EventInputSchema = z
  .object({
    type: CoordinatorEventTypeSchema,
    actor: ActorSchema,
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type EventInput = z.input<typeof EventInputSchema>;

/** Timer events: the machine raises them for itself, with the instant their deadline fell due. */
export type TimerEvent =
  | { type: Exclude<TimerEventType, 'OVERLAST_REACTIETERMIJN' | 'OVERLAST_ESCALATIETERMIJN'>; at: string }
  | { type: 'OVERLAST_REACTIETERMIJN' | 'OVERLAST_ESCALATIETERMIJN'; at: string; reportId: string };

/**
 * A traject moves onto another version of its covenant (issue 15): an event of its own, not a coordinator event,
 * because who may send it is the covenant's `migration` list, not its permissions. The reason stays in the event.
 */
export interface CovenantChangedEvent {
  type: 'CONVENANT_GEWIJZIGD';
  actor: Actor;
  at: string;
  data: { covenant: Covenant; reason: string };
  /**
   * The rules the change is taken under: the workflow gives the ones it took up (`patched`) by the time of the change,
   * so a change recorded before a rule came replays as it was taken.
   */
  rules?: CovenantChangeRules;
}

/** Rules of a covenant change that came while trajecten were already running (see `CovenantChangedEvent.rules`). */
export interface CovenantChangeRules {
  /**
   * An open escalation whose deadline the new terms move past the change closes, recorded with the reason
   * (`closedEscalations`), and its deadline runs again; issue 15.
   */
  escalationsFollowTerms?: boolean;
}

export type TrajectEvent = CoordinatorEvent | TimerEvent | CovenantChangedEvent;
