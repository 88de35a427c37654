/**
 * The tenancy workflow's messages: what callers start it with, send it and ask it. Shared by the workflow, the
 * worker and the client SDK; nothing here runs outside the definitions.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TrajectFacts } from '../machines/evaluation/facts';
import type {
  Actor,
  Covenant,
  CovenantChangeArgs,
  Effect,
  EventInput,
  Origin,
  PendingTimer,
  PublicStatus,
  Refusal,
} from '../machines';

/** What the care provider registers: the start of a traject. */
export interface Aanmelding {
  /** The client's pseudonymous reference. */
  trajectRef: string;
  origin: Origin;
  covenant: Covenant;
  registeredBy: Actor;
}

/** One line of a traject's event log: no personal data, no free text. */
export interface EventLogEntry {
  seq: number;
  at: string;
  type: string;
  source: 'update' | 'signal' | 'timer' | 'start';
  actor?: { role: string; organisation?: string };
  phaseBefore: string | null;
  phaseAfter: string;
}

/** What a continued run carries over from the run before it. */
export interface ContinuedState {
  /** The machine snapshot as XState persists it. */
  snapshot: unknown;
  /** Timers still pending, with their absolute due times. */
  timers: PendingTimer[];
  log: EventLogEntry[];
  counters: WorkflowCounters;
  /**
   * Idempotency keys taken recently, so a retried send after continue-as-new is still recognised: `<key>#<fingerprint>`,
   * binding each key to the event it was first used for (`eventFingerprint`: a short hash, not the data). A plain
   * `<key>` comes from a run before keys were bound and matches any event.
   */
  idempotencyKeys: string[];
  /** Effects asked for but not yet delivered: the next run delivers them first. */
  effects: Array<{ effect: Effect; at: string; id: string }>;
  /** The evaluation facts so far, when the traject feeds the read model (workflows/facts.ts). */
  facts?: TrajectFacts;
}

export interface WorkflowCounters {
  /** How many runs this traject has had (1 for the first). */
  run: number;
  /** Events taken so far. */
  events: number;
  /** Signals refused (logged with their reason, never crashing the workflow). */
  refusedSignals: number;
  /** Deliveries to a partner that did not arrive: rejected by the partner, or failed after all retries. */
  failedDeliveries: number;
}

export interface TenancyWorkflowInput {
  aanmelding: Aanmelding;
  continued?: ContinuedState;
  /**
   * Continue as new once the run's history has this many events (default 400; 300 for a run that started before the
   * slim-history patch), or when the server suggests it.
   */
  historyLimit?: number;
}

/** The public status plus what the engine counted. */
export interface TrajectStatus extends PublicStatus {
  counters: WorkflowCounters;
  /** Effects (invitations, notifications, escalations) queued or being delivered right now. */
  deliveriesPending: number;
}

/**
 * What an update answers since the slim-history patch (issue 14): the few figures a sender acts on, and a digest of
 * the full public status it led to (`statusDigest`), which the audit timeline checks its reconstruction against. The
 * full status stays one query away (`statusQuery`; the SDK's `send` fetches it): an update's result is stored in the
 * history for the traject's life, and the whole status in every one made up half of a traject's history.
 */
export interface UpdateReceipt extends Pick<TrajectStatus, 'phase' | 'updatedAt'> {
  statusDigest: string;
  /**
   * Only in receipts recorded before the lean-history patch: what the status itself says (the SDK's `send` queries
   * it), stored again in every receipt for the traject's life.
   */
  allowedEvents?: TrajectStatus['allowedEvents'];
  counters?: WorkflowCounters;
  deliveriesPending?: number;
}

/** Whether an update's result is a receipt (a traject started after the slim-history patch) or a whole status. */
export function isUpdateReceipt(result: TrajectStatus | UpdateReceipt): result is UpdateReceipt {
  return typeof (result as Partial<UpdateReceipt>).statusDigest === 'string';
}

/** An event a party sends, with an optional key that makes a retried send safe. */
export interface SendEventArgs {
  event: EventInput;
  idempotencyKey?: string;
}

/**
 * Coordinator events: validated before they enter history; returns a receipt of the new status (a traject started
 * before the slim-history patch: the whole status).
 */
export const sendEventUpdate = defineUpdate<TrajectStatus | UpdateReceipt, [SendEventArgs]>('sendEvent');
/** Events from feeds (rent-arrears lists, neighbours' reports): validated the same way; refusals are counted. */
export const reportEventSignal = defineSignal<[SendEventArgs]>('reportEvent');
export const statusQuery = defineQuery<TrajectStatus>('status');
export const eventsQuery = defineQuery<EventLogEntry[]>('events');

/** Who asks for a traject's data to be erased (right to erasure, GDPR art. 17). */
export interface EraseArgs {
  actor: Actor;
}

/**
 * Erasure, decided by the traject itself: the validator refuses an actor whose role may not erase under the covenant
 * (`erasure`) or whose organisation is no party of it; once accepted the traject ends, and the caller (the SDK's
 * `erase`) destroys its data key. Returns when it was erased.
 */
export const eraseUpdate = defineUpdate<{ erasedAt: string }, [EraseArgs]>('erase');

/**
 * Moves the traject onto another version of its covenant (CONVENANT_GEWIJZIGD, issue 15): checked by the machine's
 * `decideCovenantChange` in the validator, so a refused change never enters history; returns a receipt of the new
 * status (or the whole status, as `sendEventUpdate` does).
 */
export const changeCovenantUpdate = defineUpdate<TrajectStatus | UpdateReceipt, [CovenantChangeArgs]>(
  'changeCovenant',
);

/** What a dry run of a covenant change needs: the machine's snapshot (persisted form) and its pending timers. */
export interface MigrationState {
  snapshot: unknown;
  timers: PendingTimer[];
}
export const migrationStateQuery = defineQuery<MigrationState>('migrationState');

/**
 * A covenant change asked by the migration workflow (`covenantMigrationWorkflow`): a workflow cannot send an update,
 * so it signals, and the traject answers with `covenantChangeReplySignal` to `replyTo`. Checked as the update is.
 */
export interface CovenantChangeRequest {
  requestId: string;
  replyTo: string;
  change: CovenantChangeArgs;
}
export const changeCovenantSignal = defineSignal<[CovenantChangeRequest]>('changeCovenantRequest');

/** A traject's answer to a CovenantChangeRequest: moved, skipped (already on that version, ended) or refused. */
export interface CovenantChangeReply {
  requestId: string;
  result: 'migrated' | 'skipped' | 'failed';
  reason?: string;
}
export const covenantChangeReplySignal = defineSignal<[CovenantChangeReply]>('covenantChangeReply');

/** The details of a refused event (the failure's type is the refusal's code). */
export type RefusalDetails = Refusal;

export const TASK_QUEUE = 'thuis-in-de-wijk';

/** The failure type of an update that reached a run just as it continued as new: the sender sends it again. */
export const TRAJECT_MOVING = 'TrajectMoving';

/**
 * The failure type of a message whose payload came unencrypted to a worker that encrypts: refused before it is
 * stored, because the database would otherwise hold it in clear text.
 */
export const PAYLOAD_NOT_ENCRYPTED = 'PayloadNotEncrypted';

/**
 * What a worker that encrypts hands the workflow instead of a payload that arrived unencrypted (see the payload
 * codec): the workflow refuses it with PAYLOAD_NOT_ENCRYPTED, and the plain payload itself never reaches history.
 */
export const UNENCRYPTED_PAYLOAD = { 'tidw.refused': 'unencrypted payload' } as const;

/** Whether a decoded value is the stand-in for an unencrypted payload. */
export function isUnencryptedPayload(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)['tidw.refused'] === UNENCRYPTED_PAYLOAD['tidw.refused']
  );
}

/** The workflow id of a traject: derived from the pseudonymous reference, so a second start is refused. */
export function workflowIdFor(trajectRef: string): string {
  return `traject-${trajectRef}`;
}

/** What the migration workflow (`covenantMigrationWorkflow`) is started with. */
export interface CovenantMigrationInput {
  clientRefs: string[];
  covenant: Covenant;
  actor: Actor;
  reason: string;
  /** Trajecten asked at once (default 10). */
  batchSize?: number;
  /** Milliseconds between batches (default 1000): the rate limit. */
  pauseMs?: number;
  /** Milliseconds to wait for a traject's answer before it counts as failed (default one minute). */
  answerTimeoutMs?: number;
  /** Outcomes of a previous run (continue-as-new). */
  done?: MigrationOutcome[];
}

export interface MigrationOutcome {
  clientRef: string;
  result: 'migrated' | 'skipped' | 'failed';
  reason?: string;
}

export interface MigrationProgress {
  total: number;
  done: number;
  migrated: number;
  skipped: number;
  failed: number;
  outcomes: MigrationOutcome[];
}

export const migrationProgressQuery = defineQuery<MigrationProgress>('migrationProgress');
