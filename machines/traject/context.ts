/**
 * What the traject machine remembers. Every deadline is an absolute instant (ISO 8601, UTC) derived from the
 * time of the event that set it, so any state can be inspected or restored without re-running a clock.
 * No free text lives here: notes stay in the event payloads.
 */
import type { Covenant } from '../covenant';
import type { Actor } from '../events';
import type { ContractForm, EscalationKind, Origin, Role } from '../vocabulary';

/**
 * Rules the machine gained while trajecten were already running. Each is off unless given: a traject's recorded
 * history must replay as it was recorded, so the workflow turns a rule on only for trajecten it starts after the rule
 * came (with `patched`), and a snapshot persisted before then has none.
 */
export interface TrajectRules {
  /** Open escalations lapse when what they wait for can no longer come: meetings at omklappen, all of them at the end. */
  escalationsLapse?: boolean;
}

/** What starts a traject: the care provider's registration (aanmelding). */
export interface TrajectInput {
  /** The client's pseudonymous reference; the workflow id is derived from it. */
  trajectRef: string;
  origin: Origin;
  covenant: Covenant;
  registeredAt: string;
  registeredBy: Actor;
  rules?: TrajectRules;
}

export interface Escalation {
  /** `kind`, or `kind:reference` when it concerns one report. */
  id: string;
  kind: EscalationKind;
  since: string;
  roles: Role[];
}

/** An escalation that can no longer be resolved, closed without its cause being remedied. */
export interface LapsedEscalation extends Escalation {
  lapsedAt: string;
  /** Why: `omgeklapt` (the meetings of the temporary contract are over), or how the traject ended. */
  reason: string;
}

/** An escalation closed because a covenant change moved its deadline past the change: it is no longer late. */
export interface ClosedEscalation extends Escalation {
  closedAt: string;
  /** Always `convenantGewijzigd` for now: the terms of another covenant version. */
  reason: 'convenantGewijzigd';
  /** The version whose terms closed it, and the deadline it now has. */
  version?: string;
  dueAt: string;
}

/** A move onto another covenant version (CONVENANT_GEWIJZIGD); the reason stays in the event. */
export interface CovenantChange {
  at: string;
  from?: string;
  to?: string;
  by: Role;
}

export interface NuisanceReport {
  id: string;
  reportedAt: string;
  reportedBy: Role;
  severity: 'laag' | 'midden' | 'hoog';
  routedTo: Role;
  responseDue: string;
  escalationDue: string;
  respondedAt?: string;
}

export interface EvaluationRecord {
  number: number;
  at: string;
  advice: 'omklappen' | 'verlengen' | 'afschalen' | 'beeindigen';
  indicators: Record<string, 'goed' | 'aandacht' | 'zorg'>;
}

export interface TrajectContext {
  trajectRef: string;
  origin: Origin;
  covenant: Covenant;
  registeredAt: string;
  /** The time of the last event the machine took. */
  lastEventAt: string;
  /** The organisation acting for each role in this traject, as far as known. */
  organisations: Partial<Record<Role, string>>;
  consentAt?: string;
  urgency: { requestedAt?: string; decisionDue?: string; grantedAt?: string; districts?: string[] };
  offer: {
    reminderDue?: string;
    escalationDue?: string;
    reminded: boolean;
    escalated: boolean;
    homeRef?: string;
    offeredAt?: string;
    acceptedAt?: string;
    refusals: number;
  };
  contract: {
    advisedForm?: ContractForm;
    form?: ContractForm;
    startedAt?: string;
    /** Earliest conversion: start + minimum term + time spent in time-out (+ extensions). */
    earliestConversion?: string;
    agreements: Partial<Record<Role, string>>;
    extensions: number;
    convertedAt?: string;
  };
  kennismaking: { invitedAt?: string; due?: string; plannedAt?: string; heldAt?: string; escalated: boolean };
  /** The current (or next) evaluatiegesprek. */
  evaluation: {
    number: number;
    opensAt?: string;
    due?: string;
    invited: boolean;
    plannedAt?: string;
    heldAt?: string;
    escalated: boolean;
  };
  /** Evaluation meetings held whose evaluation is not recorded yet. */
  unrecordedEvaluations: number;
  evaluations: EvaluationRecord[];
  nuisance: { sequence: number; open: NuisanceReport[]; closed: number };
  arrears: { since: string; followUpDue: string; months: number } | null;
  timeout: { since?: string; totalMs: number; count: number };
  waakvlam: { since?: string; periodStart?: string; nextCheckIn?: string; hoursThisPeriod: number } | null;
  escalations: Escalation[];
  /** Escalations that lapsed (absent until one does, and in snapshots from before the rule). */
  lapsedEscalations?: LapsedEscalation[];
  rules?: TrajectRules;
  /** Escalations closed by a covenant change (absent until one is). */
  closedEscalations?: ClosedEscalation[];
  /** The covenant versions this traject moved between (absent until it does): when, from, to, by which role. */
  covenantChanges?: CovenantChange[];
  ended?: { reason: string; at: string };
}

export function initialContext(input: TrajectInput): TrajectContext {
  return {
    trajectRef: input.trajectRef,
    origin: input.origin,
    covenant: input.covenant,
    registeredAt: input.registeredAt,
    lastEventAt: input.registeredAt,
    organisations: input.registeredBy.organisation
      ? { [input.registeredBy.role]: input.registeredBy.organisation }
      : {},
    urgency: {},
    offer: { reminded: false, escalated: false, refusals: 0 },
    contract: { agreements: {}, extensions: 0 },
    kennismaking: { escalated: false },
    evaluation: { number: 1, invited: false, escalated: false },
    unrecordedEvaluations: 0,
    evaluations: [],
    nuisance: { sequence: 0, open: [], closed: 0 },
    arrears: null,
    timeout: { totalMs: 0, count: 0 },
    waakvlam: null,
    escalations: [],
    ...(input.rules ? { rules: input.rules } : {}),
  };
}

/** The organisation a covenant names first for a role, if any. */
export function defaultOrganisation(covenant: Covenant, role: Role): string | undefined {
  return covenant.parties.find((p) => p.role === role)?.organisation;
}

/**
 * Who is addressed for a role in this traject: the organisation acting in it, once one has (the corporation that made
 * the offer, the care provider that registered); before that every party the covenant names for the role, since each
 * of them may take up the duty (Almere's three corporations all offer homes).
 */
export function organisationsFor(context: TrajectContext, role: Role): string[] {
  const acting = context.organisations[role];
  if (acting) return [acting];
  return [...new Set(context.covenant.parties.filter((p) => p.role === role).map((p) => p.organisation))];
}

/** Roles that take part in the partnership (everyone who may act, except neighbours, the client and auditors). */
export function partnerRoles(covenant: Covenant): Role[] {
  const seen = new Set<Role>();
  for (const p of covenant.parties) {
    if (p.role !== 'buurtbewoner' && p.role !== 'client' && p.role !== 'auditor') seen.add(p.role);
  }
  return [...seen];
}
