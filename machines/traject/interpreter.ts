/**
 * Running the traject machine with pending timers beside it: the bookkeeping that turns XState's pure
 * transitions into "what to do now" and "what to wake up for later". Pure; the Temporal workflow uses it to arm
 * and cancel durable timers, the tests use it to walk the graph with a clock, the timeline uses it to replay.
 */
import { createActor, type AnyStateMachine } from 'xstate';
import { formatInstant, parseInstant } from '../duration';
import type { TimerEvent, TrajectEvent } from '../events';
import type { TrajectInput } from './context';
import { isEffect, type Effect } from './effects';
import { trajectMachine } from './machine';
import type { TrajectSnapshot } from './status';

/** A delayed event the machine raised and has not cancelled: it fires at `fireAt`. */
export interface PendingTimer {
  id: string;
  event: TimerEvent;
  fireAt: string;
}

export interface Step {
  snapshot: TrajectSnapshot;
  /** All timers pending after this step, earliest first. */
  timers: PendingTimer[];
  /** The effects to carry out, in order. */
  effects: Effect[];
  /** Timers this step started (or restarted with a new due time). */
  started: PendingTimer[];
  /** Ids of timers this step cancelled. */
  cancelled: string[];
}

interface RawAction {
  type: string;
  params?: unknown;
}

/** An instant as `toISOString` writes it (`2027-03-29T09:00:00.000Z`), as `applyActions` writes every `fireAt`. */
const isIsoUtc = (at: string) => at.length === 24 && at[4] === '-' && at[10] === 'T' && at[23] === 'Z';

/**
 * Earliest first, then by id. Two instants as `toISOString` writes them sort as their text does (the same fields, in
 * the same order and widths), which spares parsing both at every comparison; anything else is parsed.
 */
function byDue(a: PendingTimer, b: PendingTimer): number {
  const x = a.fireAt;
  const y = b.fireAt;
  const due = isIsoUtc(x) && isIsoUtc(y) ? (x < y ? -1 : x > y ? 1 : 0) : parseInstant(x) - parseInstant(y);
  return due || a.id.localeCompare(b.id);
}

/**
 * Applies what a transition returned: a delayed raise becomes a pending timer due at the triggering event's time
 * plus its delay (replacing a timer with the same id), a cancel removes one, a named effect is collected.
 */
export function applyActions(
  timers: readonly PendingTimer[],
  actions: readonly RawAction[],
  at: string,
): Omit<Step, 'snapshot'> {
  // Most transitions neither start nor cancel a timer: then the timers stay as they are, in a copy.
  if (!actions.some((a) => a.type === 'xstate.raise' || a.type === 'xstate.cancel')) {
    const copy = timers.slice();
    return {
      timers: isSorted(copy) ? copy : copy.sort(byDue),
      effects: actions.filter(isEffect),
      started: [],
      cancelled: [],
    };
  }
  const pending = new Map<string, PendingTimer>();
  for (const timer of timers) pending.set(timer.id, timer);
  let atMs: number | undefined;
  const effects: Effect[] = [];
  const started: PendingTimer[] = [];
  const cancelled: string[] = [];
  for (const action of actions) {
    if (action.type === 'xstate.raise') {
      const { event, id, delay } = action.params as { event: TimerEvent; id?: string; delay?: number };
      if (id === undefined || delay === undefined) continue; // an immediate raise is handled inside the machine
      atMs ??= parseInstant(at);
      const timer = { id, event, fireAt: formatInstant(atMs + delay) };
      pending.set(id, timer);
      started.push(timer);
    } else if (action.type === 'xstate.cancel') {
      const { sendId } = action.params as { sendId: string };
      if (pending.delete(sendId)) cancelled.push(sendId);
    } else if (isEffect(action)) {
      effects.push(action);
    }
  }
  const list = [...pending.values()];
  return { timers: isSorted(list) ? list : list.sort(byDue), effects, started, cancelled };
}

/** Whether timers are earliest first already (as every step leaves them): then sorting would not move one. */
function isSorted(timers: readonly PendingTimer[]): boolean {
  for (let i = 1; i < timers.length; i += 1) if (byDue(timers[i - 1]!, timers[i]!) > 0) return false;
  return true;
}

/**
 * One inert actor scope for every transition, instead of the throwaway actor XState's public `transition()` builds per
 * call (whose constructor also runs the context factory without input and catches the error it throws): the scope only
 * collects the actions a transition would execute, so sharing it is safe as long as each call empties it first. The
 * machine invokes no children, so nothing registers in the scope's system.
 */
type TrajectScope = Parameters<typeof trajectMachine.transition>[2];
let scope: TrajectScope | undefined;
const executed: RawAction[] = [];

/**
 * An inert actor scope for the transitions of `machine`: every action a transition would execute goes to `collect`,
 * and nothing else happens. (The benchmark's floor, bench/workloads/machine-floor.ts, runs XState alone through one.)
 */
export function inertScopeFor(
  machine: AnyStateMachine,
  collect: (action: RawAction) => void,
): Parameters<AnyStateMachine['transition']>[2] {
  // Built without input: its own initial snapshot is never used, only its identity as the scope's `self`.
  const self = createActor(machine);
  return {
    self,
    system: self.system,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    stopChild: () => {},
    actionExecutor: collect,
  };
}

function inertScope(): TrajectScope {
  scope ??= inertScopeFor(trajectMachine, (action) => {
    executed.push(action);
  }) as unknown as TrajectScope;
  executed.length = 0;
  return scope;
}

/** The actions the last transition collected, detached from the shared buffer. */
function takeExecuted(): RawAction[] {
  return executed.splice(0, executed.length);
}

/** A step: a snapshot and what its transition applied, written out (a spread into the literal costs more). */
function stepOf(snapshot: TrajectSnapshot, applied: Omit<Step, 'snapshot'>): Step {
  const { timers, effects, started, cancelled } = applied;
  return { snapshot, timers, effects, started, cancelled };
}

/** The first step of a traject: registration. */
export function startTraject(input: TrajectInput): Step {
  const snapshot = trajectMachine.getInitialSnapshot(inertScope(), input);
  return stepOf(snapshot, applyActions([], takeExecuted(), input.registeredAt));
}

/** Feeds one event to the machine. A fired timer must be removed from `timers` by the caller first. */
export function takeEvent(
  snapshot: TrajectSnapshot,
  timers: readonly PendingTimer[],
  event: TrajectEvent,
): Step {
  const next = trajectMachine.transition(snapshot, event, inertScope());
  return stepOf(next, applyActions(timers, takeExecuted(), event.at));
}

/** Fires the earliest pending timer, if any. */
export function fireNext(snapshot: TrajectSnapshot, timers: readonly PendingTimer[]): Step | null {
  const first = timers[0];
  if (!first) return null;
  return takeEvent(snapshot, timers.slice(1), first.event);
}
