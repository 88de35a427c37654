/**
 * What the workflow asks of the activities: deliveries to the partners of a traject. Inputs carry pseudonymous
 * references and codes only, never names or free text.
 */
import type { EscalationKind, MeetingKind, Role } from '../machines';
import type { TrajectFacts } from '../machines/evaluation/facts';

/** Who receives a delivery: a role, and the organisation acting in that role (none for the client). */
export interface Recipient {
  role: Role;
  organisation: string | null;
}

export interface DeliveryBase {
  /** Stable for one effect across retries: the CloudEvent id, so a partner can drop duplicates. */
  id: string;
  workflowId: string;
  trajectRef: string;
  region: string;
  /** Workflow time at which the machine asked for this. */
  occurredAt: string;
  recipients: Recipient[];
}

export interface InvitationInput extends DeliveryBase {
  meeting: MeetingKind;
  number: number;
  /** Proposed (or, after GESPREK_GEPLAND, agreed) start of the meeting. */
  start: string;
  dueBy: string;
  /** 0 for the first invitation; higher for each update of the same meeting. */
  sequence: number;
  durationMinutes: number;
}

export interface NotificationInput extends DeliveryBase {
  /** What happened, e.g. CONTRACT_GETEKEND, omgeklapt, aanbod (a reminder), financieleOndersteuning. */
  subject: string;
  data: Record<string, string | number | boolean | null>;
}

export interface EscalationInput extends DeliveryBase {
  kind: EscalationKind;
  since: string;
  caseConsultation: boolean;
  reference: string | null;
}

/** What a delivery did, per recipient organisation: it is recorded in history for the audit timeline. */
export interface DeliveryResult {
  delivered: Array<{ organisation: string; via: 'http' | 'outbox'; status?: number }>;
  /** Partners that refused the event for good (HTTP 4xx); the others still got it. */
  rejected: Array<{ organisation: string; status: number }>;
}

/** The activities, as the workflow sees them. */
export interface TenancyActivities {
  sendInvitation: (input: InvitationInput) => Promise<DeliveryResult>;
  sendNotification: (input: NotificationInput) => Promise<DeliveryResult>;
  sendEscalation: (input: EscalationInput) => Promise<DeliveryResult>;
  /** Keeps the traject's evaluation facts in the read model; never a delivery to a partner. */
  recordTrajectFacts: (input: FactsInput) => Promise<FactsResult>;
}

/** A traject's pseudonymous facts as of one of its events (see platform/read-model). */
export interface FactsInput {
  workflowId: string;
  /** The event number the facts are as of: the store keeps the highest, so a retry writes nothing twice. */
  seq: number;
  facts: TrajectFacts;
}

/**
 * `stored`; `stale` when the store held these facts or later ones; `erased` when the traject was erased on request
 * (nothing of it is kept again); `off` when the worker keeps no read model.
 */
export interface FactsResult {
  outcome: 'stored' | 'stale' | 'erased' | 'off';
}
