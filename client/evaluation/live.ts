/**
 * The report of the live trajects of one region over one period, from the facts the read model keeps: the same
 * figures, formats and charts as `tidw simulate`, with `kind: live` and one scenario named `live`.
 */
import type { FactsStore } from '../../platform/read-model';
import type { TrajectFacts } from './facts';
import { evaluationFigures } from './figures';
import { halfYearsBetween, PeriodSchema, type Period } from './period';
import { comparisonRows, REPORT_FORMAT, type EvaluationReport, type ScenarioReport } from './report';

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
  // One pass per span: the whole period, its first year when that is shorter, its half years when it has several.
  const whole = { ...evaluationFigures(known, { region: options.region, period }), period };
  const yearEnd = new Date(period.from);
  yearEnd.setUTCFullYear(yearEnd.getUTCFullYear() + 1);
  const firstYear =
    yearEnd.getTime() >= Date.parse(period.until)
      ? whole
      : evaluationFigures(known, {
          region: options.region,
          period: {
            label: `${period.from.slice(0, 10)}/${yearEnd.toISOString().slice(0, 10)}`,
            from: period.from,
            until: yearEnd.toISOString(),
          },
        });
  const halves = halfYearsBetween(period.from, period.until);
  const single = halves.length === 1 && halves[0]!.from === period.from && halves[0]!.until === period.until;
  const scenario: ScenarioReport = {
    name: 'live',
    parameters: null,
    whole,
    firstYear,
    halfYears: single
      ? []
      : halves.map((p) => evaluationFigures(known, { region: options.region, period: p })),
  };
  return {
    format: REPORT_FORMAT,
    kind: 'live',
    region: options.region,
    from: period.from,
    until: period.until,
    scenarios: [scenario],
    comparison: comparisonRows.map((row) => ({
      figure: row.figure,
      label: row.label,
      values: [row.pick(scenario)],
    })),
  };
}

/**
 * The report of a region's live trajects, read from the read model. Only trajects registered before the report's last
 * span ends are read (the period, or its last half year when that ends later, as a quarter's does): no figure of the
 * report counts a later one, and `evaluationFigures` filters the same way.
 */
export function reportFromStore(store: FactsStore, options: LiveReportOptions): EvaluationReport {
  const period = typeof options.period === 'string' ? PeriodSchema.parse(options.period) : options.period;
  const ends = [period.until, ...halfYearsBetween(period.from, period.until).map((p) => p.until)];
  const registeredBefore = ends.reduce((last, end) => (Date.parse(end) > Date.parse(last) ? end : last));
  return liveReport(store.factsOf(options.region, { registeredBefore }), { ...options, period });
}
