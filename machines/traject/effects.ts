/**
 * The effects the traject machine asks for, by name, with their parameters. The machine never performs them:
 * the workflow carries each one out as an activity (one table from action name to activity).
 */
import type { EscalationKind, MeetingKind, Role } from '../vocabulary';

export interface InvitationParams {
  meeting: MeetingKind;
  /** 1 for the kennismakingsgesprek; the evaluation's number for an evaluatiegesprek. */
  number: number;
  opens: string;
  dueBy: string;
  proposedAt: string;
  roles: Role[];
}

export interface MeetingPlannedParams {
  meeting: MeetingKind;
  number: number;
  plannedAt: string;
  roles: Role[];
}

export interface ReminderParams {
  subject: 'aanbod';
  dueAt: string;
  roles: Role[];
}

export interface EscalationParams {
  kind: EscalationKind;
  since: string;
  roles: Role[];
  /** The report an escalation concerns, if any (e.g. overlast-2). */
  reference?: string;
}

export interface FinancialSupportParams {
  months: number;
  roles: Role[];
}

export interface NeighbourReportParams {
  kind: 'overlast' | 'zorgen';
  reportId?: string;
  severity?: 'laag' | 'midden' | 'hoog';
  to: Role;
  duringOfficeHours: boolean;
}

export interface WaakvlamContactParams {
  periodStart: string;
  dueBy: string;
  budgetHours: number;
  roles: Role[];
}

export interface NotifyParams {
  /** What happened: the event type, or `omgeklapt` when the lease converted. */
  subject: string;
  roles: Role[];
}

/** Every effect the machine can ask for, with the type of its parameters. */
export interface TrajectEffects {
  inviteKennismakingsgesprek: InvitationParams;
  inviteEvaluatiegesprek: InvitationParams;
  confirmMeeting: MeetingPlannedParams;
  remind: ReminderParams;
  escalate: EscalationParams;
  escalateToCaseConsultation: EscalationParams;
  offerFinancialSupport: FinancialSupportParams;
  routeNeighbourReport: NeighbourReportParams;
  requestWaakvlamContact: WaakvlamContactParams;
  notifyParties: NotifyParams;
}
export type EffectName = keyof TrajectEffects;
export const effectNames: readonly EffectName[] = [
  'inviteKennismakingsgesprek',
  'inviteEvaluatiegesprek',
  'confirmMeeting',
  'remind',
  'escalate',
  'escalateToCaseConsultation',
  'offerFinancialSupport',
  'routeNeighbourReport',
  'requestWaakvlamContact',
  'notifyParties',
];

/** An effect as the machine emits it. */
export type Effect = { [K in EffectName]: { type: K; params: TrajectEffects[K] } }[EffectName];

const effectTypes: ReadonlySet<string> = new Set(effectNames);

export function isEffect(action: { type: string; params?: unknown }): action is Effect {
  return effectTypes.has(action.type);
}
