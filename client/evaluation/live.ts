/**
 * The report of the live trajects of one region over one period, from the facts the read model keeps: the same
 * figures, formats and charts as `tidw simulate`, with `kind: live` and one scenario named `live`.
 */
import type { FactsStore } from '../../platform/read-model';
import type { TrajectFacts } from './facts';
import { PeriodSchema, type Period } from './period';
import { comparisonRows, REPORT_FORMAT, scenarioReport, type EvaluationReport } from './report';

export interface LiveReportOptions {
  region: string;
  /** A period label (`2026-H1`) or a parsed period. */
  period: string | Period;
  /**
   * The instant the facts are known up to: now, for a read model the workflows keep up to date (a traject's timers
   * fire when they fall due, so nothing that happened by now is missing from its facts).
   */
  asOf: string;
}

/** The figures of the given trajects' facts as a report. Pure. */
export function liveReport(facts: readonly TrajectFacts[], options: LiveReportOptions): EvaluationReport {
  const period = typeof options.period === 'string' ? PeriodSchema.parse(options.period) : options.period;
  const asOf = Date.parse(options.asOf);
  // A traject's facts change only when it takes an event; until then they hold as of the report's moment.
  const known = facts.map((f) => (Date.parse(f.asOf) < asOf ? { ...f, asOf: options.asOf } : f));
  const live = scenarioReport('live', null, known, options.region, period);
  const sameSpan = (p: Period) => p.from === period.from && p.until === period.until;
  const named = <T extends { period: Period }>(f: T): T =>
    sameSpan(f.period) ? { ...f, period: { ...f.period, label: period.label } } : f;
  // One half year asked for: its figures are the whole span's, shown once under the period's own label.
  const scenario = {
    ...live,
    whole: named(live.whole),
    firstYear: named(live.firstYear),
    halfYears: live.halfYears.length === 1 && sameSpan(live.halfYears[0]!.period) ? [] : live.halfYears,
  };
  return {
    format: REPORT_FORMAT,
    kind: 'live',
    region: options.region,
    from: period.from,
    until: period.until,
    scenarios: [scenario],
    comparison: comparisonRows.map((row) => ({ figure: row.figure, label: row.label, values: [row.pick(scenario)] })),
  };
}

/** The report of a region's live trajects, read from the read model. */
export function reportFromStore(store: FactsStore, options: LiveReportOptions): EvaluationReport {
  return liveReport(store.factsOf(options.region), options);
}
