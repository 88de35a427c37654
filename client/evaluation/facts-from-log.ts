/**
 * Facts from a traject's event log, by running the pure traject machine over it: the machine decides what an event
 * meant (which meeting was held, which escalation it settled, which deadline moved with a time-out), so the figures
 * never re-implement the covenant's rules. The read model will call this on the events the workflow takes; the
 * simulation calls it on the events it made up.
 */
import {
  fireNext,
  type Effect,
  phaseOf,
  startTraject,
  takeEvent,
  type Phase,
  type PendingTimer,
  type Step,
  type TimerEvent,
  type TrajectEvent,
  type TrajectInput,
  type TrajectSnapshot,
} from '../../machines';
import {
  EndKindSchema,
  type EscalationFact,
  type MeetingFact,
  type NuisanceFact,
  type TrajectFacts,
} from './facts';

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

/** Phases in which the meetings of the temporary contract still matter. */
const meetingPhases: ReadonlySet<Phase> = new Set(['tijdelijkContract', 'omklappen', 'timeout']);
const finalPhases: ReadonlySet<Phase> = new Set(['afgesloten', 'beeindigd', 'ingetrokken']);

const isTimerEvent = (event: TrajectEvent): event is TimerEvent => !('actor' in event);
const reportIdOf = (event: TimerEvent) => ('reportId' in event ? event.reportId : undefined);

/** Collects facts by comparing the machine's context before and after each step. */
class FactsRecorder {
  readonly facts: TrajectFacts;
  private phase: Phase;
  private readonly meetings = new Map<string, MeetingFact>();
  private readonly openEscalations = new Map<string, EscalationFact>();
  private readonly reports = new Map<string, NuisanceFact>();

  constructor(input: TrajectInput, snapshot: TrajectSnapshot) {
    this.phase = phaseOf(snapshot);
    this.facts = {
      trajectRef: input.trajectRef,
      region: input.covenant.id,
      origin: input.origin,
      asOf: input.registeredAt,
      registeredAt: input.registeredAt,
      consentAt: null,
      urgency: {
        requestedAt: null,
        grantedAt: null,
        refusedAt: null,
        offerReminderDueAt: null,
        offerEscalationDueAt: null,
      },
      offers: [],
      contractForm: null,
      movedInAt: null,
      convertedAt: null,
      end: null,
      phases: [{ phase: this.phase, from: input.registeredAt }],
      meetings: [],
      escalations: [],
      nuisance: [],
      arrears: [],
      relapses: [],
      evaluations: [],
      waakvlamMonths: [],
    };
  }

  observe(before: TrajectSnapshot, after: TrajectSnapshot, event: TrajectEvent): void {
    const f = this.facts;
    const at = event.at;
    const was = before.context;
    const now = after.context;
    const phase = phaseOf(after);

    if (phase !== this.phase) {
      f.phases.push({ phase, from: at });
      if (this.phase === 'timeout') {
        const open = f.relapses[f.relapses.length - 1];
        if (open && !open.endedAt) open.endedAt = at;
      }
      this.phase = phase;
    }

    f.consentAt = now.consentAt ?? null;
    if (was.urgency !== now.urgency || was.offer !== now.offer) {
      f.urgency.requestedAt = now.urgency.requestedAt ?? null;
      f.urgency.grantedAt = now.urgency.grantedAt ?? null;
      f.urgency.offerReminderDueAt = now.offer.reminderDue ?? null;
      f.urgency.offerEscalationDueAt = now.offer.escalationDue ?? null;
    }
    if (event.type === 'URGENTIE_AFGEWEZEN') f.urgency.refusedAt = at;

    const lastOffer = f.offers[f.offers.length - 1];
    if (event.type === 'WONING_AANGEBODEN')
      f.offers.push({ offeredAt: at, outcome: 'open', answeredAt: null });
    else if (lastOffer?.outcome === 'open') {
      if (event.type === 'AANBOD_GEACCEPTEERD')
        Object.assign(lastOffer, { outcome: 'accepted', answeredAt: at });
      else if (event.type === 'AANBOD_GEWEIGERD')
        Object.assign(lastOffer, { outcome: 'refused', answeredAt: at });
      else if (event.type === 'INGETROKKEN')
        Object.assign(lastOffer, { outcome: 'withdrawn', answeredAt: at });
    }

    f.contractForm = now.contract.form ?? null;
    f.movedInAt = now.contract.startedAt ?? null;
    f.convertedAt = now.contract.convertedAt ?? null;
    if (now.ended && !f.end) f.end = { kind: EndKindSchema.parse(now.ended.reason), at: now.ended.at };

    this.observeMeetings(after, phase, at);
    if (was.escalations !== now.escalations) this.observeEscalations(before, after, at);
    if (was.nuisance !== now.nuisance) this.observeNuisance(after, at);
    if (was.arrears !== now.arrears) {
      if (!was.arrears && now.arrears)
        f.arrears.push({
          signalledAt: now.arrears.since,
          months: now.arrears.months,
          followUpDueAt: now.arrears.followUpDue,
          resolvedAt: null,
          escalatedAt: null,
        });
      else if (was.arrears && !now.arrears) {
        const open = f.arrears[f.arrears.length - 1];
        if (open) open.resolvedAt = at;
      }
    }
    if (now.timeout.count > was.timeout.count)
      f.relapses.push({ startedAt: now.timeout.since ?? at, endedAt: null });
    if (now.evaluations.length > was.evaluations.length) {
      for (const e of now.evaluations.slice(was.evaluations.length)) {
        f.evaluations.push({
          number: e.number,
          recordedAt: e.at,
          indicators: e.indicators as TrajectFacts['evaluations'][number]['indicators'],
          advice: e.advice,
        });
      }
    }
    if (now.waakvlam?.periodStart && now.waakvlam !== was.waakvlam) {
      const month = f.waakvlamMonths.find((m) => m.periodStart === now.waakvlam?.periodStart);
      if (month) month.hours = now.waakvlam.hoursThisPeriod;
      else
        f.waakvlamMonths.push({
          periodStart: now.waakvlam.periodStart,
          hours: now.waakvlam.hoursThisPeriod,
          budgetHours: now.covenant.terms.waakvlamContactBudgetHours,
        });
    }
    if (finalPhases.has(phase)) {
      for (const e of this.openEscalations.values())
        Object.assign(e, { closedAt: at, closedBy: 'trajectEnded' });
      this.openEscalations.clear();
    }
  }

  private observeMeetings(after: TrajectSnapshot, phase: Phase, at: string): void {
    const { kennismaking, evaluation } = after.context;
    if (kennismaking.invitedAt && kennismaking.due)
      this.upsertMeeting(
        'kennismakingsgesprek',
        1,
        kennismaking.invitedAt,
        kennismaking.due,
        kennismaking.heldAt,
      );
    if (evaluation.invited && evaluation.opensAt && evaluation.due)
      this.upsertMeeting(
        'evaluatiegesprek',
        evaluation.number,
        evaluation.opensAt,
        evaluation.due,
        evaluation.heldAt,
      );
    if (!meetingPhases.has(phase)) {
      for (const m of this.meetings.values()) if (!m.heldAt && !m.cancelledAt) m.cancelledAt = at;
    }
  }

  private upsertMeeting(
    kind: MeetingFact['kind'],
    number: number,
    invitedAt: string,
    dueAt: string,
    heldAt: string | undefined,
  ): void {
    const key = `${kind}-${number}`;
    const known = this.meetings.get(key);
    if (known) {
      known.dueAt = dueAt;
      known.heldAt = heldAt ?? null;
      return;
    }
    const meeting: MeetingFact = {
      kind,
      number,
      invitedAt,
      dueAt,
      heldAt: heldAt ?? null,
      cancelledAt: null,
    };
    this.meetings.set(key, meeting);
    this.facts.meetings.push(meeting);
  }

  private observeEscalations(before: TrajectSnapshot, after: TrajectSnapshot, at: string): void {
    const still = new Set(after.context.escalations.map((e) => e.id));
    for (const e of before.context.escalations) {
      const open = this.openEscalations.get(e.id);
      if (!still.has(e.id) && open) {
        Object.assign(open, { closedAt: at, closedBy: 'resolved' });
        this.openEscalations.delete(e.id);
      }
    }
    for (const e of after.context.escalations) {
      if (this.openEscalations.has(e.id)) continue;
      const reference = e.id.includes(':') ? e.id.slice(e.id.indexOf(':') + 1) : null;
      const fact: EscalationFact = {
        kind: e.kind,
        reference,
        openedAt: e.since,
        closedAt: null,
        closedBy: null,
      };
      this.openEscalations.set(e.id, fact);
      this.facts.escalations.push(fact);
      if (e.kind === 'overlastOnopgelost' && reference) {
        const report = this.reports.get(reference);
        if (report) report.escalatedAt = e.since;
      }
      if (e.kind === 'huurachterstandOnopgelost') {
        const arrears = this.facts.arrears[this.facts.arrears.length - 1];
        if (arrears && !arrears.resolvedAt) arrears.escalatedAt = e.since;
      }
    }
  }

  private observeNuisance(after: TrajectSnapshot, at: string): void {
    const open = new Set<string>();
    for (const r of after.context.nuisance.open) {
      open.add(r.id);
      const known = this.reports.get(r.id);
      if (known) {
        known.respondedAt = r.respondedAt ?? null;
        continue;
      }
      const report: NuisanceFact = {
        id: r.id,
        reportedAt: r.reportedAt,
        reportedBy: r.reportedBy,
        severity: r.severity,
        responseDueAt: r.responseDue,
        respondedAt: r.respondedAt ?? null,
        escalationDueAt: r.escalationDue,
        closedAt: null,
        escalatedAt: null,
      };
      this.reports.set(r.id, report);
      this.facts.nuisance.push(report);
    }
    for (const report of this.reports.values())
      if (!open.has(report.id) && !report.closedAt) report.closedAt = at;
  }
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
    this.recorder = new FactsRecorder(registration, first.snapshot);
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
