/**
 * The bounds of a covenant's terms and closing days, as one plain check without zod: the covenant schema runs it
 * (`tidw covenant check`, the SDK) and the workflow runs it again on its start input, so a term the machine cannot
 * count with (zero, or centuries, which overflow the calendar) never reaches a traject, whoever started it.
 */
import { addDuration, isoDuration } from './duration';

const YEAR = 'P1Y';

/**
 * The longest each duration term may be. Generous for a partnership (twice or more what any preset uses) and far
 * below the calendar's limits; every term must also be longer than zero, or its timer fires at once, for ever.
 */
export const termMaxima = {
  urgencyDecision: YEAR,
  offerReminder: 'P2Y',
  offerEscalation: 'P2Y',
  'minimumTerm.omklapcontract': 'P10Y',
  'minimumTerm.driepartijenovereenkomst': 'P10Y',
  extension: 'P5Y',
  kennismakingsgesprekWithin: YEAR,
  evaluatiegesprekInterval: 'P2Y',
  evaluatiegesprekWithin: YEAR,
  rentArrearsFollowUp: YEAR,
  waakvlamCheckIn: YEAR,
} as const;

/** The most working days each working-day term may count: the count walks day by day. */
export const workingDayMaxima = {
  nuisanceFirstResponseWorkingDays: 60,
  nuisanceEscalationWorkingDays: 120,
} as const;

/** At most this many closing days: ten years of public holidays plus the partners' own days. */
export const MAX_CLOSING_DAYS = 400;

/** A calendar date as written in a covenant's closing days. */
export const isoDate = /^\d{4}-\d{2}-\d{2}$/;

const EPOCH = '2000-01-01T00:00:00.000Z';

/** A duration's length in milliseconds from a fixed instant; NaN when it is no duration or beyond the calendar. */
export function durationLength(duration: unknown): number {
  if (typeof duration !== 'string' || !isoDuration.test(duration)) return Number.NaN;
  try {
    return Date.parse(addDuration(EPOCH, duration)) - Date.parse(EPOCH);
  } catch {
    return Number.NaN; // RangeError: the instant lies beyond what a Date can hold
  }
}

/** Whether a string is a real calendar date (2027-03-26, not 2027-02-30). */
export function isCalendarDate(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    isoDate.test(value) &&
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value
  );
}

/**
 * The zones asked about so far: building a formatter to ask costs far more than the rest of the check, and every
 * workflow checks its covenant's zone at start (pure results only, as the workflow's shared modules require).
 */
const knownZones = new Map<string, boolean>();

/** Whether the runtime knows this IANA time zone (Europe/Amsterdam); an unknown one throws at the first date. */
export function isTimeZone(zone: unknown): boolean {
  if (typeof zone !== 'string' || zone === '') return false;
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 64) knownZones.set(zone, known);
  }
  return known;
}

/** One problem in a covenant, with the dotted path of the field. */
export interface CovenantProblem {
  field: string;
  message: string;
}

/** The value at a dotted path (`terms.minimumTerm.omklapcontract`), if any. */
export function valueAt(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}

/** The maxima in milliseconds, counted once: the workflow checks every start input against them. */
const maximumLengths: Record<string, number> = Object.fromEntries(
  Object.entries(termMaxima).map(([name, maximum]) => [name, durationLength(maximum)]),
);

/**
 * Every value of a covenant (any value: it may come from a raw start input) that would make the machine fire a timer
 * for ever, overflow the calendar, count days without end or fail on a date: its terms, time zone and closing days,
 * by field. The other fields' shapes are the schema's.
 */
export function covenantTermProblems(covenant: unknown): CovenantProblem[] {
  const problems: CovenantProblem[] = [];
  const terms = valueAt(covenant, 'terms');
  if (!terms || typeof terms !== 'object') return [{ field: 'terms', message: 'the covenant has no terms' }];
  for (const [name, maximum] of Object.entries(termMaxima)) {
    const value = valueAt(terms, name);
    const field = `terms.${name}`;
    const length = durationLength(value);
    if (typeof value !== 'string' || !isoDuration.test(value)) {
      problems.push({ field, message: 'expected an ISO 8601 duration such as P3M, P4W, P10D or PT30S' });
    } else if (length <= 0) {
      problems.push({ field, message: `${value} is no time at all: a term must be longer than zero` });
    } else if (Number.isNaN(length) || length > maximumLengths[name]!) {
      problems.push({ field, message: `${value} is longer than the maximum of ${maximum} for this term` });
    }
  }
  for (const [name, maximum] of Object.entries(workingDayMaxima)) {
    const value = valueAt(terms, name);
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > maximum)
      problems.push({
        field: `terms.${name}`,
        message: `expected a whole number of working days from 1 to ${maximum}`,
      });
  }
  if (!isTimeZone(valueAt(covenant, 'timezone')))
    problems.push({ field: 'timezone', message: 'expected an IANA time zone such as Europe/Amsterdam' });
  const closingDays = valueAt(covenant, 'closingDays');
  if (closingDays !== undefined) {
    if (!Array.isArray(closingDays)) {
      problems.push({ field: 'closingDays', message: 'expected a list of dates such as 2027-12-24' });
    } else {
      if (closingDays.length > MAX_CLOSING_DAYS)
        problems.push({ field: 'closingDays', message: `at most ${MAX_CLOSING_DAYS} closing days` });
      closingDays.forEach((day, i) => {
        if (!isCalendarDate(day))
          problems.push({ field: `closingDays.${i}`, message: 'expected a date such as 2027-12-24' });
      });
    }
  }
  return problems;
}
