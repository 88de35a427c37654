/**
 * The benchmark's baseline: a minimal hand-written Temporal workflow for one traject, without XState and without
 * zod. It takes the same updates, keeps the same durable timers, calls the same activities in the same order and
 * continues as new at the same history length as the engine's tenancy workflow does on the Almere happy path.
 * This file is the entry of its own workflow bundle; it imports @temporalio/workflow, types, and its own pure logic.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeliveryBase, Recipient, TenancyActivities } from '../../activities/types';
import {
  baselineReportEventSignal,
  baselineSendEventUpdate,
  baselineStatusQuery,
  type BaselineContinued,
  type BaselineInput,
  type BaselineSendArgs,
  type BaselineStatus,
} from './messages';
import {
  initialState,
  refusal,
  take,
  type BaselineEffect,
  type BaselineEvent,
  type Outcome,
  type TimerStart,
} from './traject';

/** The engine's activity options, so that both pay the same for a delivery. */
const activityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    maximumAttempts: 20,
  },
} as const;

/** The engine's default (400 since the slim-history patch), so that both continue as new at the same length. */
const DEFAULT_HISTORY_LIMIT = 400;
const iso = (ms: number) => new Date(ms).toISOString();

export async function baselineWorkflow(input: BaselineInput): Promise<BaselineStatus> {
  const { workflowId } = workflowInfo();
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const state = input.continued?.state ?? initialState(input.organisations);
  const counters = input.continued
    ? { run: input.continued.counters.run + 1, events: input.continued.counters.events }
    : { run: 1, events: 1 };
  const effects: BaselineContinued['effects'] = input.continued?.effects ?? [];
  const pending = new Map<string, TimerStart>();
  const running = new Map<string, CancellationScope>();
  let effectSeq = input.continued?.effectSeq ?? 0;
  let delivering = 0;

  const status = (): BaselineStatus => ({
    phase: state.phase,
    counters: { ...counters },
    deliveriesPending: effects.length + delivering,
  });

  const apply = (outcome: Outcome, at: number) => {
    for (const id of outcome.cancel) {
      running.get(id)?.cancel();
      running.delete(id);
      pending.delete(id);
    }
    for (const timer of outcome.start) arm(timer);
    for (const effect of outcome.effects) effects.push({ effect, at });
  };

  const arm = (timer: TimerStart) => {
    running.get(timer.id)?.cancel();
    const scope = new CancellationScope();
    running.set(timer.id, scope);
    pending.set(timer.id, timer);
    scope
      .run(() => sleep(Math.max(1, timer.fireAt - Date.now())))
      .then(
        () => {
          if (running.get(timer.id) !== scope) return;
          running.delete(timer.id);
          pending.delete(timer.id);
          counters.events += 1;
          apply(take(state, input.terms, { type: timer.type }, timer.fireAt), timer.fireAt);
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  };

  const check = (args: BaselineSendArgs): BaselineEvent => {
    const event = args?.event;
    const refused =
      event && typeof event.type === 'string'
        ? refusal(state, input.terms, event, Date.now())
        : 'InvalidEventData';
    if (refused) throw ApplicationFailure.create({ type: refused, message: refused, nonRetryable: true });
    return event;
  };

  const accept = (args: BaselineSendArgs) => {
    const event = check(args);
    counters.events += 1;
    apply(take(state, input.terms, event, Date.now()), Date.now());
  };

  for (const timer of input.continued?.timers ?? []) arm(timer);

  setHandler(baselineStatusQuery, status);
  setHandler(
    baselineSendEventUpdate,
    (args) => {
      accept(args);
      return status();
    },
    {
      validator: (args: BaselineSendArgs) => {
        check(args);
      },
    },
  );
  setHandler(baselineReportEventSignal, (args) => {
    try {
      accept(args);
    } catch (err) {
      if (!(err instanceof ApplicationFailure)) throw err;
    }
  });

  for (;;) {
    await condition(
      () => effects.length > 0 || state.phase === 'afgesloten' || shouldContinueAsNew(historyLimit),
    );
    while (effects.length > 0) {
      const { effect, at } = effects.shift()!;
      effectSeq += 1;
      delivering = 1;
      await deliver(effect, {
        id: `${workflowId}/${effect.kind}-${counters.run}-${effectSeq}`,
        workflowId,
        trajectRef: input.trajectRef,
        region: input.region,
        occurredAt: iso(at),
      });
      delivering = 0;
    }
    if (shouldContinueAsNew(historyLimit)) {
      await condition(allHandlersFinished);
      const continued: BaselineContinued = {
        state,
        timers: [...pending.values()],
        effects,
        counters,
        effectSeq,
      };
      return continueAsNew<typeof baselineWorkflow>({ ...input, continued });
    }
    if (state.phase === 'afgesloten' && effects.length === 0) {
      await condition(allHandlersFinished);
      if (effects.length === 0) return status();
    }
  }

  function recipients(roles: string[]): Recipient[] {
    return roles.map((role) =>
      role === 'client'
        ? { role, organisation: null }
        : { role: role as Recipient['role'], organisation: state.organisations[role] ?? null },
    );
  }

  async function deliver(effect: BaselineEffect, base: Omit<DeliveryBase, 'recipients'>): Promise<void> {
    const activities = proxyActivities<TenancyActivities>({ ...activityOptions, activityId: base.id });
    const partners = recipients(['gemeente', 'zorgaanbieder', 'corporatie']);
    const attendees = recipients(['client', 'zorgaanbieder', 'corporatie']);
    switch (effect.kind) {
      case 'notify':
        await activities.sendNotification({
          ...base,
          recipients: partners,
          subject: effect.subject,
          data: {},
        });
        return;
      case 'invite':
        await activities.sendInvitation({
          ...base,
          recipients: attendees,
          meeting: effect.meeting,
          number: effect.number,
          start: iso(effect.opens + Math.floor((effect.dueBy - effect.opens) / 2)),
          dueBy: iso(effect.dueBy),
          sequence: 0,
          durationMinutes: 60,
        });
        return;
      case 'confirm':
        await activities.sendInvitation({
          ...base,
          recipients: attendees,
          meeting: effect.meeting as 'kennismakingsgesprek',
          number: effect.number,
          start: effect.plannedAt,
          dueBy: effect.plannedAt,
          sequence: Math.floor((Date.parse(base.occurredAt) - Date.parse('2020-01-01T00:00:00Z')) / 1000),
          durationMinutes: 60,
        });
        return;
      case 'remind':
        await activities.sendNotification({
          ...base,
          recipients: recipients(['corporatie']),
          subject: 'herinnering',
          data: { about: 'aanbod', dueAt: iso(effect.dueAt) },
        });
        return;
      case 'escalate':
        await activities.sendEscalation({
          ...base,
          recipients: recipients(['zorgaanbieder', 'corporatie']),
          kind: effect.escalation as 'aanbodTeLaat',
          since: iso(effect.since),
          caseConsultation: false,
          reference: null,
        });
        return;
      case 'waakvlamContact':
        await activities.sendNotification({
          ...base,
          recipients: recipients(['zorgaanbieder']),
          subject: 'waakvlamContact',
          data: {
            periodStart: iso(effect.periodStart),
            dueBy: iso(effect.dueBy),
            budgetHours: effect.budgetHours,
          },
        });
        return;
    }
  }
}

function shouldContinueAsNew(historyLimit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= historyLimit;
}
