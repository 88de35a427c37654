/**
 * Calendar arithmetic for covenant durations. Pure: every function takes the instant it counts from.
 * Durations are ISO 8601 (`P3M`, `P4W`, `P10D`, `PT5S`); months and years are calendar months in UTC,
 * clamped to the month's last day (31 January + P1M = 28/29 February).
 */

/** The shape of an ISO 8601 duration; `DurationSchema` (in the covenant) checks covenant values against it. */
export const isoDuration =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** An ISO 8601 duration such as `P3M`, `P2W` or `PT30S`. */
export type IsoDuration = string;

interface DurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Parsed durations: a covenant names a dozen, and the machine adds them on most transitions. */
const parsed = new Map<IsoDuration, Readonly<DurationParts>>();
const PARSED_KEPT = 1_024;

function parts(duration: IsoDuration): Readonly<DurationParts> {
  const known = parsed.get(duration);
  if (known) return known;
  const match = isoDuration.exec(duration);
  if (!match) throw new RangeError(`not an ISO 8601 duration: ${duration}`);
  const n = (i: number) => Number(match[i] ?? 0);
  const result = Object.freeze({
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    hours: n(5),
    minutes: n(6),
    seconds: n(7),
  });
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(duration, result);
  return result;
}

const DAY = 86_400_000;

/**
 * The last sum asked for: a transition often asks for the same deadline more than once (the action that records it,
 * the delay that arms its timer and the event the timer carries), and comparing two strings costs far less than
 * parsing and printing an instant.
 */
let lastSum = { from: '', duration: '', result: '' };

/** The instant `duration` after `from` (both ISO timestamps). */
export function addDuration(from: string, duration: IsoDuration): string {
  if (lastSum.from === from && lastSum.duration === duration) return lastSum.result;
  const p = parts(duration);
  let t = Date.parse(from);
  const months = p.years * 12 + p.months;
  if (months > 0) {
    const d = new Date(t);
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
    t = d.getTime();
  }
  t += (p.weeks * 7 + p.days) * DAY + ((p.hours * 60 + p.minutes) * 60 + p.seconds) * 1000;
  const result = new Date(t).toISOString();
  lastSum = { from, duration, result };
  return result;
}

/** Milliseconds between two ISO instants (`to - from`). */
export function msBetween(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}

/** Shift an ISO instant by a number of milliseconds. */
export function shift(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

/** The later of two ISO instants. */
export function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** Whether `a` is at or after `b`. */
export function isAtOrAfter(a: string, b: string): boolean {
  return Date.parse(a) >= Date.parse(b);
}

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one, and the machine asks
 * for local times on every working-day step and every proposed meeting time.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at an instant, in milliseconds, read with its (cached) formatter. */
function offsetAt(t: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return local - Math.floor(t / 60_000) * 60_000;
}

/**
 * The zone's offset through one UTC day, when it is the same at both ends of the day (so on every day but the two a
 * year when the clocks change: no zone changes twice in a day), else null. Asking the formatter costs far more than
 * the arithmetic, and the machine asks for local times on every working-day step and every hour a meeting proposal
 * looks at, so each day's offset is asked once and remembered (a bounded cache: entries are a few bytes).
 */
const dayOffsets = new Map<string, Map<number, number | null>>();
const DAY_OFFSETS_KEPT = 4_096;

function dayOffset(day: number, timeZone: string): number | null {
  // Keyed by zone, then by day number: no key to build for every hour a meeting proposal looks at.
  let zone = dayOffsets.get(timeZone);
  let offset = zone?.get(day);
  if (offset === undefined) {
    const start = offsetAt(day * DAY, timeZone);
    offset = start === offsetAt((day + 1) * DAY, timeZone) ? start : null;
    if (!zone) {
      zone = new Map();
      dayOffsets.set(timeZone, zone);
    }
    if (zone.size >= DAY_OFFSETS_KEPT) zone.clear();
    zone.set(day, offset);
  }
  return offset;
}

/**
 * The local wall-clock time of an instant (milliseconds since the epoch) in a time zone, to the minute, as the
 * instant that shows the same clock in UTC: its `getUTCDay`, `getUTCHours`… are the local ones.
 */
export function localClock(t: number, timeZone: string): number {
  const offset = dayOffset(Math.floor(t / DAY), timeZone) ?? offsetAt(t, timeZone);
  return Math.floor(t / 60_000) * 60_000 + offset;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Local weekday (1 = Monday … 7 = Sunday), minutes since midnight and calendar date (`2027-03-29`) of an instant in a
 * time zone.
 */
export function localTime(at: string, timeZone: string): { weekday: number; minutes: number; date: string } {
  const t = Date.parse(at);
  if (Number.isNaN(t)) throw new RangeError(`not an instant: ${at}`);
  const local = new Date(localClock(t, timeZone));
  return {
    weekday: local.getUTCDay() === 0 ? 7 : local.getUTCDay(),
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
    date: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
  };
}

/**
 * The instant `workingDays` working days after `from`, at the same time of day: a working day is Monday to Friday in
 * the covenant's time zone and not one of its closing days (ISO dates: public holidays, days the partners close).
 * A report made on Saturday with 2 working days is due Tuesday; on the Friday before Easter Monday, Wednesday.
 */
export function addWorkingDays(
  from: string,
  workingDays: number,
  timeZone: string,
  closingDays: readonly string[] = [],
): string {
  const closed = new Set(closingDays);
  let t = Date.parse(from);
  let left = workingDays;
  while (left > 0) {
    t += DAY;
    const local = localTime(new Date(t).toISOString(), timeZone);
    if (local.weekday <= 5 && !closed.has(local.date)) left -= 1;
  }
  return new Date(t).toISOString();
}
