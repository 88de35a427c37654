/** The report's stable shapes (JSON with a version, CSV columns), the HTML page, and `tidw simulate` itself. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CSV_COLUMNS,
  EvaluationReportSchema,
  flattenFigures,
  REPORT_FORMAT,
  reportCharts,
  reportCsv,
  reportHtml,
  simulate,
  simulationReport,
} from '../../client/evaluation';
import { tidwWith } from '../support/cli';

const tidw = tidwWith(() => Promise.reject(new Error('tidw simulate needs no server')));
const report = simulationReport([
  { name: 'base', result: simulate({ clients: 40, years: 2, offersPerMonth: 3, seed: 4 }) },
  { name: 'offers-per-month=5', result: simulate({ clients: 40, years: 2, offersPerMonth: 5, seed: 4 }) },
]);

test('JSON: a versioned shape that validates, with the whole span, the first year and each half year', () => {
  expect(report.format).toBe(REPORT_FORMAT);
  expect(REPORT_FORMAT).toBe('tidw-evaluation/1');
  const parsed = EvaluationReportSchema.parse(JSON.parse(JSON.stringify(report)));
  expect(parsed).toEqual(report);
  expect(report.scenarios.map((s) => s.name)).toEqual(['base', 'offers-per-month=5']);
  expect(report.scenarios[0]!.halfYears.map((f) => f.period.label)).toEqual([
    '2026-H1',
    '2026-H2',
    '2027-H1',
    '2027-H2',
  ]);
  expect(report.scenarios[0]!.firstYear.period.label).toBe('2026-01-01/2027-01-01');
  expect(report.comparison.map((r) => r.figure)).toEqual([
    'firstYear.flow.movedIn',
    'whole.flow.movedIn',
    'whole.offerLeadTime.medianMonths',
    'whole.offerLeadTime.p90Months',
    'whole.offerLeadTime.withinEscalationShare',
    'whole.offerLeadTime.waitingPastEscalation',
    'whole.escalations.aanbodTeLaat.opened',
    'whole.escalations.opened',
  ]);
});

test('CSV: fixed columns, one row per scenario, period and figure', () => {
  const csv = reportCsv(report);
  const [header, ...rows] = csv.trimEnd().split('\n');
  expect(header).toBe('scenario,period,figure,value');
  expect(CSV_COLUMNS).toEqual(['scenario', 'period', 'figure', 'value']);
  const figures = flattenFigures(report.scenarios[0]!.whole).map(([name]) => name);
  // 2 scenarios × (whole, first year, 4 half years) × every figure.
  expect(rows).toHaveLength(2 * 6 * figures.length);
  expect(figures).toEqual(
    expect.arrayContaining([
      'trajects',
      'flow.movedIn',
      'openAtEnd.matching',
      'offerLeadTime.medianMonths',
      'meetings.kennismakingsgesprek.inTimeShare',
      'escalations.aanbodTeLaat.openAtEnd',
      'nuisance.answeredInTimeShare',
      'rentArrears.signalled',
      'relapses.timeoutDays',
      'conversions.omklapcontract.medianMonthsFromSigning',
      'indicators.scores.huurbetaling.beforeEnding.zorg',
      'waakvlam.overBudget',
    ]),
  );
  for (const row of rows) expect(row).toMatch(/^[^,]+,[^,]+,[A-Za-z0-9.]+,(-?\d+(\.\d+)?)?$/);
  const moved = rows.find((r) => r.startsWith('base,2026-01-01/2028-01-01,flow.movedIn,'));
  expect(moved).toBe(`base,2026-01-01/2028-01-01,flow.movedIn,${report.scenarios[0]!.whole.flow.movedIn}`);
});

test('HTML: one self-contained page, each chart an SVG with title and desc and a data table beside it', () => {
  const html = reportHtml(report);
  expect(html).not.toMatch(/<script|https?:\/\/|<link/);
  const charts = reportCharts(report);
  expect(charts.length).toBeGreaterThanOrEqual(6);
  const svgs = html.match(/<svg [^>]*>/g) ?? [];
  expect(svgs).toHaveLength(charts.length);
  for (const chart of charts) {
    const section = html.slice(html.indexOf(`<section class="figure" id="${chart.id}">`));
    const own = section.slice(0, section.indexOf('</section>'));
    expect(own).toMatch(
      new RegExp(`<svg [^>]*role="img" aria-labelledby="${chart.id}-title ${chart.id}-desc"`),
    );
    expect(own).toContain(`<title id="${chart.id}-title">`);
    expect(own).toContain(`<desc id="${chart.id}-desc">`);
    expect(own).toContain('<table class="data"><caption>');
    // One table row per category, one cell per scenario.
    expect(own.match(/<tr><th scope="row">/g)).toHaveLength(chart.categories.length);
  }
  expect(html).toContain('Uitgestroomd per halfjaar');
});

test('tidw simulate: the same run twice prints the same figures; --compare adds the side-by-side table', async () => {
  const argv = ['simulate', '--clients', '30', '--years', '1', '--offers-per-month', '4', '--seed', '2'];
  const first = await tidw(...argv, '--compare', 'offers-per-month=6');
  expect(first.code).toBe(0);
  expect(first.out).toContain('uitgestroomd in het eerste jaar');
  expect(first.out).toContain('offers-per-month=6');
  expect((await tidw(...argv, '--compare', 'offers-per-month=6')).out).toBe(first.out);
  const json = await tidw(...argv, '--json');
  expect(EvaluationReportSchema.parse(JSON.parse(json.out)).scenarios[0]!.parameters).toMatchObject({
    clients: 30,
    offersPerMonth: 4,
    seed: 2,
  });
  const dir = mkdtempSync(join(tmpdir(), 'tidw-evaluation-'));
  for (const format of ['csv', 'html'] as const) {
    const out = join(dir, `report.${format}`);
    const written = await tidw(...argv, '--format', format, '--out', out);
    expect(written.code).toBe(0);
    expect(
      readFileSync(out, 'utf8').startsWith(format === 'csv' ? 'scenario,period' : '<!doctype html>'),
    ).toBe(true);
  }
});

test('tidw simulate refuses bad input with exit 2 and says what is wrong', async () => {
  const clients = await tidw('simulate', '--clients', 'veel');
  expect(clients.code).toBe(2);
  expect(clients.err).toContain('--clients');
  const compare = await tidw('simulate', '--compare', 'huizen=6');
  expect(compare.code).toBe(2);
  expect(compare.err).toContain('offers-per-month');
  expect((await tidw('simulate', '--compare', 'offers-per-month')).code).toBe(2);
  expect((await tidw('simulate', '--format', 'pdf')).code).toBe(2);
  expect((await tidw('simulate', '--covenant', 'utrecht')).code).toBe(2);
  const negative = await tidw('simulate', '--compare', 'offerRefusal=2');
  expect(negative.code).toBe(2);
  expect(negative.err).toContain('offerRefusal');
});

test('tidw simulate --scenario reads rates from a file, the options override it, and a bad file names the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidw-scenario-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify({ clients: 25, years: 1, rates: { offerRefusal: 0 } }));
  const run = await tidw('simulate', '--scenario', file, '--seed', '3', '--json');
  expect(run.code).toBe(0);
  const parsed = EvaluationReportSchema.parse(JSON.parse(run.out));
  expect(parsed.scenarios[0]!.parameters).toMatchObject({ clients: 25, seed: 3, rates: { offerRefusal: 0 } });
  expect(parsed.scenarios[0]!.whole.flow.offersRefused).toBe(0);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ rates: { relapsePerYear: -1 } }));
  const refused = await tidw('simulate', '--scenario', bad);
  expect(refused.code).toBe(2);
  expect(refused.err).toContain('scenario.rates.relapsePerYear');
});

test('tidw lists simulate beside its other commands, with its own help', async () => {
  const help = await tidw('--help');
  expect(help.code).toBe(0);
  for (const command of ['start', 'send', 'timeline', 'covenant', 'simulate'])
    expect(help.out).toContain(command);
  const simulateHelp = await tidw('simulate', '--help');
  expect(simulateHelp.code).toBe(0);
  expect(simulateHelp.out).toContain('--compare <name=value>');
  expect(simulateHelp.out).toContain('"text", "json", "csv", "html"');
});
