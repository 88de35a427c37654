/**
 * One workflow per client: runs the traject machine durably for as long as the traject lasts.
 *
 * The machine decides, the workflow acts: coordinator events arrive as updates (checked by the machine's pure
 * `decide` in the validator, so a refused event never enters history), delayed events become durable timers (one
 * per machine timer id, cancelled when the machine cancels it), named effects become activities. All time fed to the
 * machine is workflow time, so replay is deterministic.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { createActor, type AnyStateMachine, type Snapshot } from 'xstate';
// Machine modules are imported one by one so the workflow bundle leaves out the covenant presets, the covenant schema
// and the diagram renderer, which the workflow never uses: every cached workflow evaluates its bundle once.
import type {
  CoordinatorEvent,
  Covenant,
  CovenantChangedEvent,
  CovenantChangeRules,
  PendingTimer,
  Refusal,
  Step,
  TrajectEvent,
  TrajectSnapshot,
} from '../machines';
import { covenantTermProblems } from '../machines/covenant-terms';
import { eventFingerprint } from '../machines/event-data';
import { checkErasure, decide, issuesOf } from '../machines/traject/decide';
import { startTraject, takeEvent } from '../machines/traject/interpreter';
import { decideCovenantChange } from '../machines/traject/migration';
import { sharedCovenant } from '../machines/shared-covenants';
import { trajectMachine } from '../machines/traject/machine';
import { phaseOf, statusDigest, toPublicStatus, type PublicStatus } from '../machines/traject/status';
// zod-free validators generated from the schemas (scripts/generate-validators.ts): zod stays out of the bundle.
import {
  actorValidator,
  coordinatorEventTypeValidator,
  eventInputValidator,
} from '../machines/validation/generated-validators';
import { perform } from './effects';
import { factsWriter } from './facts';
import { FactsFeed } from './facts-feed';
import { sendEventArgsValidator } from './generated-validators';
import { covenantChangeRulesFor, patches, rulesFor, withSingleMarker } from './patches';
import {
  changeCovenantSignal,
  changeCovenantUpdate,
  covenantChangeReplySignal,
  eraseUpdate,
  eventsQuery,
  isUnencryptedPayload,
  migrationStateQuery,
  PAYLOAD_NOT_ENCRYPTED,
  reportEventSignal,
  sendEventUpdate,
  statusQuery,
  type ContinuedState,
  type EraseArgs,
  type EventLogEntry,
  type SendEventArgs,
  type TenancyWorkflowInput,
  type TrajectStatus,
  type UpdateReceipt,
  type WorkflowCounters,
  TRAJECT_MOVING,
} from './messages';
import { contractFormKey, escalatedKey, nextMeetingDueKey, phaseKey, regionKey } from './search-attributes';

/**
 * Continue as new at this many events: a three-year traject (about 310 events) fits in one run, and a run stays far
 * below Temporal's own limits. A run started before the slim-history patch keeps the limit it had.
 */
const DEFAULT_HISTORY_LIMIT = 400;
const LEGACY_HISTORY_LIMIT = 300;
/**
 * Issue 16: parties and event-data limits checked, idempotency keys bound to their event. A history recorded before
 * takes again what it took then (validators never replay, handlers do). Replace by deprecatePatch once no traject
 * started before it runs any more.
 */
const DOORS_PATCH = 'issue-16-doors';
/** Idempotency keys remembered across continue-as-new. */
const REMEMBERED_KEYS = 500;

const now = () => new Date(Date.now()).toISOString();

function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: refusal.code,
    message: refusal.message,
    nonRetryable: true,
    details: [refusal],
  });
}

/** A message whose payload came unencrypted to a worker that encrypts (see UNENCRYPTED_PAYLOAD). */
function unencryptedFailure(): ApplicationFailure {
  return ApplicationFailure.create({
    type: PAYLOAD_NOT_ENCRYPTED,
    message:
      'the payload is not encrypted, and this engine stores only encrypted payloads: send it with the key ring (TIDW_KEYRING_FILE)',
    nonRetryable: true,
  });
}

/** The idempotency key an event was taken with, bound to its fingerprint (see ContinuedState.idempotencyKeys). */
const boundKey = (key: string, fingerprint: string) => `${key}#${fingerprint}`;

/**
 * Fails the start for good when the covenant's terms are out of bounds (a raw Temporal client skipped the SDK's
 * check): a zero term would fire its timer for ever, a term of centuries breaks the calendar at signing.
 */
function assertCovenantTerms(covenant: unknown): void {
  const problems = covenantTermProblems(covenant);
  if (problems.length === 0) return;
  throw ApplicationFailure.create({
    type: 'InvalidCovenant',
    message: `the covenant is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    nonRetryable: true,
    details: [problems],
  });
}

export async function tenancyWorkflow(input: TenancyWorkflowInput): Promise<TrajectStatus> {
  if (isUnencryptedPayload(input)) throw unencryptedFailure();
  // Asked first, at the start of the run: a run that took up the single marker takes up every patch with it.
  const isPatched = withSingleMarker(patched);
  const single = isPatched(patches.singleMarker);
  // Decided once, at the start of the run: a run recorded before the patch keeps its full update results, its
  // upserts and its limit all its life.
  const slim = isPatched(patches.slimHistory);
  const lean = slim && isPatched(patches.leanHistory);
  const historyLimit = input.historyLimit ?? (slim ? DEFAULT_HISTORY_LIMIT : LEGACY_HISTORY_LIMIT);
  const { workflowId } = workflowInfo();

  // Set by the start below, before anything reads them.
  let snapshot!: TrajectSnapshot;
  let pending!: PendingTimer[];
  const log_: EventLogEntry[] = input.continued?.log ?? [];
  const counters: WorkflowCounters = input.continued
    ? { ...input.continued.counters, run: input.continued.counters.run + 1 }
    : { run: 1, events: 0, refusedSignals: 0, failedDeliveries: 0 };
  const seenKeys: string[] = input.continued?.idempotencyKeys ?? [];
  const effects: ContinuedState['effects'] = input.continued?.effects ?? [];
  const running = new Map<string, CancellationScope>();
  let effectSeq = 0;
  let delivering = 0;
  /** Set once this run has decided to end or continue as new: a late update must go to the next run instead. */
  let closing = false;
  /** Set when the traject's data is to be erased: it ends, delivering nothing more. */
  let erasedAt: string | undefined;
  /** The read model's feed (patches.readModel); absent in a traject that does not feed it. */
  let feed: FactsFeed | undefined;
  const feedSettled = () => feed?.settled ?? true;
  /**
   * The run is ending: every handler finished and the read model's writes done. Under lean-history the feed is sealed
   * first (its last facts written durably, see FactsFeed.seal); a run from before waits as it always did.
   */
  const settled = async () => {
    if (lean) {
      await condition(allHandlersFinished);
      feed?.seal();
    }
    await condition(() => allHandlersFinished() && feedSettled());
  };

  /** The public status of the current snapshot, made once per snapshot (search attributes and answer both read it). */
  let statusSnapshot: TrajectSnapshot | undefined;
  let publicStatusOfSnapshot: PublicStatus | undefined;
  const publicStatus = (): PublicStatus => {
    if (statusSnapshot !== snapshot || !publicStatusOfSnapshot) {
      publicStatusOfSnapshot = toPublicStatus(snapshot);
      statusSnapshot = snapshot;
    }
    return publicStatusOfSnapshot;
  };

  const status = (): TrajectStatus => ({
    ...publicStatus(),
    counters: { ...counters },
    deliveriesPending: effects.length + delivering,
  });

  /** What an update answers: a receipt of the new status, or the whole status in a run from before the patch. */
  const answer = (): TrajectStatus | UpdateReceipt => {
    if (!slim) return status();
    const s = publicStatus();
    if (lean) return { phase: s.phase, updatedAt: s.updatedAt, statusDigest: statusDigest(s) };
    return {
      phase: s.phase,
      updatedAt: s.updatedAt,
      allowedEvents: s.allowedEvents,
      counters: { ...counters },
      deliveriesPending: effects.length + delivering,
      statusDigest: statusDigest(s),
    };
  };

  const record = (entry: Omit<EventLogEntry, 'seq'>) => {
    counters.events += 1;
    log_.push({ seq: counters.events, ...entry });
    feed?.flush(counters.events);
  };

  /** Arms a durable timer for a machine timer, replacing one with the same id. */
  const arm = (timer: PendingTimer) => {
    running.get(timer.id)?.cancel();
    const scope = new CancellationScope();
    running.set(timer.id, scope);
    const delay = Math.max(1, Date.parse(timer.fireAt) - Date.now());
    scope
      // The timeline needs only the machine's timer id (the first word), which names the event too.
      .run(() => sleep(delay, { summary: lean ? timer.id : `${timer.id} ${timer.event.type}` }))
      .then(
        () => {
          if (running.get(timer.id) !== scope) return;
          running.delete(timer.id);
          const before = phaseOf(snapshot);
          apply(
            takeEvent(
              snapshot,
              pending.filter((t) => t.id !== timer.id),
              timer.event,
            ),
            timer.event.at,
            timer.event,
          );
          record({
            at: timer.event.at,
            type: timer.event.type,
            source: 'timer',
            phaseBefore: before,
            phaseAfter: phaseOf(snapshot),
          });
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  };

  const cancel = (id: string) => {
    running.get(id)?.cancel();
    running.delete(id);
  };

  /** Takes a machine step: new snapshot, timers armed and cancelled, effects queued, search attributes refreshed. */
  const apply = (step: Step, at: string, event?: TrajectEvent) => {
    if (event) feed?.observe(snapshot, step.snapshot, event);
    snapshot = step.snapshot;
    pending = step.timers;
    for (const id of step.cancelled) cancel(id);
    for (const timer of step.started) arm(timer);
    for (const effect of step.effects) {
      effectSeq += 1;
      effects.push({ effect, at, id: `${effect.type}-${counters.run}-${effectSeq}` });
    }
    publishSearchAttributes();
  };

  let published = '';
  /** An upsert waits for the end of the activation (single marker): it holds everything the activation took. */
  let publishing = false;
  /**
   * Settled once, for every deferred upsert: `then` on it queues the upsert exactly where `Promise.resolve().then`
   * did, with one promise fewer per activation (each promise in a workflow has its stack captured by the SDK).
   */
  const alreadyResolved = Promise.resolve();
  const publishSearchAttributes = () => {
    if (!single) {
      publishNow();
      return;
    }
    if (publishing) return;
    publishing = true;
    // Runs once this activation's start, handlers and timers are done, before any condition is checked again (and so
    // before the run can end): a start and its first update, or a deadline and an update, upsert once.
    void alreadyResolved.then(() => {
      publishing = false;
      publishNow();
    });
  };
  const publishNow = () => {
    const s = publicStatus();
    const values = {
      phase: s.phase,
      region: s.region,
      form: s.contract.form ?? s.contract.advisedForm ?? '',
      next: s.nextMeetingDue ?? '',
      escalated: s.escalations.length > 0,
    };
    const key = JSON.stringify(values);
    if (key === published) return; // an upsert is a history event: only when something changed
    published = key;
    if (slim) {
      upsertChanged(values);
      return;
    }
    upsertSearchAttributes([
      { key: phaseKey, value: values.phase },
      { key: regionKey, value: values.region },
      { key: contractFormKey, value: values.form || null },
      { key: nextMeetingDueKey, value: values.next ? new Date(values.next) : null },
      { key: escalatedKey, value: values.escalated },
    ]);
  };

  /** Upserts only the attributes whose value differs from what the workflow has (set at start, or carried over). */
  const upsertChanged = (values: {
    phase: string;
    region: string;
    form: string;
    next: string;
    escalated: boolean;
  }) => {
    const current = workflowInfo().typedSearchAttributes;
    const changes: Parameters<typeof upsertSearchAttributes>[0] = [];
    if (current.get(phaseKey) !== values.phase) changes.push({ key: phaseKey, value: values.phase });
    if (current.get(regionKey) !== values.region) changes.push({ key: regionKey, value: values.region });
    if ((current.get(contractFormKey) ?? '') !== values.form)
      changes.push({ key: contractFormKey, value: values.form || null });
    const next = current.get(nextMeetingDueKey);
    if ((next ? next.getTime() : null) !== (values.next ? Date.parse(values.next) : null))
      changes.push({ key: nextMeetingDueKey, value: values.next ? new Date(values.next) : null });
    if (current.get(escalatedKey) !== values.escalated)
      changes.push({ key: escalatedKey, value: values.escalated });
    if (changes.length > 0) upsertSearchAttributes(changes);
  };

  /** An update that reached this run as it closes goes to the next run: the sender sends it again. */
  const notClosing = () => {
    if (closing) {
      throw ApplicationFailure.create({
        type: TRAJECT_MOVING,
        message: 'this run of the traject is closing; send the event again to reach its next run',
        nonRetryable: false,
      });
    }
  };

  /**
   * Checks an event a party sent, at workflow time; throws the typed refusal. Returns the event to take (with the
   * idempotency key bound to it), or null for a retry of an event already taken with the same key. `current` is false
   * only in a handler replaying a history recorded before DOORS_PATCH.
   */
  const check = (raw: SendEventArgs, current = true) => {
    if (isUnencryptedPayload(raw)) throw unencryptedFailure();
    const args = sendEventArgsValidator.safeParse(raw);
    if (!args.success) {
      const issues = issuesOf(args.error);
      throw refusalFailure({
        code: 'InvalidEventData',
        rule: 'schema',
        message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
        issues,
      });
    }
    const { idempotencyKey, event } = args.data;
    const decision = (key?: string): { event: CoordinatorEvent; key?: string } => {
      const decided = decide(snapshot, event, now(), { legacy: !current });
      if (!decided.ok) throw refusalFailure(decided.refusal);
      return { event: decided.event, ...(key ? { key } : {}) };
    };
    if (!idempotencyKey) return decision();
    const seen = seenKeys.find((k) => k === idempotencyKey || k.startsWith(`${idempotencyKey}#`));
    // A key from before keys were bound, or any key in a history recorded then: a retry, as it was then.
    if (seen !== undefined && (seen === idempotencyKey || !current)) return null;
    const envelope = eventInputValidator.safeParse(event);
    if (!envelope.success) return decision(); // refused there, with its field problems
    const key = boundKey(idempotencyKey, eventFingerprint(envelope.data));
    if (seen === undefined) return decision(key);
    if (seen === key) return null; // a retry of an event already taken
    throw refusalFailure({
      code: 'IdempotencyKeyReused',
      rule: 'idempotencyKey',
      message: `this idempotency key was already used for another event (type, data or actor differ); the event was not taken: use a new key for a new event`,
    });
  };

  const take = (
    event: CoordinatorEvent | CovenantChangedEvent,
    source: 'update' | 'signal',
    key?: string,
  ) => {
    const before = phaseOf(snapshot);
    apply(takeEvent(snapshot, pending, event), event.at, event);
    record({
      at: event.at,
      type: event.type,
      source,
      actor: { role: event.actor.role, organisation: event.actor.organisation },
      phaseBefore: before,
      phaseAfter: phaseOf(snapshot),
    });
    if (key) {
      seenKeys.push(key);
      if (seenKeys.length > REMEMBERED_KEYS) seenKeys.splice(0, seenKeys.length - REMEMBERED_KEYS);
    }
  };

  /**
   * A new traject's first step. A function of its own: an async function's suspended frame keeps its locals, and the
   * first step (its snapshot) is garbage as soon as it is taken.
   */
  const register = () => {
    assertCovenantTerms(input.aanmelding?.covenant);
    shareCovenants(input);
    const at = now();
    const first = startTraject({
      ...input.aanmelding,
      registeredAt: at,
      rules: rulesFor(isPatched),
    });
    snapshot = first.snapshot;
    pending = [];
    if (isPatched(patches.readModel))
      feed = FactsFeed.start(
        workflowId,
        { ...input.aanmelding, registeredAt: at },
        first.snapshot,
        lean,
        factsWriter,
      );
    apply(first, at);
    record({
      at,
      type: 'AANMELDING',
      source: 'start',
      actor: {
        role: input.aanmelding.registeredBy.role,
        organisation: input.aanmelding.registeredBy.organisation,
      },
      phaseBefore: null,
      phaseAfter: phaseOf(snapshot),
    });
  };

  // Start, or carry on where the previous run stopped.
  if (input.continued) {
    shareCovenants(input);
    snapshot = restoreSnapshot(input.continued);
    pending = input.continued.timers;
    for (const timer of pending) arm(timer);
    published = '';
    publishSearchAttributes();
    if (input.continued.facts && isPatched(patches.readModel))
      feed = FactsFeed.resume(workflowId, input.continued.facts, snapshot, lean, factsWriter);
  } else {
    register();
  }

  setHandler(statusQuery, status);
  setHandler(eventsQuery, () => log_.slice());
  setHandler(
    sendEventUpdate,
    (args) => {
      notClosing();
      const checked = check(args, isPatched(DOORS_PATCH));
      if (checked) take(checked.event, 'update', checked.key);
      return answer();
    },
    {
      validator: (args: SendEventArgs) => {
        notClosing();
        check(args);
      },
    },
  );
  setHandler(reportEventSignal, (args) => {
    try {
      const checked = check(args, isPatched(DOORS_PATCH));
      if (checked) take(checked.event, 'signal', checked.key);
    } catch (err) {
      if (!(err instanceof ApplicationFailure)) throw err;
      counters.refusedSignals += 1;
      const refusal = err.details?.[0] as Refusal | undefined;
      log.warn('signal refused', {
        'refusal.code': err.type,
        'refusal.rule': refusal?.rule,
        // Only a known event type is logged: whatever else was sent could be personal data.
        'event.type': coordinatorEventTypeValidator.safeParse(args?.event?.type).data ?? 'unknown',
      });
    }
  });
  setHandler(
    eraseUpdate,
    (args) => {
      notClosing();
      const by = checkEraser(args);
      erasedAt = now();
      record({
        at: erasedAt,
        type: 'GEGEVENS_GEWIST',
        source: 'update',
        actor: { role: by.role, organisation: by.organisation },
        phaseBefore: phaseOf(snapshot),
        phaseAfter: phaseOf(snapshot),
      });
      return { erasedAt };
    },
    {
      validator: (args: EraseArgs) => {
        notClosing();
        checkEraser(args);
      },
    },
  );

  // A covenant change: a history recorded before the update existed holds none and replays as before; what the change
  // does since is under the patches its handlers take up (covenantChangeRulesFor).
  setHandler(migrationStateQuery, () => ({
    snapshot: trajectMachine.getPersistedSnapshot(snapshot),
    timers: pending.slice(),
  }));
  setHandler(
    changeCovenantUpdate,
    (args) => {
      notClosing();
      take(checkCovenantChange(args, covenantChangeRulesFor(isPatched)), 'update');
      return answer();
    },
    {
      validator: (args) => {
        notClosing();
        checkCovenantChange(args);
      },
    },
  );

  // The migration workflow's request: taken as the update is, answered with a signal (a refusal is an answer too).
  setHandler(changeCovenantSignal, (request) => {
    let reply: { result: 'migrated' | 'skipped' | 'failed'; reason?: string };
    try {
      take(checkCovenantChange(request.change, covenantChangeRulesFor(isPatched)), 'signal');
      reply = { result: 'migrated' };
    } catch (err) {
      if (!(err instanceof ApplicationFailure)) throw err;
      const refusal = err.details?.[0] as Refusal | undefined;
      const skipped = refusal?.rule === 'covenant.version' || snapshot.status !== 'active';
      reply = { result: skipped ? 'skipped' : 'failed', reason: err.message };
    }
    void getExternalWorkflowHandle(request.replyTo)
      .signal(covenantChangeReplySignal, { requestId: request.requestId, ...reply })
      .catch((err: unknown) => log.warn('covenant change reply not delivered', { err }));
  });

  /**
   * The covenant change as the machine takes it, at workflow time, under `rules` (given by the handlers only: a
   * validator takes up no patch); throws the typed refusal.
   */
  function checkCovenantChange(args: unknown, rules?: CovenantChangeRules): CovenantChangedEvent {
    if (isUnencryptedPayload(args)) throw unencryptedFailure();
    const decided = decideCovenantChange(snapshot, args, now(), rules);
    if (!decided.ok) throw refusalFailure(decided.refusal);
    // The traject holds the new covenant from now on: the worker's shared copy, as at the start.
    const { data } = decided.event;
    return { ...decided.event, data: { ...data, covenant: sharedCovenant(data.covenant) } };
  }

  /** Who asks for erasure, if the covenant lets them; throws the typed refusal. */
  function checkEraser(args: EraseArgs) {
    if (isUnencryptedPayload(args)) throw unencryptedFailure();
    const actor = actorValidator.safeParse(args?.actor);
    if (!actor.success) {
      const issues = issuesOf(actor.error);
      throw refusalFailure({
        code: 'InvalidEventData',
        rule: 'schema',
        message: issues.map((i) => `actor.${i.field}: ${i.message}`).join('; '),
        issues,
      });
    }
    const refused = checkErasure(snapshot.context.covenant, actor.data);
    if (refused) throw refusalFailure(refused);
    return actor.data;
  }

  // Carry out effects in order, until the traject ends or the history asks for a fresh run.
  for (;;) {
    await condition(
      () =>
        effects.length > 0 ||
        snapshot.status !== 'active' ||
        shouldContinueAsNew(historyLimit) ||
        erasedAt !== undefined,
    );
    while (effects.length > 0 && erasedAt === undefined) {
      const { effect, at, id } = effects.shift()!;
      delivering = 1;
      const undelivered = await perform(effect, snapshot.context, {
        id: `${workflowId}/${id}`,
        workflowId,
        trajectRef: snapshot.context.trajectRef,
        region: snapshot.context.covenant.id,
        occurredAt: at,
      });
      delivering = 0;
      counters.failedDeliveries += undelivered;
    }
    // Erased: nothing more is delivered about the client; the traject ends (its data key goes next).
    if (erasedAt !== undefined) {
      await settled();
      closing = true;
      return status();
    }
    if (shouldContinueAsNew(historyLimit)) {
      await settled();
      const carried: ContinuedState = {
        snapshot: trajectMachine.getPersistedSnapshot(snapshot),
        timers: pending,
        log: log_,
        counters,
        idempotencyKeys: seenKeys,
        effects,
        ...(feed ? { facts: feed.facts } : {}),
      };
      closing = true;
      return continueAsNew<typeof tenancyWorkflow>({ ...input, continued: carried });
    }
    if (snapshot.status !== 'active' && effects.length === 0) {
      await settled();
      if (effects.length === 0) {
        closing = true;
        return status();
      }
    }
  }
}

function shouldContinueAsNew(historyLimit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= historyLimit;
}

/**
 * Swaps the covenants a run was started with (the registration's and, in a continued run, the persisted snapshot's)
 * for the worker's shared copies (machines/shared-covenants.ts), in place: the SDK keeps a workflow's arguments for as
 * long as its run is cached, so a copy left in them would stay in memory beside the shared one. The values are the
 * same, so nothing the run does or records changes.
 */
function shareCovenants(input: TenancyWorkflowInput): void {
  input.aanmelding.covenant = sharedCovenant(input.aanmelding.covenant);
  const persisted = input.continued?.snapshot as { context?: { covenant?: Covenant } } | undefined;
  if (persisted?.context?.covenant) persisted.context.covenant = sharedCovenant(persisted.context.covenant);
}

/** A snapshot from a previous run, with its history state (where to return after a time-out). */
function restoreSnapshot(continued: ContinuedState): TrajectSnapshot {
  // The actor is never started: it only revives the persisted snapshot (state nodes of the history value included).
  const machine: AnyStateMachine = trajectMachine;
  return createActor(machine, {
    snapshot: continued.snapshot as Snapshot<unknown>,
  }).getSnapshot() as TrajectSnapshot;
}
