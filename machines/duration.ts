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

/** 10000-01-01T00:00:00.000Z: from here on `toISOString` writes a six-digit year. */
const YEAR_10000 = 253_402_300_800_000;

const isDigit = (code: number) => code >= 48 && code <= 57;
const twoDigits = (text: string, i: number) => (text.charCodeAt(i) - 48) * 10 + text.charCodeAt(i + 1) - 48;

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar, as `Date.UTC` counts them. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The date of the proleptic Gregorian calendar `days` days after 1970-01-01 (Hinnant's `civil_from_days`). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - Math.floor((153 * mp + 2) / 5) + 1,
  };
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The last few instants read, by their text: a transition reads the same few several times (its event's time for the
 * delay of every timer it arms, and again for their due times; a deadline for the action that records it, the delay
 * and the proposed meeting time), and comparing a few strings costs far less than reading the digits again.
 */
const RECENT = 4;
const recentTexts: string[] = Array<string>(RECENT).fill('');
const recentInstants: number[] = Array<number>(RECENT).fill(Number.NaN);
let nextRecent = 0;

/**
 * The last few instants written: a timer's due time is mostly the deadline the same transition just wrote into the
 * context (the delay is counted to it), and the text comes back without being written again. NaN is never equal to
 * itself, so it is always written (and throws, as toISOString does).
 */
const recentTimes: number[] = Array<number>(RECENT).fill(Number.NaN);
const recentTimeTexts: string[] = Array<string>(RECENT).fill('');
let nextRecentTime = 0;

/**
 * Milliseconds since the epoch of an instant, exactly as `Date.parse` reads it. An instant as `toISOString` writes it
 * (`2027-03-29T09:00:00.000Z`: what the machine writes and events carry) is read from its digits, several times faster
 * than V8's general parser, and the machine reads a few per transition; anything else (other forms, days past the
 * month's end that `Date.parse` rolls over, two-digit years) goes to `Date.parse`.
 */
export function parseInstant(at: string): number {
  for (let i = 0; i < RECENT; i += 1) if (recentTexts[i] === at) return recentInstants[i]!;
  const t = readInstant(at);
  recentTexts[nextRecent] = at;
  recentInstants[nextRecent] = t;
  nextRecent = (nextRecent + 1) % RECENT;
  return t;
}

function readInstant(at: string): number {
  if (
    at.length !== 24 ||
    at.charCodeAt(4) !== 45 || // -
    at.charCodeAt(7) !== 45 ||
    at.charCodeAt(10) !== 84 || // T
    at.charCodeAt(13) !== 58 || // :
    at.charCodeAt(16) !== 58 ||
    at.charCodeAt(19) !== 46 || // .
    at.charCodeAt(23) !== 90 // Z
  ) {
    return Date.parse(at);
  }
  for (const i of DIGIT_POSITIONS) if (!isDigit(at.charCodeAt(i))) return Date.parse(at);
  const year = twoDigits(at, 0) * 100 + twoDigits(at, 2);
  const month = twoDigits(at, 5);
  const day = twoDigits(at, 8);
  const hour = twoDigits(at, 11);
  const minute = twoDigits(at, 14);
  const second = twoDigits(at, 17);
  if (
    year < 100 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return Date.parse(at);
  }
  const ms = twoDigits(at, 20) * 10 + at.charCodeAt(22) - 48;
  return daysFromCivil(year, month, day) * DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22] as const;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * An instant (milliseconds since the epoch) as `new Date(t).toISOString()` writes it, without building a Date: the
 * machine writes a deadline or a timer's due time on most transitions. Instants before 1970, from the year 10000 on,
 * with a fraction of a millisecond, or none at all go to `toISOString` (which throws for none).
 */
export function formatInstant(t: number): string {
  for (let i = 0; i < RECENT; i += 1) if (recentTimes[i] === t) return recentTimeTexts[i]!;
  const text = writeInstant(t);
  recentTimes[nextRecentTime] = t;
  recentTimeTexts[nextRecentTime] = text;
  nextRecentTime = (nextRecentTime + 1) % RECENT;
  return text;
}

function writeInstant(t: number): string {
  if (!(t >= 0 && t < YEAR_10000) || t % 1 !== 0) return new Date(t).toISOString();
  const days = Math.floor(t / DAY);
  let rest = t - days * DAY;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const ms = rest - second * 1000;
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(ms)}Z`;
}

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
  let t = parseInstant(from);
  const months = p.years * 12 + p.months;
  if (months > 0) t = addMonths(t, months);
  t += (p.weeks * 7 + p.days) * DAY + ((p.hours * 60 + p.minutes) * 60 + p.seconds) * 1000;
  const result = formatInstant(t);
  lastSum = { from, duration, result };
  return result;
}

/**
 * `months` calendar months after an instant, at the same time of day, clamped to the month's last day. Counted on the
 * calendar's numbers between 1970 and the year 10000, with a Date (as before) outside them.
 */
function addMonths(t: number, months: number): number {
  if (!(t >= 0 && t < YEAR_10000)) {
    const d = new Date(t);
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
    return d.getTime();
  }
  const days = Math.floor(t / DAY);
  const { year, month, day } = civilFromDays(days);
  const monthIndex = month - 1 + months;
  const toYear = year + Math.floor(monthIndex / 12);
  const toMonth = monthIndex - Math.floor(monthIndex / 12) * 12 + 1;
  const toDay = Math.min(day, daysInMonth(toYear, toMonth));
  return daysFromCivil(toYear, toMonth, toDay) * DAY + (t - days * DAY);
}

/** Milliseconds between two ISO instants (`to - from`). */
export function msBetween(from: string, to: string): number {
  return parseInstant(to) - parseInstant(from);
}

/** Shift an ISO instant by a number of milliseconds. */
export function shift(at: string, ms: number): string {
  return formatInstant(parseInstant(at) + ms);
}

/** The later of two ISO instants. */
export function later(a: string, b: string): string {
  return parseInstant(a) >= parseInstant(b) ? a : b;
}

/** Whether `a` is at or after `b`. */
export function isAtOrAfter(a: string, b: string): boolean {
  return parseInstant(a) >= parseInstant(b);
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
  const t = parseInstant(at);
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
  let t = parseInstant(from);
  let left = workingDays;
  while (left > 0) {
    t += DAY;
    const local = localTime(formatInstant(t), timeZone);
    if (local.weekday <= 5 && !closed.has(local.date)) left -= 1;
  }
  return formatInstant(t);
}
