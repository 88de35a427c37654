/** The evaluation report as text for a terminal: the comparison side by side, then each scenario's figures. */
import type { Figures } from './figures';
import { offerPromise, type EvaluationReport, type ScenarioReport } from './report';

const show = (value: number | null, digits = 1) =>
  value === null ? '-' : Number.isInteger(value) ? String(value) : value.toFixed(digits);
const percent = (value: number | null) => (value === null ? '-' : `${Math.round(value * 100)}%`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** One period's figures, section by section. */
export function formatFigures(f: Figures): string {
  const esc = Object.entries(f.escalations)
    .filter(([, e]) => e.opened > 0 || e.openAtEnd > 0)
    .map(
      ([kind, e]) =>
        `  ${kind}: ${e.opened} opened, ${e.resolved} resolved (median ${show(e.medianDaysToResolve)} days), ${e.openAtEnd} open at end`,
    );
  const conv = Object.entries(f.conversions)
    .filter(([, c]) => c.converted > 0)
    .map(
      ([form, c]) =>
        `  ${form}: ${c.converted}, median ${show(c.medianMonthsFromSigning)} months after signing`,
    );
  const zorg = Object.entries(f.indicators.scores).map(
    ([indicator, s]) => `${indicator} ${s.beforeConversion.zorg}/${s.beforeEnding.zorg}`,
  );
  const m = f.meetings;
  const promise = offerPromise(f.region);
  return [
    `${f.region}, ${f.period.label} (counted up to ${f.cut.slice(0, 10)}), ${f.trajects} trajects`,
    `flow: ${f.flow.registered} registered, ${f.flow.urgencyGranted} urgency granted, ${f.flow.urgencyRefused} refused, ${f.flow.offers} offers (${f.flow.offersRefused} refused), ${f.flow.movedIn} moved in, ${f.flow.converted} converted, ${f.flow.closed} closed, ${f.flow.ended} ended, ${f.flow.withdrawn} withdrawn`,
    `open at end: ${
      Object.entries(f.openAtEnd)
        .filter(([, n]) => n > 0)
        .map(([phase, n]) => `${phase} ${n}`)
        .join(', ') || 'none'
    }`,
    `offer after urgency request: ${f.offerLeadTime.offered} first offers, median ${show(f.offerLeadTime.medianMonths)} months, p90 ${show(f.offerLeadTime.p90Months)}; by the reminder${promise ? ` (${promise.reminder})` : ''} ${percent(f.offerLeadTime.withinReminderShare)}, by the escalation${promise ? ` (${promise.escalation})` : ''} ${percent(f.offerLeadTime.withinEscalationShare)}; ${f.offerLeadTime.waiting} waiting at end, ${f.offerLeadTime.waitingPastEscalation} past the escalation`,
    `meetings in time: kennismakingsgesprek ${m.kennismakingsgesprek.heldInTime}/${m.kennismakingsgesprek.due} (${percent(m.kennismakingsgesprek.inTimeShare)}), evaluatiegesprek ${m.evaluatiegesprek.heldInTime}/${m.evaluatiegesprek.due} (${percent(m.evaluatiegesprek.inTimeShare)}); not in time ${m.kennismakingsgesprek.due - m.kennismakingsgesprek.heldInTime + m.evaluatiegesprek.due - m.evaluatiegesprek.heldInTime}`,
    `escalations:${esc.length ? `\n${esc.join('\n')}` : ' none'}`,
    `nuisance: ${f.nuisance.reported} reported, ${percent(f.nuisance.answeredInTimeShare)} answered in time, ${f.nuisance.escalatedToCaseConsultation} to case consultation`,
    `rent arrears: ${f.rentArrears.signalled} signalled, ${f.rentArrears.resolved} resolved, ${f.rentArrears.escalated} escalated, ${f.rentArrears.openAtEnd} open at end`,
    `relapses: ${f.relapses.started} time-outs started, ${show(f.relapses.timeoutDays)} days in time-out`,
    `conversions:${conv.length ? `\n${conv.join('\n')}` : ' none'}`,
    `indicators scored zorg before conversion/ending (${f.indicators.beforeConversion}/${f.indicators.beforeEnding} trajects): ${zorg.join(', ')}`,
    `waakvlam: ${f.waakvlam.months} months, ${f.waakvlam.overBudget} over the contact budget`,
  ].join('\n');
}

function halfYearTable(s: ScenarioReport): string {
  return table(
    [
      'half year',
      'registered',
      'moved in',
      'offers',
      'wait median',
      'wait p90',
      'past escalation',
      'escalations',
    ],
    s.halfYears.map((f) => [
      f.period.label,
      show(f.flow.registered),
      show(f.flow.movedIn),
      show(f.flow.offers),
      show(f.offerLeadTime.medianMonths),
      show(f.offerLeadTime.p90Months),
      show(f.offerLeadTime.waitingPastEscalation),
      show(Object.values(f.escalations).reduce((n, e) => n + e.opened, 0)),
    ]),
  );
}

/** The whole report as text. */
export function formatReport(report: EvaluationReport): string {
  const parts: string[] = [];
  if (report.scenarios.length > 1) {
    parts.push(
      table(
        ['', ...report.scenarios.map((s) => s.name)],
        report.comparison.map((row) => [
          row.label,
          ...row.values.map((v) => (row.figure.endsWith('Share') ? percent(v) : show(v))),
        ]),
      ),
      '',
    );
  }
  for (const s of report.scenarios) {
    const p = s.parameters;
    parts.push(
      `== ${s.name}${p ? `: ${p.covenant}, ${p.clients} clients over ${p.years} year(s) from ${p.start}, ${p.offersPerMonth} offers a month, seed ${p.seed}` : ''}`,
      formatFigures(s.whole),
      '',
      halfYearTable(s),
      '',
    );
  }
  return parts.join('\n').trimEnd();
}
