/** How the command line shows statuses, event logs and lists to a person (`--json` shows the data itself). */
import type { Timeline } from '../audit/timeline';
import type { EventLogEntry, TrajectStatus, TrajectSummary } from '../tenancy-client';

const when = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, 'Z') : '-';
const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '-');

function rows(pairs: Array<[string, string | string[]]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs
    .flatMap(([key, value]) => {
      const lines = Array.isArray(value) ? (value.length ? value : ['none']) : [value];
      return lines.map((line, i) => `${(i === 0 ? key : '').padEnd(width)}  ${line}`);
    })
    .join('\n');
}

export function formatStatus(s: TrajectStatus): string {
  const contract = s.contract.form
    ? `${s.contract.form} since ${day(s.contract.startedAt)}; omklappen from ${day(s.contract.earliestConversion)}` +
      (s.contract.agreements.length ? `; agreed: ${s.contract.agreements.join(', ')}` : '') +
      (s.contract.convertedAt ? `; converted ${day(s.contract.convertedAt)}` : '')
    : s.contract.advisedForm
      ? `advised: ${s.contract.advisedForm}`
      : '-';
  return rows([
    ['traject', `${s.trajectRef} (${s.region}, ${s.origin})`],
    ['phase', s.ended ? `${s.phase} (${s.ended.reason}, ${when(s.ended.at)})` : s.phase],
    ['updated', when(s.updatedAt)],
    ['contract', contract],
    ['support', s.support ?? '-'],
    [
      'deadlines',
      s.deadlines.map(
        (d) => `${when(d.dueAt)}  ${d.kind}${d.reference ? ` ${d.reference}` : ''}  (${d.roles.join(', ')})`,
      ),
    ],
    [
      'meetings',
      s.meetings.map(
        (m) =>
          `${when(m.dueBy)}  ${m.meeting}${m.number ? ` ${m.number}` : ''}` +
          (m.plannedAt
            ? `, planned ${when(m.plannedAt)}`
            : m.invitedAt
              ? `, invited ${when(m.invitedAt)}`
              : `, invitation ${when(m.opensAt)}`),
      ),
    ],
    [
      'escalations',
      s.escalations.map(
        (e) =>
          `${e.kind}${e.reference ? ` ${e.reference}` : ''} since ${when(e.since)} (${e.roles.join(', ')})`,
      ),
    ],
    [
      'evaluations',
      `${s.evaluations.recorded} recorded, ${s.evaluations.required} needed${s.evaluations.lastAdvice ? `, last advice ${s.evaluations.lastAdvice}` : ''}`,
    ],
    ['possible now', s.allowedEvents.join(', ') || '-'],
  ]);
}

export function formatEvents(log: EventLogEntry[]): string {
  return log
    .map((e) => {
      const actor = e.actor
        ? `${e.actor.role}${e.actor.organisation ? ` (${e.actor.organisation})` : ''}`
        : e.source;
      return `${String(e.seq).padStart(3)}  ${when(e.at)}  ${e.type.padEnd(28)} ${actor.padEnd(30)} ${e.phaseBefore ?? '-'} -> ${e.phaseAfter}`;
    })
    .join('\n');
}

export function formatList(items: TrajectSummary[]): string {
  if (items.length === 0) return 'no trajecten match';
  return items
    .map(
      (t) =>
        `${t.clientRef.padEnd(20)} ${String(t.phase).padEnd(18)} ${String(t.region).padEnd(16)} ${t.escalated ? 'escalated' : '         '}  next meeting ${day(t.nextMeetingDue)}`,
    )
    .join('\n');
}

export function formatTimeline(t: Timeline): string {
  const header = [
    `traject ${t.trajectRef} (${t.region}), ${t.runs} run(s), now ${t.status.phase}`,
    `phases: ${t.phases.map((p) => `${p.phase} ${day(p.from)}`).join(' → ')}`,
    `invitations: ${t.invitations.map((i) => `${i.meeting} ${i.number} ${day(i.at)} (due ${day(i.dueBy)}, ${i.outcome})`).join('; ') || 'none'}`,
    `escalations: ${t.escalations.map((e) => `${e.kind}${e.reference ? ` ${e.reference}` : ''} ${day(e.at)}`).join('; ') || 'none'}`,
    `refused signals: ${t.refusedSignals}`,
    t.verified.mismatches.length
      ? `reconstruction DIFFERS from the recorded statuses: ${t.verified.mismatches.join('; ')}`
      : `reconstruction matches all ${t.verified.checks} recorded statuses`,
    '',
  ];
  const lines = t.entries.map((e) => {
    const actor = e.actor
      ? `${e.actor.role}${e.actor.organisation ? ` (${e.actor.organisation})` : ''}`
      : e.source;
    const phase =
      e.phaseBefore === e.phaseAfter ? e.phaseAfter : `${e.phaseBefore ?? '-'} -> ${e.phaseAfter}`;
    const details = [
      ...e.timersStarted.map((x) => `+timer ${x.event} ${when(x.fireAt)}`),
      ...e.timersCancelled.map((x) => `-timer ${x}`),
      ...e.effects.map((f) => `${f.type} ${f.about} [${f.outcome}]`),
      ...(e.refused ? [`REFUSED ${e.refused.code} (${e.refused.rule})`] : []),
    ];
    return `${when(e.at)}  ${e.event.padEnd(28)} ${actor.padEnd(28)} ${phase}${details.length ? `\n${details.map((d) => `${' '.repeat(20)}${d}`).join('\n')}` : ''}`;
  });
  return [...header, ...lines].join('\n');
}
