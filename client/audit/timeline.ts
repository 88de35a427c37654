/**
 * A traject as a readable timeline, reconstructed from its recorded history by running the traject machine over the
 * recorded events, exactly as the workflow did: the registration, every accepted update, every signal (taken or
 * refused), every timer that fired. Each step says which phase it left and entered, who acted, which timers it started
 * and cancelled, which effects it asked for, and how their deliveries went. The reconstruction checks itself against
 * every status the workflow recorded (each update's result, and the final result).
 */
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createActor, type AnyStateMachine, type Snapshot } from 'xstate';
import {
  decide,
  decideCovenantChange,
  phaseOf,
  startTraject,
  statusDigest,
  takeEvent,
  toPublicStatus,
  trajectMachine,
  type Effect,
  type EscalationKind,
  type PendingTimer,
  type Phase,
  type PublicStatus,
  type Step,
  type TrajectSnapshot,
} from '../../machines';
import type { DeliveryResult } from '../../activities/types';
import {
  isUpdateReceipt,
  type SendEventArgs,
  type TenancyWorkflowInput,
  type TrajectStatus,
  type UpdateReceipt,
} from '../../workflows/messages';
import { covenantChangeRulesFor, rulesFor, withSingleMarker } from '../../workflows/patches';
import { KeyNotAvailable } from '../errors';
import type { History } from '../history';
import type { HistoryChain } from './history-file';

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Turns recorded payloads back into values (the default converter; with encryption, decrypt first). */
export type PayloadDecoder = (payloads: Payload[]) => Promise<unknown[]>;
const plainDecoder: PayloadDecoder = (payloads) =>
  Promise.resolve(
    payloads.map((p) => {
      if (new TextDecoder().decode(p.metadata?.encoding ?? new Uint8Array()) === 'binary/encrypted') {
        throw new KeyNotAvailable(
          'key not available: this history is encrypted; configure its key ring (TIDW_KEYRING_FILE) and data keys',
        );
      }
      return defaultPayloadConverter.fromPayload(p);
    }),
  );

/** A decoder that first opens payloads with a codec (decryption), then converts them. */
export function decoderFor(codec?: PayloadCodec): PayloadDecoder {
  if (!codec) return plainDecoder;
  return async (payloads) =>
    (await codec.decode(payloads)).map((p) => defaultPayloadConverter.fromPayload(p));
}

export interface TimelineEffect {
  id: string;
  type: Effect['type'];
  /** The machine's parameters for it: codes, roles and dates, never personal data. */
  params: Effect['params'];
  /** What the machine asked for, in short: the meeting, the escalation kind, the notification subject. */
  about: string;
  outcome: 'delivered' | 'partly delivered' | 'failed' | 'not delivered yet';
  delivered: string[];
  rejected: string[];
}

export interface TimelineEntry {
  at: string;
  run: number;
  source: 'start' | 'update' | 'signal' | 'timer';
  event: string;
  actor?: { role: string; organisation?: string };
  /** The event's data as sent, notes included: readable only with the traject's key. */
  data?: Record<string, unknown>;
  phaseBefore: Phase | null;
  phaseAfter: Phase;
  /** Set for a signal the traject refused: the rule and why (a refused update never reaches history). */
  refused?: { code: string; rule: string; message: string };
  timersStarted: Array<{ id: string; event: string; fireAt: string }>;
  timersCancelled: string[];
  effects: TimelineEffect[];
}

export interface Timeline {
  workflowId: string;
  trajectRef: string;
  region: string;
  runs: number;
  entries: TimelineEntry[];
  /** The phases in order, each with when it began and ended: the swimlane. */
  phases: Array<{ phase: Phase; from: string; until: string | null }>;
  invitations: Array<{
    at: string;
    meeting: string;
    number: number;
    dueBy: string;
    outcome: TimelineEffect['outcome'];
  }>;
  escalations: Array<{
    at: string;
    kind: EscalationKind;
    reference: string | null;
    caseConsultation: boolean;
  }>;
  refusedSignals: number;
  status: PublicStatus;
  /** Whether the reconstruction matched every status the workflow recorded, and where it did not. */
  verified: { checks: number; mismatches: string[] };
}

const instant = (t: HistoryEvent['eventTime']): string =>
  new Date(Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6)).toISOString();

function about(effect: Effect): string {
  switch (effect.type) {
    case 'inviteKennismakingsgesprek':
    case 'inviteEvaluatiegesprek':
    case 'confirmMeeting':
      return `${effect.params.meeting} ${effect.params.number}`;
    case 'escalate':
    case 'escalateToCaseConsultation':
      return effect.params.reference
        ? `${effect.params.kind} ${effect.params.reference}`
        : effect.params.kind;
    case 'notifyParties':
      return effect.params.subject;
    case 'routeNeighbourReport':
      return `${effect.params.kind} to ${effect.params.to}`;
    case 'remind':
      return effect.params.subject;
    case 'offerFinancialSupport':
      return `${effect.params.months} month(s) of arrears`;
    case 'requestWaakvlamContact':
      return `period from ${effect.params.periodStart}`;
  }
}

/** The type a sent event claims, whatever else is wrong with it. */
function typeOf(event: unknown): string {
  const type = (event as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : 'unknown';
}

/** The patch ids a run's workflow recorded (Temporal's `core_patch` markers), to start the machine as it did. */
function patchesOf(events: HistoryEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') continue;
    // Core writes {"id": …, "deprecated": …} as JSON, unencrypted: it never passes the payload codec.
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    const patch = data ? (JSON.parse(new TextDecoder().decode(data)) as { id?: unknown }) : undefined;
    if (typeof patch?.id === 'string') ids.add(patch.id);
  }
  return ids;
}

function revive(snapshot: unknown): TrajectSnapshot {
  const machine: AnyStateMachine = trajectMachine;
  return createActor(machine, { snapshot: snapshot as Snapshot<unknown> }).getSnapshot() as TrajectSnapshot;
}

const publicPart = (s: TrajectStatus | PublicStatus): PublicStatus => {
  const { counters: _c, deliveriesPending: _d, ...rest } = s as TrajectStatus;
  return rest;
};

/** Reconstructs a traject's timeline from its recorded history. */
export async function buildTimeline(
  chain: HistoryChain,
  decode: PayloadDecoder = plainDecoder,
): Promise<Timeline> {
  const entries: TimelineEntry[] = [];
  const effectsById = new Map<string, TimelineEffect>();
  /** When the machine asked for each effect: a delivery's `occurredAt`, to match it when its id does not. */
  const askedAt = new Map<string, string>();
  /** Effects already matched to a scheduled activity. */
  const scheduled = new Set<string>();
  const mismatches: string[] = [];
  let checks = 0;
  let snapshot: TrajectSnapshot | undefined;
  let timers: PendingTimer[] = [];
  let refusedSignals = 0;
  const seenKeys = new Set<string>();

  const first = async <T>(payloads: Payload[] | null | undefined): Promise<T | undefined> =>
    payloads?.length ? ((await decode(payloads))[0] as T) : undefined;

  /**
   * The effect a scheduled activity carries out: the one with its id, when that one was asked for at the delivery's
   * time; else the first effect of the same type asked for at that time and not matched yet. Ids are counted per run
   * in the order the machine asked, and within one workflow task the workflow takes signals and updates before timers,
   * so a count that walks the history in its own order can be off.
   */
  const matchEffect = (effectId: string, occurredAt: string | undefined): TimelineEffect | undefined => {
    const fits = (e: TimelineEffect | undefined): e is TimelineEffect =>
      e !== undefined &&
      !scheduled.has(e.id) &&
      (occurredAt === undefined || askedAt.get(e.id) === occurredAt);
    const type = effectId.replace(/-\d+-\d+$/, '');
    const byId = effectsById.get(effectId);
    const effect = fits(byId) ? byId : [...effectsById.values()].find((e) => e.type === type && fits(e));
    if (effect) scheduled.add(effect.id);
    return effect;
  };

  for (const [index, run] of chain.runs.entries()) {
    // The workflow numbers its runs itself (effect ids carry the number); a file may hold a later run only.
    let runNumber = index + 1;
    let effectSeq = 0;
    let wftTime: string | undefined;
    let pendingStart: TenancyWorkflowInput | undefined;
    const pendingSignals: Array<{ covenantChange: false; args: SendEventArgs } | { covenantChange: true; args: unknown }> =
      [];
    // The patches the run took up: the covenant change rules follow them (a marker is recorded at the first change,
    // or the single marker at the start stands for them all).
    const runPatches = patchesOf(run.history.events ?? []);
    const changeRules = covenantChangeRulesFor(withSingleMarker((id) => runPatches.has(id)));
    const timerIds = new Map<string, string>(); // Temporal timer id → machine timer id
    const activityIds = new Map<string, string>(); // scheduled event id → activity (effect) id

    const record = (
      step: Step,
      at: string,
      before: Phase | null,
      entry: Pick<TimelineEntry, 'source' | 'event' | 'actor' | 'refused' | 'data'>,
    ) => {
      snapshot = step.snapshot;
      timers = step.timers;
      const effects = step.effects.map((effect) => {
        effectSeq += 1;
        const e: TimelineEffect = {
          id: `${effect.type}-${runNumber}-${effectSeq}`,
          type: effect.type,
          params: effect.params,
          about: about(effect),
          outcome: 'not delivered yet',
          delivered: [],
          rejected: [],
        };
        effectsById.set(e.id, e);
        askedAt.set(e.id, at);
        return e;
      });
      entries.push({
        at,
        run: runNumber,
        ...entry,
        phaseBefore: before,
        phaseAfter: phaseOf(step.snapshot),
        timersStarted: step.started.map((t) => ({ id: t.id, event: t.event.type, fireAt: t.fireAt })),
        timersCancelled: step.cancelled,
        effects,
      });
    };

    const takeCoordinator = (args: SendEventArgs, at: string, source: 'update' | 'signal') => {
      if (!snapshot) return;
      if (args.idempotencyKey && seenKeys.has(args.idempotencyKey)) return;
      const decision = decide(snapshot, args.event, at);
      if (!decision.ok) {
        if (source === 'signal') {
          refusedSignals += 1;
          const { code, rule, message } = decision.refusal;
          entries.push({
            at,
            run: runNumber,
            source,
            event: typeOf(args.event),
            phaseBefore: phaseOf(snapshot),
            phaseAfter: phaseOf(snapshot),
            refused: { code, rule, message },
            timersStarted: [],
            timersCancelled: [],
            effects: [],
          });
        } else {
          mismatches.push(
            `${at}: the recorded update ${args.event.type} is refused now (${decision.refusal.message})`,
          );
        }
        return;
      }
      if (args.idempotencyKey) seenKeys.add(args.idempotencyKey);
      const event = decision.event;
      const before = phaseOf(snapshot);
      record(takeEvent(snapshot, timers, event), at, before, {
        source,
        event: event.type,
        actor: {
          role: event.actor.role,
          ...(event.actor.organisation ? { organisation: event.actor.organisation } : {}),
        },
        ...(Object.keys(event.data).length ? { data: event.data } : {}),
      });
    };

    /**
     * A covenant change (CONVENANT_GEWIJZIGD), replayed as the workflow took it: the version, the reason and the
     * escalations it closed. Through the update, or asked by the migration workflow's signal (which the traject
     * answers with a refusal when it is already on the version: nothing to show then).
     */
    const takeCovenantChange = (args: unknown, at: string, source: 'update' | 'signal') => {
      if (!snapshot) return;
      const decision = decideCovenantChange(snapshot, args, at, changeRules);
      if (!decision.ok) {
        if (source === 'update')
          mismatches.push(`${at}: the recorded covenant change is refused now (${decision.refusal.message})`);
        return;
      }
      const { actor, data } = decision.event;
      const before = phaseOf(snapshot);
      const openBefore = snapshot.context.escalations;
      const step = takeEvent(snapshot, timers, decision.event);
      const closed = openBefore.filter((e) => !step.snapshot.context.escalations.some((o) => o.id === e.id));
      record(step, at, before, {
        source,
        event: decision.event.type,
        actor: { role: actor.role, ...(actor.organisation ? { organisation: actor.organisation } : {}) },
        data: {
          covenant: data.covenant.id,
          version: data.covenant.version ?? null,
          reason: data.reason,
          ...(closed.length ? { escalationsClosed: closed.map((e) => e.id) } : {}),
        },
      });
    };

    for (const event of run.history.events ?? []) {
      const type = event.eventType;
      if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
        pendingStart = await first<TenancyWorkflowInput>(
          event.workflowExecutionStartedEventAttributes?.input?.payloads,
        );
        if (pendingStart?.continued) {
          // A continued run starts from what the previous one carried over, as the workflow does.
          runNumber = pendingStart.continued.counters.run + 1;
          snapshot = revive(pendingStart.continued.snapshot);
          timers = pendingStart.continued.timers;
          for (const carried of pendingStart.continued.effects) {
            const known = effectsById.get(carried.id);
            if (known) continue;
            effectsById.set(carried.id, {
              id: carried.id,
              type: carried.effect.type,
              params: carried.effect.params,
              about: about(carried.effect),
              outcome: 'not delivered yet',
              delivered: [],
              rejected: [],
            });
            askedAt.set(carried.id, carried.at);
          }
          pendingStart = undefined;
        }
      } else if (type === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        wftTime = instant(event.eventTime);
        if (pendingStart) {
          const { aanmelding } = pendingStart;
          const patched = patchesOf(run.history.events ?? []);
          const step = startTraject({
            ...aanmelding,
            registeredAt: wftTime,
            rules: rulesFor(withSingleMarker((id) => patched.has(id))),
          });
          snapshot = step.snapshot;
          record(step, wftTime, null, {
            source: 'start',
            event: 'AANMELDING',
            actor: {
              role: aanmelding.registeredBy.role,
              ...(aanmelding.registeredBy.organisation
                ? { organisation: aanmelding.registeredBy.organisation }
                : {}),
            },
          });
          pendingStart = undefined;
        }
        for (const signal of pendingSignals.splice(0)) {
          if (signal.covenantChange) takeCovenantChange(signal.args, wftTime, 'signal');
          else takeCoordinator(signal.args, wftTime, 'signal');
        }
      } else if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
        const attrs = event.workflowExecutionSignaledEventAttributes;
        if (attrs?.signalName === 'reportEvent') {
          const args = await first<SendEventArgs>(attrs.input?.payloads);
          if (args) pendingSignals.push({ covenantChange: false, args });
        } else if (attrs?.signalName === 'changeCovenantRequest') {
          const request = await first<{ change?: unknown }>(attrs.input?.payloads);
          if (request) pendingSignals.push({ covenantChange: true, args: request.change });
        }
      } else if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
        const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        if (request?.input?.name === 'sendEvent' && wftTime) {
          const args = await first<SendEventArgs>(request.input.args?.payloads);
          if (args) takeCoordinator(args, wftTime, 'update');
        } else if (request?.input?.name === 'changeCovenant' && wftTime && snapshot) {
          takeCovenantChange(await first<unknown>(request.input.args?.payloads), wftTime, 'update');
        }
      } else if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) {
        const recorded = await first<TrajectStatus | UpdateReceipt>(
          event.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads,
        );
        if (recorded && snapshot) {
          checks += 1;
          const mine = toPublicStatus(snapshot);
          // A receipt records the status's digest (the slim-history patch), an older result the whole status.
          const differs = isUpdateReceipt(recorded)
            ? statusDigest(mine) !== recorded.statusDigest
            : JSON.stringify(mine) !== JSON.stringify(publicPart(recorded));
          if (differs) mismatches.push(`${recorded.updatedAt}: status after the update differs`);
        }
      } else if (type === EventType.EVENT_TYPE_TIMER_STARTED) {
        const summary = await first<string>(
          event.userMetadata?.summary ? [event.userMetadata.summary] : undefined,
        );
        const id = event.timerStartedEventAttributes?.timerId;
        if (id && summary) timerIds.set(id, summary.split(' ')[0]!);
      } else if (type === EventType.EVENT_TYPE_TIMER_FIRED && snapshot) {
        const machineId = timerIds.get(event.timerFiredEventAttributes?.timerId ?? '');
        const timer = timers.find((t) => t.id === machineId);
        if (!timer) {
          mismatches.push(
            `${instant(event.eventTime)}: a timer fired (${machineId ?? 'unknown'}) that the machine was not waiting for`,
          );
          continue;
        }
        const before = phaseOf(snapshot);
        record(
          takeEvent(
            snapshot,
            timers.filter((t) => t !== timer),
            timer.event,
          ),
          timer.event.at,
          before,
          {
            source: 'timer',
            event: timer.event.type,
          },
        );
      } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        // The workflow names each activity `<workflowId>/<effect id>`.
        const attrs = event.activityTaskScheduledEventAttributes;
        const id = attrs?.activityId;
        if (id) {
          const delivery = await first<{ occurredAt?: string }>(attrs.input?.payloads);
          const effect = matchEffect(id.slice(id.lastIndexOf('/') + 1), delivery?.occurredAt);
          if (effect) activityIds.set(String(event.eventId), effect.id);
        }
      } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        const attrs = event.activityTaskCompletedEventAttributes;
        const effect = effectsById.get(activityIds.get(String(attrs?.scheduledEventId)) ?? '');
        const result = await first<DeliveryResult>(attrs?.result?.payloads);
        if (effect && result) {
          effect.delivered = result.delivered.map((d) => d.organisation);
          effect.rejected = result.rejected.map((r) => r.organisation);
          effect.outcome = effect.rejected.length ? 'partly delivered' : 'delivered';
        }
      } else if (
        type === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED ||
        type === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
      ) {
        const scheduled =
          event.activityTaskFailedEventAttributes?.scheduledEventId ??
          event.activityTaskTimedOutEventAttributes?.scheduledEventId;
        const effect = effectsById.get(activityIds.get(String(scheduled)) ?? '');
        if (effect) effect.outcome = 'failed';
      } else if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED && snapshot) {
        const recorded = await first<TrajectStatus>(
          event.workflowExecutionCompletedEventAttributes?.result?.payloads,
        );
        if (recorded) {
          checks += 1;
          if (JSON.stringify(toPublicStatus(snapshot)) !== JSON.stringify(publicPart(recorded)))
            mismatches.push('the final status differs');
        }
      }
    }
  }

  if (!snapshot) throw new Error(`the history of ${chain.workflowId} holds no traject`);
  const phases: Timeline['phases'] = [];
  for (const entry of entries) {
    const last = phases[phases.length - 1];
    if (!last || last.phase !== entry.phaseAfter) {
      if (last) last.until = entry.at;
      phases.push({ phase: entry.phaseAfter, from: entry.at, until: null });
    }
  }
  const final = phases[phases.length - 1];
  if (final && snapshot.status !== 'active') final.until = final.from;

  const invitations: Timeline['invitations'] = [];
  const escalations: Timeline['escalations'] = [];
  for (const entry of entries) {
    for (const e of entry.effects) {
      const effect = effectsById.get(e.id)!;
      const asked = { type: e.type, params: e.params } as Effect;
      if (asked.type === 'inviteKennismakingsgesprek' || asked.type === 'inviteEvaluatiegesprek') {
        const { meeting, number, dueBy } = asked.params;
        invitations.push({ at: entry.at, meeting, number, dueBy, outcome: effect.outcome });
      }
      if (asked.type === 'escalate' || asked.type === 'escalateToCaseConsultation') {
        const { kind, reference } = asked.params;
        escalations.push({
          at: entry.at,
          kind,
          reference: reference ?? null,
          caseConsultation: asked.type === 'escalateToCaseConsultation',
        });
      }
    }
  }
  const status = toPublicStatus(snapshot);
  return {
    workflowId: chain.workflowId,
    trajectRef: status.trajectRef,
    region: status.region,
    runs: chain.runs.length,
    entries,
    phases,
    invitations,
    escalations,
    refusedSignals,
    status,
    verified: { checks, mismatches },
  };
}

export type { History };
