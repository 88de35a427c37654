/**
 * The covenant's half-yearly evaluation in figures, computed from trajects' facts. Pure.
 *
 * How each figure is counted ("in the period" means: the instant named falls in [from, until)):
 * - `trajects`: trajects of the region registered before the period ends.
 * - `flow`: events whose date is in the period: registrations, urgency requests, grants and refusals, offers made and
 *   offers refused (answered in the period), contracts signed (`movedIn`: the client moved out of BW or MO),
 *   conversions, and ends by kind (`closed` after landing, `ended` contract ended, `withdrawn`).
 * - `openAtEnd`: trajects in each phase at the cut, the earlier of the period's end and the facts' `asOf`.
 * - `offerLeadTime`: trajects whose first offer after the urgency request was made in the period; months from the
 *   request to that offer (a month is 365.25 / 12 days); median and p90 by the nearest-rank method; the share made by
 *   the covenant's reminder date (3 months in Almere) and by its escalation date (6 months). `waiting`: trajects at the
 *   cut with urgency requested, no offer, not refused or ended; `waitingPastEscalation`: of those, past the 6 months.
 * - `meetings`: invitations whose due date is in the period and not after the cut, unless the meeting stopped being
 *   needed (conversion, end) before it was due; held in time (on or before the due date), held late, or not held.
 * - `escalations`: by kind, opened in the period; of those, resolved (the settling event came) and the median days to
 *   that; `openAtEnd`: open at the cut, whenever opened (an ended traject closes its escalations).
 * - `nuisance`: reports made in the period; answered in time (first response by the response deadline, 2 working
 *   days in Almere); escalated to case consultation (not settled by the escalation deadline).
 * - `rentArrears`: signalled in the period; resolved in the period; escalated (of those signalled in the period);
 *   open at the cut.
 * - `relapses`: time-outs started and ended in the period; `timeoutDays`: days spent in time-out within the period.
 * - `conversions`: per contract form, conversions in the period and months from signing to conversion.
 * - `indicators`: for each conversion in the period, the last evaluation recorded before it; for each traject that
 *   ended or was withdrawn in the period after moving in, the last evaluation before that: how often each indicator
 *   scored goed, aandacht or zorg there.
 * - `waakvlam`: waakvlam months (check-in periods) that began in the period, and how many went over the contact
 *   budget (2 hours in Almere).
 */
import { z } from 'zod';
import { contractForms, escalationKinds, indicators, phases, type Phase } from '../../machines';
import { median, percentile } from '../../bench/stats';
import type { EvaluationFact, TrajectFacts } from './facts';
import { parsePeriod, type Period } from './period';

const count = z.number().int().min(0);
/** A figure that has no value when nothing was there to count (a median of no values). */
const value = z.number().nullable();
const share = z.number().min(0).max(1).nullable();

const openPhases = phases.filter((p) => !['afgesloten', 'beeindigd', 'ingetrokken'].includes(p)) as Exclude<
  Phase,
  'afgesloten' | 'beeindigd' | 'ingetrokken'
>[];

const record = <K extends string, S extends z.ZodType>(keys: readonly K[], schema: S) =>
  z.object(Object.fromEntries(keys.map((k) => [k, schema])) as Record<K, S>).strict();

const MeetingFiguresSchema = z
  .object({ due: count, heldInTime: count, heldLate: count, notHeld: count, inTimeShare: share })
  .strict();
const ScoresSchema = z.object({ goed: count, aandacht: count, zorg: count }).strict();

/** The figures of one region over one period: the JSON shape of `tidw simulate` and, later, `tidw report`. */
export const FiguresSchema = z
  .object({
    region: z.string(),
    period: z.object({ label: z.string(), from: z.string(), until: z.string() }).strict(),
    /** The instant the figures are counted up to: the period's end, or earlier when the facts end earlier. */
    cut: z.string(),
    trajects: count,
    flow: z
      .object({
        registered: count,
        urgencyRequested: count,
        urgencyGranted: count,
        urgencyRefused: count,
        offers: count,
        offersRefused: count,
        movedIn: count,
        converted: count,
        closed: count,
        ended: count,
        withdrawn: count,
      })
      .strict(),
    openAtEnd: record(openPhases, count),
    offerLeadTime: z
      .object({
        offered: count,
        medianMonths: value,
        p90Months: value,
        withinReminderShare: share,
        withinEscalationShare: share,
        waiting: count,
        waitingPastEscalation: count,
      })
      .strict(),
    meetings: z
      .object({ kennismakingsgesprek: MeetingFiguresSchema, evaluatiegesprek: MeetingFiguresSchema })
      .strict(),
    escalations: record(
      escalationKinds,
      z.object({ opened: count, resolved: count, medianDaysToResolve: value, openAtEnd: count }).strict(),
    ),
    nuisance: z
      .object({
        reported: count,
        answeredInTime: count,
        answeredInTimeShare: share,
        escalatedToCaseConsultation: count,
      })
      .strict(),
    rentArrears: z.object({ signalled: count, resolved: count, escalated: count, openAtEnd: count }).strict(),
    relapses: z.object({ started: count, ended: count, timeoutDays: z.number().min(0) }).strict(),
    conversions: record(
      contractForms,
      z
        .object({ converted: count, medianMonthsFromSigning: value, minMonths: value, maxMonths: value })
        .strict(),
    ),
    indicators: z
      .object({
        beforeConversion: count,
        beforeEnding: count,
        scores: record(
          indicators,
          z.object({ beforeConversion: ScoresSchema, beforeEnding: ScoresSchema }).strict(),
        ),
      })
      .strict(),
    waakvlam: z.object({ months: count, overBudget: count, overBudgetShare: share }).strict(),
  })
  .strict();
export type Figures = z.infer<typeof FiguresSchema>;

export interface FiguresOptions {
  region: string;
  /** A period label (`2026-H1`) or a parsed period. */
  period: string | Period;
}

const DAY = 86_400_000;
const MONTH = (365.25 / 12) * DAY;
const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const digits = (s: string, i: number, n: number) => {
  let v = 0;
  for (let k = i; k < i + n; k++) v = v * 10 + digit(s, k);
  return v;
};
/**
 * An instant in epoch ms. A report reads every date of every traject several times, and `Date.parse` was most of its
 * time (50,000 trajects); the engine writes instants as `toISOString()` does (`2026-03-01T10:00:00.000Z`), read here
 * straight from the digits, 4–5 times faster. Any other form (an offset, no milliseconds) goes to `Date.parse`.
 */
function t(iso: string): number {
  const canonical =
    iso.length === 24 && iso.charCodeAt(23) === 90 && iso.charCodeAt(10) === 84 && iso.charCodeAt(19) === 46;
  const year = canonical ? digits(iso, 0, 4) : 0;
  // Date.UTC reads years below 100 as 19xx: those go the slow way too.
  if (year < 100) return Date.parse(iso);
  return Date.UTC(
    year,
    digits(iso, 5, 2) - 1,
    digits(iso, 8, 2),
    digits(iso, 11, 2),
    digits(iso, 14, 2),
    digits(iso, 17, 2),
    digits(iso, 20, 3),
  );
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const orNull = (n: number) => (Number.isFinite(n) ? round(n) : null);
const ratio = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : null);

/** The public phase a traject was in at instant `at` (ms), or null when it was not registered yet. */
function phaseAt(facts: TrajectFacts, at: number): Phase | null {
  let phase: Phase | null = null;
  for (const p of facts.phases) {
    if (t(p.from) > at) break;
    phase = p.phase;
  }
  return phase;
}

function lastEvaluationBefore(facts: TrajectFacts, at: string): EvaluationFact | undefined {
  return facts.evaluations.filter((e) => t(e.recordedAt) <= t(at)).at(-1);
}

/** The evaluation figures of one region over one period. */
export function evaluationFigures(all: readonly TrajectFacts[], options: FiguresOptions): Figures {
  const period = typeof options.period === 'string' ? parsePeriod(options.period) : options.period;
  const from = t(period.from);
  const until = t(period.until);
  const facts = all.filter((f) => f.region === options.region && t(f.registeredAt) < until);
  const known = facts.reduce((latest, f) => Math.max(latest, t(f.asOf)), from);
  const cut = Math.min(until - 1, known);
  const inPeriod = (iso: string | null | undefined) => {
    if (iso == null) return false;
    const at = t(iso);
    return at >= from && at < until;
  };
  const byCut = (iso: string | null | undefined) => iso != null && t(iso) <= cut;
  // Counted in a loop: a filtered copy of 50,000 trajects per figure was a fair share of a report's garbage.
  const countOf = (pick: (f: TrajectFacts) => boolean) => {
    let n = 0;
    for (const f of facts) if (pick(f)) n += 1;
    return n;
  };

  const flow: Figures['flow'] = {
    registered: countOf((f) => inPeriod(f.registeredAt)),
    urgencyRequested: countOf((f) => inPeriod(f.urgency.requestedAt)),
    urgencyGranted: countOf((f) => inPeriod(f.urgency.grantedAt)),
    urgencyRefused: countOf((f) => inPeriod(f.urgency.refusedAt)),
    offers: facts.reduce((n, f) => n + f.offers.filter((o) => inPeriod(o.offeredAt)).length, 0),
    offersRefused: facts.reduce(
      (n, f) => n + f.offers.filter((o) => o.outcome === 'refused' && inPeriod(o.answeredAt)).length,
      0,
    ),
    movedIn: countOf((f) => inPeriod(f.movedInAt)),
    converted: countOf((f) => inPeriod(f.convertedAt)),
    closed: countOf((f) => f.end?.kind === 'afgesloten' && inPeriod(f.end.at)),
    ended: countOf((f) => f.end?.kind === 'contractBeeindigd' && inPeriod(f.end.at)),
    withdrawn: countOf((f) => f.end?.kind === 'ingetrokken' && inPeriod(f.end.at)),
  };

  const openAtEnd = Object.fromEntries(openPhases.map((p) => [p, 0])) as Figures['openAtEnd'];
  for (const f of facts) {
    const phase = phaseAt(f, cut);
    if (phase && phase in openAtEnd) openAtEnd[phase as keyof typeof openAtEnd] += 1;
  }

  const leadTimes: number[] = [];
  let withinReminder = 0;
  let withinEscalation = 0;
  let waiting = 0;
  let waitingPastEscalation = 0;
  for (const f of facts) {
    const requested = f.urgency.requestedAt;
    if (!requested) continue;
    const first = f.offers[0];
    if (first && inPeriod(first.offeredAt)) {
      leadTimes.push((t(first.offeredAt) - t(requested)) / MONTH);
      if (f.urgency.offerReminderDueAt && t(first.offeredAt) <= t(f.urgency.offerReminderDueAt))
        withinReminder += 1;
      if (f.urgency.offerEscalationDueAt && t(first.offeredAt) <= t(f.urgency.offerEscalationDueAt))
        withinEscalation += 1;
    }
    const stillWaiting =
      byCut(requested) &&
      !(first && byCut(first.offeredAt)) &&
      !byCut(f.urgency.refusedAt) &&
      !byCut(f.end?.at);
    if (stillWaiting) {
      waiting += 1;
      if (byCut(f.urgency.offerEscalationDueAt)) waitingPastEscalation += 1;
    }
  }

  const meetingFigures = (kind: 'kennismakingsgesprek' | 'evaluatiegesprek') => {
    const due = facts.flatMap((f) =>
      f.meetings.filter(
        (m) =>
          m.kind === kind &&
          inPeriod(m.dueAt) &&
          byCut(m.dueAt) &&
          !(m.cancelledAt && t(m.cancelledAt) <= t(m.dueAt)),
      ),
    );
    const heldInTime = due.filter((m) => m.heldAt && t(m.heldAt) <= t(m.dueAt)).length;
    const heldLate = due.filter((m) => m.heldAt && t(m.heldAt) > t(m.dueAt)).length;
    return {
      due: due.length,
      heldInTime,
      heldLate,
      notHeld: due.length - heldInTime - heldLate,
      inTimeShare: ratio(heldInTime, due.length),
    };
  };

  const allEscalations = facts.flatMap((f) => f.escalations);
  const escalations = Object.fromEntries(
    escalationKinds.map((kind) => {
      const ofKind = allEscalations.filter((e) => e.kind === kind);
      const opened = ofKind.filter((e) => inPeriod(e.openedAt));
      const resolved = opened.filter((e) => e.closedBy === 'resolved' && byCut(e.closedAt));
      return [
        kind,
        {
          opened: opened.length,
          resolved: resolved.length,
          medianDaysToResolve: orNull(median(resolved.map((e) => (t(e.closedAt!) - t(e.openedAt)) / DAY))),
          openAtEnd: ofKind.filter((e) => byCut(e.openedAt) && !byCut(e.closedAt)).length,
        },
      ];
    }),
  ) as Figures['escalations'];

  const reports = facts.flatMap((f) => f.nuisance).filter((r) => inPeriod(r.reportedAt));
  const answeredInTime = reports.filter(
    (r) => r.respondedAt && t(r.respondedAt) <= t(r.responseDueAt),
  ).length;

  const arrears = facts.flatMap((f) => f.arrears.map((a) => ({ ...a, endedAt: f.end?.at })));
  const signalled = arrears.filter((a) => inPeriod(a.signalledAt));

  const relapses = facts.flatMap((f) => f.relapses.map((r) => ({ ...r, asOf: f.asOf })));
  const timeoutMs = relapses.reduce((sum, r) => {
    const start = Math.max(t(r.startedAt), from);
    const end = Math.min(r.endedAt ? t(r.endedAt) : t(r.asOf), cut + 1);
    return sum + Math.max(0, end - start);
  }, 0);

  const conversions = Object.fromEntries(
    contractForms.map((form) => {
      const months = facts
        .filter((f) => f.contractForm === form && f.movedInAt && inPeriod(f.convertedAt))
        .map((f) => (t(f.convertedAt!) - t(f.movedInAt!)) / MONTH);
      return [
        form,
        {
          converted: months.length,
          medianMonthsFromSigning: orNull(median(months)),
          minMonths: orNull(Math.min(...months)),
          maxMonths: orNull(Math.max(...months)),
        },
      ];
    }),
  ) as Figures['conversions'];

  const beforeConversion = facts
    .filter((f) => inPeriod(f.convertedAt))
    .map((f) => lastEvaluationBefore(f, f.convertedAt!))
    .filter((e) => e !== undefined);
  const beforeEnding = facts
    .filter(
      (f) =>
        f.movedInAt &&
        f.end &&
        ['contractBeeindigd', 'ingetrokken'].includes(f.end.kind) &&
        inPeriod(f.end.at),
    )
    .map((f) => lastEvaluationBefore(f, f.end!.at))
    .filter((e) => e !== undefined);
  const scores = (evaluations: EvaluationFact[], indicator: (typeof indicators)[number]) => ({
    goed: evaluations.filter((e) => e.indicators[indicator] === 'goed').length,
    aandacht: evaluations.filter((e) => e.indicators[indicator] === 'aandacht').length,
    zorg: evaluations.filter((e) => e.indicators[indicator] === 'zorg').length,
  });

  const months = facts.flatMap((f) => f.waakvlamMonths).filter((m) => inPeriod(m.periodStart));
  const overBudget = months.filter((m) => m.hours > m.budgetHours).length;

  return {
    region: options.region,
    period: { label: period.label, from: period.from, until: period.until },
    cut: new Date(cut).toISOString(),
    trajects: facts.length,
    flow,
    openAtEnd,
    offerLeadTime: {
      offered: leadTimes.length,
      medianMonths: orNull(median(leadTimes)),
      p90Months: orNull(percentile(leadTimes, 90)),
      withinReminderShare: ratio(withinReminder, leadTimes.length),
      withinEscalationShare: ratio(withinEscalation, leadTimes.length),
      waiting,
      waitingPastEscalation,
    },
    meetings: {
      kennismakingsgesprek: meetingFigures('kennismakingsgesprek'),
      evaluatiegesprek: meetingFigures('evaluatiegesprek'),
    },
    escalations,
    nuisance: {
      reported: reports.length,
      answeredInTime,
      answeredInTimeShare: ratio(answeredInTime, reports.length),
      escalatedToCaseConsultation: reports.filter((r) => r.escalatedAt).length,
    },
    rentArrears: {
      signalled: signalled.length,
      resolved: arrears.filter((a) => inPeriod(a.resolvedAt)).length,
      escalated: signalled.filter((a) => a.escalatedAt).length,
      openAtEnd: arrears.filter((a) => byCut(a.signalledAt) && !byCut(a.resolvedAt) && !byCut(a.endedAt))
        .length,
    },
    relapses: {
      started: relapses.filter((r) => inPeriod(r.startedAt)).length,
      ended: relapses.filter((r) => inPeriod(r.endedAt)).length,
      timeoutDays: round(timeoutMs / DAY, 1),
    },
    conversions,
    indicators: {
      beforeConversion: beforeConversion.length,
      beforeEnding: beforeEnding.length,
      scores: Object.fromEntries(
        indicators.map((i) => [
          i,
          { beforeConversion: scores(beforeConversion, i), beforeEnding: scores(beforeEnding, i) },
        ]),
      ) as Figures['indicators']['scores'],
    },
    waakvlam: { months: months.length, overBudget, overBudgetShare: ratio(overBudget, months.length) },
  };
}
