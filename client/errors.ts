/**
 * The errors the SDK and the `tidw` command line throw. A refused event names the rule that refused it; every error
 * has a stable `code` a caller can switch on.
 */
import type { Refusal } from '../machines';

import { TidwError } from '../platform/errors';

export { TidwError, KeyNotAvailable } from '../platform/errors';

/** Fields that were wrong, with what they should be. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Thrown when an event was refused by the traject: the base of the refusal kinds below. */
export abstract class EventRefused extends TidwError {
  readonly refused = true;
  /** The rule that refused: `schema`, `permissions.<EVENT>`, `phase`, or the name of a guard. */
  readonly rule: string;
  /** The phase the traject was in, when the phase refused. */
  readonly phase?: string;
  /** What would have been accepted: roles, or events possible in this phase. */
  readonly allowed?: string[];
  readonly issues?: FieldProblem[];
  constructor(refusal: Refusal) {
    super(refusal.message);
    this.rule = refusal.rule;
    if (refusal.phase) this.phase = refusal.phase;
    if (refusal.allowed) this.allowed = refusal.allowed;
    if (refusal.issues) this.issues = refusal.issues;
  }
}

/** Thrown when an event's type or data does not match its schema. */
export class InvalidEventData extends EventRefused {
  readonly code = 'InvalidEventData';
  override readonly name = 'InvalidEventData';
}

/**
 * Thrown when the sender may not do this under the traject's covenant: its role may not send the event
 * (`permissions.<EVENT>`), its organisation is no party of the covenant in that role (`parties.<role>`), or its role
 * may not have the traject erased (`erasure`).
 */
export class RoleNotPermitted extends EventRefused {
  readonly code = 'RoleNotPermitted';
  override readonly name = 'RoleNotPermitted';
}

/** Thrown when the traject cannot take this event now: wrong phase, or a rule such as the minimum term. */
export class NotAllowedInPhase extends EventRefused {
  readonly code = 'NotAllowedInPhase';
  override readonly name = 'NotAllowedInPhase';
}

/**
 * Thrown when an idempotency key that the traject already took for one event comes again with another event
 * (another type, data or actor): the second event is not taken. Use a new key for a new event.
 */
export class IdempotencyKeyReused extends EventRefused {
  readonly code = 'IdempotencyKeyReused';
  override readonly name = 'IdempotencyKeyReused';
}

/** Thrown when there is no traject for a client reference. */
export class TrajectNotFound extends TidwError {
  readonly code = 'TrajectNotFound';
  override readonly name = 'TrajectNotFound';
  readonly refused = true;
  constructor(readonly clientRef: string) {
    super(`no traject for client reference ${clientRef}`);
  }
}

/** Thrown when there is no neighbour's concern under an id (never stored, or its line was removed). */
export class ConcernNotFound extends TidwError {
  readonly code = 'ConcernNotFound';
  override readonly name = 'ConcernNotFound';
  readonly refused = true;
  constructor(readonly concernId: string) {
    super(`no concern ${concernId}`);
  }
}

/** Thrown when no covenant migration runs or ran under the id asked for. */
export class MigrationNotFound extends TidwError {
  readonly code = 'MigrationNotFound';
  override readonly name = 'MigrationNotFound';
  readonly refused = true;
  constructor(readonly migrationId: string) {
    super(`no covenant migration ${migrationId}`);
  }
}

/** Thrown when a traject is started for a client reference that already has one. */
export class TrajectAlreadyExists extends TidwError {
  readonly code = 'TrajectAlreadyExists';
  override readonly name = 'TrajectAlreadyExists';
  readonly refused = true;
  constructor(readonly clientRef: string) {
    super(`a traject for client reference ${clientRef} already exists`);
  }
}

/** Thrown when an argument to the SDK or the command line is not valid; `problems` says which and why. */
export class InvalidInput extends TidwError {
  readonly code = 'InvalidInput';
  override readonly name = 'InvalidInput';
  readonly refused = true;
  constructor(
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(
      problems.length ? `${message}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}` : message,
    );
  }
}

/**
 * Thrown when a traject's data was erased on request: only event types and times remain. Also when a traject is
 * started again for an erased reference: an erased reference is never used again.
 */
export class TrajectErased extends TidwError {
  readonly code = 'TrajectErased';
  override readonly name = 'TrajectErased';
  readonly refused = true;
  constructor(
    readonly clientRef: string,
    readonly erasedAt: string,
  ) {
    super(`the data of traject ${clientRef} was erased on ${erasedAt}; only event types and times remain`);
  }
}

const refusals = { InvalidEventData, RoleNotPermitted, NotAllowedInPhase, IdempotencyKeyReused } as const;

/** Whether a failure type is one of the refusals the traject gives. */
export function isRefusalCode(type: string | undefined): type is Refusal['code'] {
  return type !== undefined && Object.hasOwn(refusals, type);
}

/** The typed error for a refusal. */
export function refusalError(refusal: Refusal): EventRefused {
  return new refusals[refusal.code](refusal);
}

/**
 * Thrown when the engine cannot be reached: the Temporal server does not answer (`down: 'server'`), or no worker
 * answers for the task queue (`down: 'worker'`). Nothing was changed; trying again later is safe. The CLI exits with 3.
 */
export class EngineUnavailable extends TidwError {
  readonly code = 'EngineUnavailable';
  override readonly name = 'EngineUnavailable';
  readonly refused = false;
  constructor(
    readonly down: 'server' | 'worker',
    message: string,
    /** The server's host:port, or the task queue no worker serves. */
    readonly where: string,
  ) {
    super(message);
  }

  static server(address: string): EngineUnavailable {
    return new EngineUnavailable(
      'server',
      `the Temporal server at ${address} does not answer: is npm start running, or is TEMPORAL_ADDRESS right?`,
      address,
    );
  }

  static worker(taskQueue: string, polled: boolean, seconds: number): EngineUnavailable {
    return new EngineUnavailable(
      'worker',
      polled
        ? `no worker answered within ${seconds} s on task queue ${taskQueue}: is the worker (npm start) running, or overloaded?`
        : `no worker polls task queue ${taskQueue}: start one with npm start`,
      taskQueue,
    );
  }
}

/**
 * Thrown when the Temporal server cannot list trajecten: it has no advanced visibility (the time-skipping test
 * server, or a self-hosted cluster without SQL or Elasticsearch visibility). Status and events still work.
 */
export class ListingUnavailable extends TidwError {
  readonly code = 'ListingUnavailable';
  override readonly name = 'ListingUnavailable';
  readonly refused = false;
  constructor() {
    super(
      'this Temporal server cannot list trajecten: it needs advanced visibility (the dev server of npm start, or a cluster with SQL or Elasticsearch visibility)',
    );
  }
}
