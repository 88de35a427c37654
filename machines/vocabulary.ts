/**
 * The canonical vocabulary of the partnerships (../shared/DOMAIN.md). Domain words stay Dutch, as the
 * partners speak them; these lists are the single source for schemas, permissions and the public status.
 */
import { z } from 'zod';

/** Who acts. `buurtbewoner` may only report; `auditor` reads and never writes. */
export const roles = [
  'gemeente',
  'corporatie',
  'zorgaanbieder',
  'wijkteam',
  'buurtbewoner',
  'client',
  'auditor',
] as const;
export const RoleSchema = z.enum(roles);
export type Role = z.infer<typeof RoleSchema>;

/** Events a party sends (coordinator events). */
export const coordinatorEventTypes = [
  'INSTEMMING_GEGEVEN',
  'INGETROKKEN',
  'URGENTIE_AANGEVRAAGD',
  'URGENTIE_TOEGEKEND',
  'URGENTIE_AFGEWEZEN',
  'WONING_AANGEBODEN',
  'AANBOD_GEACCEPTEERD',
  'AANBOD_GEWEIGERD',
  'CONTRACTVORM_GEADVISEERD',
  'CONTRACT_GETEKEND',
  'GESPREK_GEPLAND',
  'GESPREK_GEVOERD',
  'EVALUATIE_VASTGELEGD',
  'OVERLAST_GEMELD',
  // Extension of the DOMAIN list: the first response to a nuisance report, so that the
  // "first response within 2 working days" deadline can be met and observed.
  'OVERLAST_OPGEPAKT',
  'OVERLAST_AFGEHANDELD',
  // Extension: a neighbour's concern that is not nuisance (Nijmegen persona Henriëtte, seed 004).
  'ZORGEN_GEMELD',
  'HUURACHTERSTAND_GESIGNALEERD',
  'HUURACHTERSTAND_OPGELOST',
  'TERUGVAL_GEMELD',
  'TIMEOUT_BEEINDIGD',
  'OMKLAPPEN_AKKOORD',
  'CONTRACT_VERLENGD',
  'CONTRACT_BEEINDIGD',
  'BEGELEIDING_AFGESCHAALD',
  'BEGELEIDING_OPGESCHAALD',
  'CONTACT_GELOGD',
  'TRAJECT_AFGESLOTEN',
] as const;
export const CoordinatorEventTypeSchema = z.enum(coordinatorEventTypes);
export type CoordinatorEventType = z.infer<typeof CoordinatorEventTypeSchema>;

/** Events the machine raises for itself when a deadline or a scheduled moment arrives (durable timers). */
export const timerEventTypes = [
  'URGENTIEBESLUIT_TERMIJN',
  'AANBOD_HERINNERING',
  'AANBOD_ESCALATIE',
  'KENNISMAKING_TERMIJN',
  'EVALUATIE_UITNODIGING',
  'EVALUATIE_TERMIJN',
  'OVERLAST_REACTIETERMIJN',
  'OVERLAST_ESCALATIETERMIJN',
  'HUURACHTERSTAND_OPVOLGING',
  'WAAKVLAM_CHECKIN',
] as const;
export type TimerEventType = (typeof timerEventTypes)[number];

/** The stable public phases that clients and dashboards rely on. Internal state names may change; these may not. */
export const phases = [
  'aanmelding',
  'urgentie',
  'matching',
  'contractering',
  'tijdelijkContract',
  'omklappen',
  'regulierContract',
  'waakvlam',
  'timeout',
  'afgesloten',
  'beeindigd',
  'ingetrokken',
] as const;
export const PhaseSchema = z.enum(phases);
export type Phase = z.infer<typeof PhaseSchema>;

export const contractForms = ['omklapcontract', 'driepartijenovereenkomst'] as const;
export const ContractFormSchema = z.enum(contractForms);
export type ContractForm = z.infer<typeof ContractFormSchema>;

export const OriginSchema = z.enum(['BW', 'MO']);
export type Origin = z.infer<typeof OriginSchema>;

/** Meetings the engine invites to. */
export const meetingKinds = ['kennismakingsgesprek', 'evaluatiegesprek'] as const;
export const MeetingKindSchema = z.enum(meetingKinds);
export type MeetingKind = z.infer<typeof MeetingKindSchema>;

/** The five rules of thumb ('s-Hertogenbosch, seed 001) plus rent payment and nuisance: the evaluation indicators. */
export const indicators = [
  'dak',
  'inkomen',
  'daginvulling',
  'ondersteuning',
  'eigenaarschap',
  'huurbetaling',
  'overlast',
] as const;
export const IndicatorScoreSchema = z.enum(['goed', 'aandacht', 'zorg']);

/** An evaluation's advice (DOMAIN.md, evaluaties). */
export const AdviceSchema = z.enum(['omklappen', 'verlengen', 'afschalen', 'beeindigen']);

/** What can escalate, each to the roles its covenant names. */
export const escalationKinds = [
  'urgentiebesluitTeLaat',
  'aanbodTeLaat',
  'kennismakingsgesprekGemist',
  'evaluatiegesprekGemist',
  'overlastZonderReactie',
  'overlastOnopgelost',
  'huurachterstandOnopgelost',
  'contactbudgetOverschreden',
] as const;
export const EscalationKindSchema = z.enum(escalationKinds);
export type EscalationKind = z.infer<typeof EscalationKindSchema>;
