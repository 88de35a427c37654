/**
 * Facts from a traject's event log, by running the pure traject machine over it: the machine decides what an event
 * meant (which meeting was held, which escalation it settled, which deadline moved with a time-out), so the figures
 * never re-implement the covenant's rules. The workflow feeds the
 * read model with the same recorder (machines/evaluation); the simulation calls this on the events it made up.
 */
import {
  fireNext,
  type Effect,
  startTraject,
  takeEvent,
  type PendingTimer,
  type Step,
  type TimerEvent,
  type TrajectEvent,
  type TrajectInput,
  type TrajectSnapshot,
} from '../../machines';
import { FactsRecorder } from '../../machines/evaluation/recorder';
import type { TrajectFacts } from './facts';

const isTimerEvent = (event: TrajectEvent): event is TimerEvent => !('actor' in event);
const reportIdOf = (event: TimerEvent) => ('reportId' in event ? event.reportId : undefined);

/** One traject's events: its registration, then every event it took, oldest first. */
export interface TrajectEventLog {
  registration: TrajectInput;
  /**
   * Coordinator events as recorded (with `at`). Timer events may be included as recorded; they need not be: a timer
   * that falls due before the next event (or before `asOf`) fires by itself, as it did in the workflow.
   */
  events: readonly TrajectEvent[];
}

export interface FactsOptions {
  /** Fire the timers due up to this instant and count deadlines against it; default: the last event's time. */
  asOf?: string;
}

/**
 * Facts kept up to date one event at a time: what a read model fed by the workflow holds per traject. Events must
 * come in the order the traject took them, none older than the last `advanceTo`.
 */
export class TrajectFactsBuilder {
  private state: TrajectSnapshot;
  private timers: readonly PendingTimer[];
  private readonly recorder: FactsRecorder;
  private lastAt: string;
  private readonly onEffect: ((effect: Effect) => void) | undefined;

  /** `onEffect` hears every effect the machine asks for (invitations, escalations), as the workflow would carry out. */
  constructor(registration: TrajectInput, options: { onEffect?: (effect: Effect) => void } = {}) {
    const first = startTraject(registration);
    this.state = first.snapshot;
    this.timers = first.timers;
    this.recorder = new FactsRecorder({ registration }, first.snapshot);
    this.lastAt = registration.registeredAt;
    this.onEffect = options.onEffect;
    for (const effect of first.effects) this.onEffect?.(effect);
  }

  /** The machine's snapshot now. */
  get snapshot(): TrajectSnapshot {
    return this.state;
  }

  /** When the next pending timer fires, if the traject is still running and has one. */
  get nextTimerAt(): string | null {
    return this.state.status === 'active' ? (this.timers[0]?.fireAt ?? null) : null;
  }

  /**
   * Takes one event: first the timers due by its time fire; a recorded timer event that already fired so is skipped;
   * an event the machine does not take (refused, or after the end) changes nothing. Returns whether it was taken.
   */
  take(event: TrajectEvent): boolean {
    this.fireDue(Date.parse(event.at));
    if (this.state.status !== 'active') return false;
    if (isTimerEvent(event)) {
      const pending = this.timers.find(
        (t) => t.event.type === event.type && reportIdOf(t.event) === reportIdOf(event),
      );
      if (!pending) return false;
      this.apply(
        takeEvent(
          this.state,
          this.timers.filter((t) => t !== pending),
          event,
        ),
        event,
      );
      return true;
    }
    if (!this.state.can(event)) return false;
    this.apply(takeEvent(this.state, this.timers, event), event);
    return true;
  }

  /** Lets the traject's timers fire up to `asOf` (as its workflow's did) and counts deadlines against it. */
  advanceTo(asOf: string): void {
    this.fireDue(Date.parse(asOf));
    this.recorder.facts.asOf = asOf;
  }

  /** The facts so far (a copy), known up to the last event or `advanceTo`, whichever is later. */
  facts(): TrajectFacts {
    const facts = structuredClone(this.recorder.facts);
    if (Date.parse(this.lastAt) > Date.parse(facts.asOf)) facts.asOf = this.lastAt;
    return facts;
  }

  private apply(step: Step, event: TrajectEvent): void {
    this.recorder.observe(this.state, step.snapshot, event);
    this.state = step.snapshot;
    this.timers = step.timers;
    this.lastAt = event.at;
    if (this.onEffect) for (const effect of step.effects) this.onEffect(effect);
  }

  private fireDue(until: number): void {
    while (this.state.status === 'active' && this.timers[0] && Date.parse(this.timers[0].fireAt) <= until) {
      const event = this.timers[0].event;
      this.apply(fireNext(this.state, this.timers)!, event);
    }
  }
}

/**
 * The facts of one traject, from its event log. Events the machine does not take (refused, or after the traject
 * ended) change nothing, as in the workflow. Pure and deterministic.
 */
export function factsFromEventLog(log: TrajectEventLog, options: FactsOptions = {}): TrajectFacts {
  const builder = new TrajectFactsBuilder(log.registration);
  for (const event of log.events) builder.take(event);
  if (options.asOf) builder.advanceTo(options.asOf);
  return builder.facts();
}
