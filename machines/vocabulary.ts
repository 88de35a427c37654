/**
 * The canonical vocabulary of the partnerships (../shared/DOMAIN.md). Domain words stay Dutch, as the
 * partners speak them; these lists are the single source for schemas, permissions and the public status.
 */
import { z } from 'zod';
import { coordinatorEventTypes } from './event-types';

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

/** Events a party sends (coordinator events); the list is in event-types.ts. */
export { coordinatorEventTypes } from './event-types';
export const CoordinatorEventTypeSchema = z.enum(coordinatorEventTypes);
export type CoordinatorEventType = z.infer<typeof CoordinatorEventTypeSchema>;

/** Events the machine raises for itself when a deadline falls due; the list is in event-types.ts. */
export { timerEventTypes, type TimerEventType } from './event-types';

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
