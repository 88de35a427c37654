/**
 * The evaluation report as one self-contained, printable HTML page for the partners' half-yearly meeting: each chart
 * an inline SVG bar chart with `role="img"`, a `<title>` and a `<desc>`, and the same numbers in a table beside it,
 * so a screen reader, a printer and a spreadsheet all get them. No chart library: the page must open offline and be
 * printed as is (no scripts, no CDN), the project takes no new dependencies, and bar charts are a few dozen lines.
 * Labels are Dutch, for the partners; the style follows the timeline page (client/audit/timeline-html.ts).
 */
import { escalationKinds, indicators } from '../../machines';
import type { Figures } from './figures';
import { escapeHtml } from '../audit/timeline-html';
import { offerPromise, type EvaluationReport } from './report';

const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948'];
/**
 * The charts style themselves with SVG attributes, not classes: so they look the same in this page and wherever
 * they are embedded (the web app's Rapportage page), without a second copy of their stylesheet.
 */
const tick = 'font-size="11" fill="#555"';

export interface BarChart {
  id: string;
  title: string;
  desc: string;
  /** The bars' groups along the x axis. */
  categories: string[];
  /** One bar per series in each group; null where there is no value. */
  series: Array<{ name: string; values: Array<number | null> }>;
  unit: string;
  /** Horizontal lines such as the 3- and 6-month promise. */
  references?: Array<{ value: number; label: string }>;
}

const format = (v: number | null, unit: string) =>
  v === null
    ? '–'
    : unit === '%'
      ? `${Math.round(v * 100)}%`
      : Number.isInteger(v)
        ? String(v)
        : v.toFixed(1);

/** A grouped bar chart as SVG, with its data table. */
export function barChart(chart: BarChart): string {
  const left = 48;
  const top = 16;
  const plotHeight = 200;
  const group = Math.max(48, chart.series.length * 18 + 16);
  // Category labels are turned 30 degrees: room below and to the right for the longest (about 6 px a character).
  const label = 6 * Math.max(0, ...chart.categories.map((c) => c.length));
  const plotRight = left + chart.categories.length * group + 8;
  const width = plotRight + 8 + Math.round(label * 0.87);
  const height = top + plotHeight + 24 + Math.round(label * 0.5);
  const values = chart.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = Math.max(1e-9, ...values, ...(chart.references ?? []).map((r) => r.value)) * 1.1;
  const y = (v: number) => top + plotHeight - (v / max) * plotHeight;
  const bar = (chart.series.length ? (group - 16) / chart.series.length : 0) - 2;
  const titleId = `${chart.id}-title`;
  const descId = `${chart.id}-desc`;

  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((k) => {
      const v = (max / 1.1) * k;
      return `<line stroke="#eee" x1="${left}" x2="${plotRight}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text ${tick} x="${left - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(format(chart.unit === '%' ? v : Math.round(v * 10) / 10, chart.unit))}</text>`;
    })
    .join('');
  const bars = chart.categories
    .map((category, c) => {
      const x0 = left + c * group + 8;
      const rects = chart.series
        .map((s, i) => {
          const v = s.values[c];
          if (v === null || v === undefined) return '';
          return `<rect x="${(x0 + i * (bar + 2)).toFixed(1)}" y="${y(v).toFixed(1)}" width="${bar.toFixed(1)}" height="${(top + plotHeight - y(v)).toFixed(1)}" fill="${palette[i % palette.length]}"><title>${escapeHtml(`${category}, ${s.name}: ${format(v, chart.unit)}`)}</title></rect>`;
        })
        .join('');
      const text = `<text ${tick} transform="translate(${(x0 + (group - 16) / 2).toFixed(1)},${top + plotHeight + 12}) rotate(30)">${escapeHtml(category)}</text>`;
      return rects + text;
    })
    .join('');
  const references = (chart.references ?? [])
    .map(
      (r) =>
        `<line stroke="#c62828" stroke-dasharray="4 3" x1="${left}" x2="${plotRight}" y1="${y(r.value).toFixed(1)}" y2="${y(r.value).toFixed(1)}"/><text ${tick} x="${plotRight - 2}" y="${(y(r.value) - 3).toFixed(1)}" text-anchor="end">${escapeHtml(r.label)}</text>`,
    )
    .join('');
  const legend = chart.series
    .map(
      (s, i) =>
        `<span class="key"><span class="swatch" style="background:${palette[i % palette.length]}"></span>${escapeHtml(s.name)}</span>`,
    )
    .join(' ');
  const svg =
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${titleId} ${descId}">` +
    `<title id="${titleId}">${escapeHtml(chart.title)}</title><desc id="${descId}">${escapeHtml(chart.desc)}</desc>` +
    axis +
    bars +
    references +
    `</svg>`;
  const tableRows = chart.categories
    .map(
      (category, c) =>
        `<tr><th scope="row">${escapeHtml(category)}</th>${chart.series.map((s) => `<td>${escapeHtml(format(s.values[c] ?? null, chart.unit))}</td>`).join('')}</tr>`,
    )
    .join('');
  const table =
    `<table class="data"><caption>${escapeHtml(chart.title)} (${escapeHtml(chart.unit)})</caption>` +
    `<thead><tr><th scope="col"></th>${chart.series.map((s) => `<th scope="col">${escapeHtml(s.name)}</th>`).join('')}</tr></thead>` +
    `<tbody>${tableRows}</tbody></table>`;
  return `<section class="figure" id="${escapeHtml(chart.id)}"><h2>${escapeHtml(chart.title)}</h2><p class="legend">${legend}</p><div class="pair">${svg}${table}</div></section>`;
}

/** The charts of a report, in the order the partners' questions come (seed 000, 003). */
export function reportCharts(report: EvaluationReport): BarChart[] {
  const scenarios = report.scenarios;
  // A report over one half year has no half years of its own: its per-half-year charts show that half year.
  const spans = (s: (typeof scenarios)[number]) => (s.halfYears.length ? s.halfYears : [s.whole]);
  const halfYears = scenarios[0] ? spans(scenarios[0]).map((f) => f.period.label) : [];
  const perHalfYear = (pick: (f: Figures) => number | null) =>
    scenarios.map((s) => ({ name: s.name, values: spans(s).map(pick) }));
  const whole = (pick: (f: Figures) => number | null) => (s: (typeof scenarios)[number]) => pick(s.whole);
  const first = scenarios[0];
  const promise = offerPromise(report.region);
  return [
    {
      id: 'uitstroom',
      title: 'Uitgestroomd per halfjaar',
      desc: 'Clients who signed a contract and moved into a home, per half year and scenario.',
      categories: halfYears,
      series: perHalfYear((f) => f.flow.movedIn),
      unit: 'aantal',
    },
    {
      id: 'wachttijd',
      title: 'Wachttijd van urgentieaanvraag tot eerste aanbod (mediaan)',
      desc: `Median months from the urgency request to the first offer, for first offers made in each half year${promise ? `; the lines mark the covenant's promise (${promise.reminder} reminder, ${promise.escalation} escalation)` : ''}.`,
      categories: halfYears,
      series: perHalfYear((f) => f.offerLeadTime.medianMonths),
      unit: 'maanden',
      references: (promise?.months ?? []).map((n) => ({ value: n, label: `${n} maanden` })),
    },
    {
      id: 'wachtend',
      title: 'Aan het eind van het halfjaar wachtend voorbij de escalatietermijn',
      desc: `Clients with urgency requested and no offer yet, past the covenant's escalation term${promise ? ` (${promise.escalation})` : ''} at the end of each half year.`,
      categories: halfYears,
      series: perHalfYear((f) => f.offerLeadTime.waitingPastEscalation),
      unit: 'aantal',
    },
    {
      id: 'gesprekken',
      title: 'Gesprekken op tijd gevoerd',
      desc: 'Share of kennismakingsgesprekken and evaluatiegesprekken held by their due date, over the whole span.',
      categories: ['kennismakingsgesprek', 'evaluatiegesprek'],
      series: scenarios.map((s) => ({
        name: s.name,
        values: [
          s.whole.meetings.kennismakingsgesprek.inTimeShare,
          s.whole.meetings.evaluatiegesprek.inTimeShare,
        ],
      })),
      unit: '%',
    },
    {
      id: 'escalaties',
      title: 'Escalaties per soort',
      desc: 'Escalations opened over the whole span, by kind and scenario.',
      categories: [...escalationKinds],
      series: scenarios.map((s) => ({
        name: s.name,
        values: escalationKinds.map((k) => whole((f) => f.escalations[k].opened)(s)),
      })),
      unit: 'aantal',
    },
    {
      id: 'huurachterstand',
      title: 'Huurachterstand, overlast en terugval',
      desc: 'Rent arrears signalled and escalated, nuisance reports and those sent to case consultation, time-outs started, over the whole span.',
      categories: [
        'achterstand gesignaleerd',
        'achterstand geëscaleerd',
        'overlast gemeld',
        'overlast naar casuïstiekoverleg',
        'time-outs',
      ],
      series: scenarios.map((s) => ({
        name: s.name,
        values: [
          s.whole.rentArrears.signalled,
          s.whole.rentArrears.escalated,
          s.whole.nuisance.reported,
          s.whole.nuisance.escalatedToCaseConsultation,
          s.whole.relapses.started,
        ],
      })),
      unit: 'aantal',
    },
    {
      id: 'indicatoren',
      title: `Indicator op 'zorg' bij de laatste evaluatie (${first?.name ?? ''})`,
      desc: 'Share of trajects whose last evaluation scored each indicator zorg, before a conversion and before an ending, over the whole span of the first scenario.',
      categories: [...indicators],
      series: first
        ? [
            {
              name: 'voor omklappen',
              values: indicators.map((i) =>
                first.whole.indicators.beforeConversion
                  ? first.whole.indicators.scores[i].beforeConversion.zorg /
                    first.whole.indicators.beforeConversion
                  : null,
              ),
            },
            {
              name: 'voor beëindiging',
              values: indicators.map((i) =>
                first.whole.indicators.beforeEnding
                  ? first.whole.indicators.scores[i].beforeEnding.zorg / first.whole.indicators.beforeEnding
                  : null,
              ),
            },
          ]
        : [],
      unit: '%',
    },
  ];
}

/**
 * The report's figures as HTML: the scenarios side by side (when there are several) and every chart with its table,
 * each under an `<h2>`. The body of the HTML report, and what the web app's Rapportage page embeds.
 */
export function reportFigures(report: EvaluationReport): string {
  const comparison =
    report.scenarios.length > 1
      ? `<table class="data"><caption>Scenario's naast elkaar</caption><thead><tr><th scope="col"></th>${report.scenarios.map((s) => `<th scope="col">${escapeHtml(s.name)}</th>`).join('')}</tr></thead><tbody>${report.comparison
          .map(
            (row) =>
              `<tr><th scope="row">${escapeHtml(row.label)}</th>${row.values.map((v) => `<td>${escapeHtml(format(v, row.figure.endsWith('Share') ? '%' : ''))}</td>`).join('')}</tr>`,
          )
          .join('')}</tbody></table>`
      : '';
  return `${comparison}\n${reportCharts(report).map(barChart).join('\n')}`;
}

/** The report as a self-contained HTML page. */
export function reportHtml(report: EvaluationReport): string {
  const parameters = report.scenarios
    .map((s) => {
      const p = s.parameters;
      return p
        ? `<li><b>${escapeHtml(s.name)}</b>: ${escapeHtml(`${p.clients} cliënten in ${p.years} jaar vanaf ${p.start}, ${p.offersPerMonth} aanbiedingen per maand, seed ${p.seed}`)}</li>`
        : `<li><b>${escapeHtml(s.name)}</b></li>`;
    })
    .join('');
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Evaluatie convenant ${escapeHtml(report.region)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 4px; }
  .facts { color: #555; margin-bottom: 16px; }
  .pair { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
  .chart { max-width: 100%; height: auto; }
  .legend .key { margin-right: 12px; } .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
  table { border-collapse: collapse; } th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eee; }
  td { text-align: right; } caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
  thead th { background: #f6f6f6; }
  .figure { break-inside: avoid; }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Halfjaarlijkse evaluatie convenant ${escapeHtml(report.region)}${report.kind === 'simulation' ? ' — simulatie' : ''}</h1>
<div class="facts">${escapeHtml(report.from.slice(0, 10))} tot ${escapeHtml(report.until.slice(0, 10))} · ${escapeHtml(report.format)}</div>
<ul>${parameters}</ul>
${reportFigures(report)}
</body>
</html>
`;
}
