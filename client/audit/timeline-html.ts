/**
 * The timeline as one self-contained HTML page, for an auditor who would rather look than read: the phases drawn as a
 * swimlane (inline SVG, one lane per phase), invitations and escalations marked on it, and every step in a table.
 * Nothing is fetched: no CDN, no fonts, no scripts.
 */
import type { Phase } from '../../machines';
import type { Timeline, TimelineEntry } from './timeline';

const colours: Record<Phase, string> = {
  aanmelding: '#8c8c8c',
  urgentie: '#b07aa1',
  matching: '#ff9da7',
  contractering: '#edc948',
  tijdelijkContract: '#4e79a7',
  omklappen: '#76b7b2',
  regulierContract: '#59a14f',
  waakvlam: '#9c755f',
  timeout: '#f28e2b',
  afgesloten: '#2f7d32',
  beeindigd: '#e15759',
  ingetrokken: '#bab0ac',
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const day = (iso: string) => iso.slice(0, 10);
const moment = (iso: string) => iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');

function swimlane(timeline: Timeline): string {
  const lanes = [...new Set(timeline.phases.map((p) => p.phase))];
  const start = Date.parse(timeline.entries[0]?.at ?? new Date(0).toISOString());
  const lastAt = Date.parse(timeline.entries[timeline.entries.length - 1]?.at ?? new Date(0).toISOString());
  const end = Math.max(lastAt, start + 1);
  const left = 170;
  const width = 1000;
  const laneHeight = 26;
  const markerLane = lanes.length * laneHeight + 12;
  const height = markerLane + 56;
  const x = (iso: string) => left + ((Date.parse(iso) - start) / (end - start)) * width;

  const laneRows = lanes
    .map(
      (phase, i) =>
        `<text class="lane-label" x="${left - 8}" y="${i * laneHeight + 17}" text-anchor="end">${escapeHtml(phase)}</text>` +
        `<line class="lane" x1="${left}" x2="${left + width}" y1="${i * laneHeight + laneHeight}" y2="${i * laneHeight + laneHeight}"/>`,
    )
    .join('');
  const blocks = timeline.phases
    .map((p) => {
      const from = x(p.from);
      const until = p.until ? x(p.until) : left + width;
      const lane = lanes.indexOf(p.phase);
      const title = `${p.phase}: ${moment(p.from)} – ${p.until ? moment(p.until) : 'now'}`;
      return `<rect class="phase-block" data-phase="${escapeHtml(p.phase)}" x="${from.toFixed(1)}" y="${lane * laneHeight + 4}" width="${Math.max(3, until - from).toFixed(1)}" height="${laneHeight - 8}" rx="3" fill="${colours[p.phase]}"><title>${escapeHtml(title)}</title></rect>`;
    })
    .join('');
  const invitations = timeline.invitations
    .map(
      (i) =>
        `<circle class="marker invitation" cx="${x(i.at).toFixed(1)}" cy="${markerLane + 8}" r="5"><title>${escapeHtml(`invitation ${i.meeting} ${i.number}, ${moment(i.at)}, due ${moment(i.dueBy)} (${i.outcome})`)}</title></circle>`,
    )
    .join('');
  const escalations = timeline.escalations
    .map((e) => {
      const cx = x(e.at);
      const cy = markerLane + 26;
      return `<path class="marker escalation" d="M${(cx - 6).toFixed(1)},${cy + 5} L${cx.toFixed(1)},${cy - 6} L${(cx + 6).toFixed(1)},${cy + 5} Z"><title>${escapeHtml(`escalation ${e.kind}${e.reference ? ` ${e.reference}` : ''}, ${moment(e.at)}${e.caseConsultation ? ', case consultation' : ''}`)}</title></path>`;
    })
    .join('');
  const ticks = Array.from({ length: 6 }, (_, k) => {
    const t = new Date(start + ((end - start) * k) / 5).toISOString();
    const anchor = k === 0 ? 'start' : k === 5 ? 'end' : 'middle';
    return `<text class="tick" x="${x(t).toFixed(1)}" y="${height - 4}" text-anchor="${anchor}">${day(t)}</text>`;
  }).join('');
  return (
    `<svg class="swimlane" viewBox="0 0 ${left + width + 20} ${height}" width="${left + width + 20}" height="${height}" role="img" aria-label="phases of traject ${escapeHtml(timeline.trajectRef)}">` +
    laneRows +
    blocks +
    `<text class="lane-label" x="${left - 8}" y="${markerLane + 12}" text-anchor="end">invitations</text>${invitations}` +
    `<text class="lane-label" x="${left - 8}" y="${markerLane + 30}" text-anchor="end">escalations</text>${escalations}` +
    ticks +
    `</svg>`
  );
}

function row(e: TimelineEntry): string {
  const actor = e.actor
    ? `${e.actor.role}${e.actor.organisation ? ` (${e.actor.organisation})` : ''}`
    : e.source;
  const phase = e.phaseBefore === e.phaseAfter ? e.phaseAfter : `${e.phaseBefore ?? '–'} → ${e.phaseAfter}`;
  const timers = [
    ...e.timersStarted.map((t) => `+ ${t.event} ${moment(t.fireAt)}`),
    ...e.timersCancelled.map((id) => `− ${id}`),
  ];
  const effects = e.effects.map((f) => `${f.type}: ${f.about} — ${f.outcome}`);
  return (
    `<tr class="${e.refused ? 'refused' : e.source}"><td>${escapeHtml(moment(e.at))}</td><td>${escapeHtml(phase)}</td>` +
    `<td>${escapeHtml(e.event)}${e.refused ? `<br><small>refused: ${escapeHtml(e.refused.code)} (${escapeHtml(e.refused.rule)})</small>` : ''}</td>` +
    `<td>${escapeHtml(actor)}</td><td>${timers.map(escapeHtml).join('<br>')}</td><td>${effects.map(escapeHtml).join('<br>')}</td></tr>`
  );
}

/** The timeline as a self-contained HTML page. */
export function timelineHtml(timeline: Timeline): string {
  const verified = timeline.verified.mismatches.length
    ? `<span class="bad">does not match the recorded statuses: ${timeline.verified.mismatches.map(escapeHtml).join('; ')}</span>`
    : `<span class="good">matches all ${timeline.verified.checks} statuses the workflow recorded</span>`;
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Tijdlijn traject ${escapeHtml(timeline.trajectRef)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .facts { color: #555; margin-bottom: 16px; }
  .good { color: #2f7d32; } .bad { color: #c62828; }
  .swimlane { display: block; margin: 8px 0 24px; max-width: 100%; height: auto; }
  .swimlane .lane { stroke: #eee; } .swimlane .lane-label, .swimlane .tick { font-size: 11px; fill: #555; }
  .marker.invitation { fill: #4e79a7; } .marker.escalation { fill: #e15759; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eee; }
  th { background: #f6f6f6; } tr.timer td { color: #555; } tr.refused td { background: #fff3f3; }
  small { color: #c62828; }
</style>
</head>
<body>
<h1>Traject ${escapeHtml(timeline.trajectRef)}</h1>
<div class="facts">${escapeHtml(timeline.region)} · ${timeline.runs} run(s) · phase now <b>${escapeHtml(timeline.status.phase)}</b> ·
${timeline.invitations.length} invitation(s) · ${timeline.escalations.length} escalation(s) · ${timeline.refusedSignals} refused signal(s) · reconstruction ${verified}</div>
${swimlane(timeline)}
<table>
<thead><tr><th>when</th><th>phase</th><th>event</th><th>who</th><th>timers</th><th>effects</th></tr></thead>
<tbody>
${timeline.entries.map(row).join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
