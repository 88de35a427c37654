/**
 * Facts of one traject, collected by comparing the machine's context before and after each step. Pure: the
 * evaluation's `TrajectFactsBuilder` (client/evaluation) and the workflow, which feeds the read model, use the same
 * recorder, so the live report and the what-if simulation count alike.
 */
import type { TrajectEvent } from '../events';
import type { TrajectInput } from '../traject/context';
import { phaseOf, type TrajectSnapshot } from '../traject/status';
import type { Phase } from '../vocabulary';
import type { EndKind, EscalationFact, MeetingFact, NuisanceFact, TrajectFacts } from './facts';

/** What the recorder needs of a registration. */
export type FactsRegistration = Pick<TrajectInput, 'trajectRef' | 'origin' | 'registeredAt'> & {
  covenant: { id: string };
};

/** Phases in which the meetings of the temporary contract still matter. */
const meetingPhases: ReadonlySet<Phase> = new Set(['tijdelijkContract', 'omklappen', 'timeout']);
const finalPhases: ReadonlySet<Phase> = new Set(['afgesloten', 'beeindigd', 'ingetrokken']);

/** Collects facts by comparing the machine's context before and after each step. */
export class FactsRecorder {
  readonly facts: TrajectFacts;
  private phase: Phase;
  private readonly meetings = new Map<string, MeetingFact>();
  private readonly openEscalations = new Map<string, EscalationFact>();
  private readonly reports = new Map<string, NuisanceFact>();

  /**
   * From a registration and the machine's first snapshot; or from facts recorded by an earlier run of the same
   * traject (continue-as-new) and the snapshot that run ended with.
   */
  constructor(from: { registration: FactsRegistration } | { carried: TrajectFacts }, snapshot: TrajectSnapshot) {
    this.phase = phaseOf(snapshot);
    if ('carried' in from) {
      const carried = from.carried;
      this.facts = carried;
      for (const m of carried.meetings) this.meetings.set(`${m.kind}-${m.number}`, m);
      for (const r of carried.nuisance) this.reports.set(r.id, r);
      for (const e of carried.escalations)
        if (!e.closedAt) this.openEscalations.set(e.reference ? `${e.kind}:${e.reference}` : e.kind, e);
      return;
    }
    const input = from.registration;
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

  /** Takes one machine step: the snapshots before and after `event`. */
  observe(before: TrajectSnapshot, after: TrajectSnapshot, event: Pick<TrajectEvent, 'type' | 'at'>): void {
    const f = this.facts;
    const at = event.at;
    if (Date.parse(at) > Date.parse(f.asOf)) f.asOf = at;
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
    if (now.ended && !f.end) f.end = { kind: now.ended.reason as EndKind, at: now.ended.at };

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
