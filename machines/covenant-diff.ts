/**
 * What changed between two versions of a covenant, in plain words: the basis of `tidw covenant diff` and of the
 * question a partner asks before moving running trajecten (DOMAIN.md, "Evaluating and changing a covenant").
 */
import type { Covenant } from './covenant';
import { isoDuration } from './duration';

/** One value that differs between two covenant versions. */
export interface CovenantDifference {
  /** The value's path, such as `terms.kennismakingsgesprekWithin`. */
  field: string;
  from: unknown;
  to: unknown;
  /** The change in plain words. */
  text: string;
  /** Where the new value comes from, as the newer version says. */
  source?: string;
  assumption?: boolean;
}

/** Fields that describe a version rather than the rules it sets. */
const aboutTheVersion = new Set(['version', 'effectiveFrom', 'changes', 'name', 'sources']);

/** What each term means, for the plain-words line. */
const termWords: Readonly<Record<string, string>> = {
  'terms.urgencyDecision': 'the urgency decision is due',
  'terms.offerReminder': 'the corporations are reminded of the offer',
  'terms.offerEscalation': 'a missing offer escalates',
  'terms.minimumTerm.omklapcontract': 'an omklapcontract converts at the earliest',
  'terms.minimumTerm.driepartijenovereenkomst': 'a driepartijenovereenkomst converts at the earliest',
  'terms.minimumEvaluations.omklapcontract': 'evaluations needed before an omklapcontract converts',
  'terms.minimumEvaluations.driepartijenovereenkomst':
    'evaluations needed before a driepartijenovereenkomst converts',
  'terms.extension': 'an extended contract converts at the earliest',
  'terms.kennismakingsgesprekWithin': 'the kennismakingsgesprek is due',
  'terms.evaluatiegesprekInterval': 'an evaluatiegesprek comes',
  'terms.evaluatiegesprekWithin': 'an evaluatiegesprek is due',
  'terms.nuisanceFirstResponseWorkingDays': 'nuisance gets a first response within',
  'terms.nuisanceEscalationWorkingDays': 'unresolved nuisance escalates after',
  'terms.rentArrearsFollowUp': 'rent arrears are followed up',
  'terms.waakvlamCheckIn': 'the waakvlam check-in comes',
  'terms.waakvlamContactBudgetHours': 'waakvlam contact per month, at most',
};

/** When each duration term counts from, said after the duration. */
const countedFrom: Readonly<Record<string, string>> = {
  'terms.urgencyDecision': 'after the urgency request',
  'terms.offerReminder': 'after the urgency request',
  'terms.offerEscalation': 'after the urgency request',
  'terms.minimumTerm.omklapcontract': 'after signing',
  'terms.minimumTerm.driepartijenovereenkomst': 'after signing',
  'terms.extension': 'after the extension',
  'terms.kennismakingsgesprekWithin': 'after signing',
  'terms.evaluatiegesprekInterval': 'every',
  'terms.evaluatiegesprekWithin': 'after its invitation',
  'terms.rentArrearsFollowUp': 'after the arrears are signalled',
  'terms.waakvlamCheckIn': 'every',
};

const units: ReadonlyArray<[string, string]> = [
  ['year', 'years'],
  ['month', 'months'],
  ['week', 'weeks'],
  ['day', 'days'],
  ['hour', 'hours'],
  ['minute', 'minutes'],
  ['second', 'seconds'],
];

/** `P2W` as `2 weeks`, `P1Y6M` as `1 year 6 months`; anything else as it is. */
export function durationInWords(duration: unknown): string {
  const match = typeof duration === 'string' ? isoDuration.exec(duration) : null;
  if (!match) return JSON.stringify(duration) ?? 'nothing';
  const words = units
    .map(([one, many], i) => {
      const n = Number(match[i + 1] ?? 0);
      return n === 0 ? '' : `${n} ${n === 1 ? one : many}`;
    })
    .filter(Boolean);
  return words.join(' ') || '0 days';
}

function valueInWords(field: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (field.endsWith('WorkingDays')) return `${JSON.stringify(value)} working days`;
  if (field.endsWith('Hours')) return `${JSON.stringify(value)} hours`;
  if (typeof value === 'string' && isoDuration.test(value)) {
    const words = durationInWords(value);
    const from = countedFrom[field];
    if (from === 'every') return `every ${words}`;
    return from ? `${words} ${from}` : words;
  }
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : 'nobody';
  return JSON.stringify(value);
}

/** Leaf paths of a JSON value, with their values (arrays are leaves: a list changes as a whole). */
function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      for (const [path, leaf] of leaves(child, prefix ? `${prefix}.${key}` : key)) out.set(path, leaf);
    }
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

/**
 * The rules that differ from `from` to `to`, in the order of `to`'s fields, each with a plain-words line and the
 * source `to` names for it. The version's own description (name, version, sources) is left out.
 */
export function diffCovenants(from: Covenant, to: Covenant): CovenantDifference[] {
  const before = leaves(from);
  const after = leaves(to);
  const paths = [...new Set([...after.keys(), ...before.keys()])];
  const differences: CovenantDifference[] = [];
  for (const field of paths) {
    if (aboutTheVersion.has(field.split('.')[0] ?? field)) continue;
    const a = before.get(field);
    const b = after.get(field);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const what = termWords[field] ?? field;
    const origin = to.changes?.find((c) => c.field === field);
    differences.push({
      field,
      from: a,
      to: b,
      text: `${what}: ${valueInWords(field, b)} (was ${valueInWords(field, a)})`,
      ...(origin ? { source: origin.source, assumption: origin.assumption } : {}),
    });
  }
  return differences;
}
