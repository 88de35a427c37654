/**
 * An evaluation report: the figures of one or more scenarios (a simulation, and later the live trajects of a
 * region) over the whole span, its first year and each half year, with the side-by-side rows a comparison shows.
 * Its JSON shape (`format: tidw-evaluation/1`) and its CSV columns are stable: a change to either is a new version.
 */
import { z } from 'zod';
import { presetCovenants } from '../../machines';
import { evaluationFigures, FiguresSchema, type Figures } from './figures';
import type { TrajectFacts } from './facts';
import { halfYearsBetween, type Period } from './period';
import { ScenarioSchema } from './scenario';
import type { SimulationResult } from './simulate';

export const REPORT_FORMAT = 'tidw-evaluation/1';

export const ScenarioReportSchema = z
  .object({
    /** `base`, or the changed parameter (`offers-per-month=6`); `live` for the trajects themselves. */
    name: z.string(),
    /** The scenario as validated; null for live trajects. */
    parameters: ScenarioSchema.nullable(),
    whole: FiguresSchema,
    firstYear: FiguresSchema,
    halfYears: z.array(FiguresSchema),
  })
  .strict();
export type ScenarioReport = z.infer<typeof ScenarioReportSchema>;

export const ComparisonRowSchema = z
  .object({ figure: z.string(), label: z.string(), values: z.array(z.number().nullable()) })
  .strict();

export const EvaluationReportSchema = z
  .object({
    format: z.literal(REPORT_FORMAT),
    kind: z.enum(['simulation', 'live']),
    region: z.string(),
    from: z.string(),
    until: z.string(),
    scenarios: z.array(ScenarioReportSchema).min(1),
    /** The rows a side-by-side comparison shows, one value per scenario in order. */
    comparison: z.array(ComparisonRowSchema),
  })
  .strict();
export type EvaluationReport = z.infer<typeof EvaluationReportSchema>;

/**
 * The covenant's offer promise as its terms say it (Almere: reminder P3M, escalation P6M), with whole months where
 * the term is one, for labels and chart lines; unknown for a covenant that is not a preset.
 */
export function offerPromise(
  region: string,
): { reminder: string; escalation: string; months: number[] } | null {
  const terms = presetCovenants[region]?.terms;
  if (!terms) return null;
  const months = [terms.offerReminder, terms.offerEscalation]
    .map((d) => /^P(\d+)M$/.exec(d)?.[1])
    .filter((m): m is string => m !== undefined)
    .map(Number);
  return { reminder: terms.offerReminder, escalation: terms.offerEscalation, months };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The rows of the side-by-side comparison: moved out in the first year, waiting times, escalations. */
export const comparisonRows: ReadonlyArray<{
  figure: string;
  label: string;
  pick: (s: ScenarioReport) => number | null;
}> = [
  {
    figure: 'firstYear.flow.movedIn',
    label: 'uitgestroomd in het eerste jaar (moved in, first year)',
    pick: (s) => s.firstYear.flow.movedIn,
  },
  {
    figure: 'whole.flow.movedIn',
    label: 'uitgestroomd in totaal (moved in)',
    pick: (s) => s.whole.flow.movedIn,
  },
  {
    figure: 'whole.offerLeadTime.medianMonths',
    label: 'wachttijd tot aanbod, mediaan (months)',
    pick: (s) => s.whole.offerLeadTime.medianMonths,
  },
  {
    figure: 'whole.offerLeadTime.p90Months',
    label: 'wachttijd tot aanbod, p90 (months)',
    pick: (s) => s.whole.offerLeadTime.p90Months,
  },
  {
    figure: 'whole.offerLeadTime.withinEscalationShare',
    label: 'aanbod binnen de escalatietermijn (share)',
    pick: (s) => s.whole.offerLeadTime.withinEscalationShare,
  },
  {
    figure: 'whole.offerLeadTime.waitingPastEscalation',
    label: 'aan het eind wachtend voorbij de escalatietermijn',
    pick: (s) => s.whole.offerLeadTime.waitingPastEscalation,
  },
  {
    figure: 'whole.escalations.aanbodTeLaat.opened',
    label: 'escalaties aanbod te laat',
    pick: (s) => s.whole.escalations.aanbodTeLaat.opened,
  },
  {
    figure: 'whole.escalations.opened',
    label: 'escalaties in totaal',
    pick: (s) => sum(Object.values(s.whole.escalations).map((e) => e.opened)),
  },
];

/** One scenario's figures from its trajects' facts: the whole span, its first year, each half year. */
export function scenarioReport(
  name: string,
  parameters: ScenarioReport['parameters'],
  facts: readonly TrajectFacts[],
  region: string,
  span: Pick<Period, 'from' | 'until'>,
): ScenarioReport {
  const day = (iso: string) => iso.slice(0, 10);
  const whole: Period = { label: `${day(span.from)}/${day(span.until)}`, ...span };
  const yearEnd = new Date(span.from);
  yearEnd.setUTCFullYear(yearEnd.getUTCFullYear() + 1);
  const firstYearUntil = new Date(Math.min(yearEnd.getTime(), Date.parse(span.until))).toISOString();
  const firstYear: Period = {
    label: `${day(span.from)}/${day(firstYearUntil)}`,
    from: span.from,
    until: firstYearUntil,
  };
  return {
    name,
    parameters,
    whole: evaluationFigures(facts, { region, period: whole }),
    firstYear: evaluationFigures(facts, { region, period: firstYear }),
    halfYears: halfYearsBetween(span.from, span.until).map((period) =>
      evaluationFigures(facts, { region, period }),
    ),
  };
}

/** The report of one or more simulation runs (the first is the base, the others its variants). */
export function simulationReport(
  runs: ReadonlyArray<{ name: string; result: SimulationResult }>,
): EvaluationReport {
  const [base] = runs;
  if (!base) throw new RangeError('a simulation report needs at least one run');
  const scenarios = runs.map(({ name, result }) =>
    scenarioReport(name, result.scenario, result.facts, result.scenario.covenant, result),
  );
  return {
    format: REPORT_FORMAT,
    kind: 'simulation',
    region: base.result.scenario.covenant,
    from: base.result.from,
    until: base.result.until,
    scenarios,
    comparison: comparisonRows.map((row) => ({
      figure: row.figure,
      label: row.label,
      values: scenarios.map(row.pick),
    })),
  };
}

/** The CSV columns, in order: one row per scenario, period and figure (long format, so new rows never move columns). */
export const CSV_COLUMNS = ['scenario', 'period', 'figure', 'value'] as const;

/** Every figure as a dotted name and its value (`flow.movedIn`, `escalations.aanbodTeLaat.opened`). */
export function flattenFigures(figures: Figures): Array<[string, number | null]> {
  const rows: Array<[string, number | null]> = [['trajects', figures.trajects]];
  const walk = (prefix: string, value: unknown) => {
    if (value === null || typeof value === 'number') rows.push([prefix, value]);
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${prefix}.${k}`, v);
  };
  const { region: _r, period: _p, cut: _c, trajects: _t, ...sections } = figures;
  for (const [k, v] of Object.entries(sections)) walk(k, v);
  return rows;
}

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The report as CSV (RFC 4180, header first, empty for a figure without a value). */
export function reportCsv(report: EvaluationReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const scenario of report.scenarios) {
    // A one-year run's first year is the whole run: its rows would repeat under the same period label.
    const firstYear =
      scenario.firstYear.period.label === scenario.whole.period.label ? [] : [scenario.firstYear];
    for (const figures of [scenario.whole, ...firstYear, ...scenario.halfYears]) {
      for (const [figure, value] of flattenFigures(figures)) {
        lines.push(
          [scenario.name, figures.period.label, figure, value === null ? '' : String(value)]
            .map(csvField)
            .join(','),
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
