/** Office hours: when a meeting is proposed and who receives a neighbour's report. Pure, time zone from the covenant. */
import type { Covenant } from '../covenant';
import { formatInstant, localClock, msBetween, parseInstant } from '../duration';

const HOUR = 3_600_000;

/** Clock times read before: a covenant names two, and every meeting proposal and neighbour's report reads them. */
const clockMinutes = new Map<string, number>();
const CLOCKS_KEPT = 1_024;

function minutesOf(clock: string): number {
  let minutes = clockMinutes.get(clock);
  if (minutes === undefined) {
    const [h, m] = clock.split(':').map(Number);
    minutes = (h ?? 0) * 60 + (m ?? 0);
    if (clockMinutes.size >= CLOCKS_KEPT) clockMinutes.clear();
    clockMinutes.set(clock, minutes);
  }
  return minutes;
}

/** The covenant's office hours in numbers: weekdays (1 = Monday … 7 = Sunday) and minutes since midnight. */
interface OfficeHours {
  days: readonly number[];
  from: number;
  until: number;
}

function officeHoursOf(covenant: Covenant): OfficeHours {
  const { days, from, until } = covenant.officeHours;
  return { days, from: minutesOf(from), until: minutesOf(until) };
}

const DAY = 86_400_000;
/** The furthest a Date reaches from the epoch, in milliseconds. */
const MAX_DATE = 8.64e15;

/**
 * Whether an instant (milliseconds since the epoch) falls within these office hours, in the covenant's zone. The
 * weekday and the minutes are counted from the local clock's milliseconds, as a Date's `getUTCDay`, `getUTCHours` and
 * `getUTCMinutes` give them (1 January 1970 was a Thursday), without making a Date for every hour a proposal tries.
 */
function isOfficeTime(hours: OfficeHours, timeZone: string, t: number): boolean {
  const clock = localClock(t, timeZone);
  if (!(Math.abs(clock) <= MAX_DATE)) return false; // no Date has that clock: its fields would be NaN
  const days = Math.floor(clock / DAY);
  const weekday = (((days + 4) % 7) + 7) % 7 || 7;
  const minutes = Math.floor((clock - days * DAY) / 60_000);
  return hours.days.includes(weekday) && minutes >= hours.from && minutes < hours.until;
}

/** Whether an instant falls within the covenant's office hours. */
export function isDuringOfficeHours(covenant: Covenant, at: string): boolean {
  const t = parseInstant(at);
  if (Number.isNaN(t)) throw new RangeError(`not an instant: ${at}`);
  return isOfficeTime(officeHoursOf(covenant), covenant.timezone, t);
}

/**
 * A proposed time for a meeting that must be held between `opens` and `due`: the first whole office hour from the
 * middle of that window on, so that an invitation has a concrete time the parties can move (GESPREK_GEPLAND).
 */
export function proposeMeetingTime(covenant: Covenant, opens: string, due: string): string {
  const middle = parseInstant(opens) + Math.floor(msBetween(opens, due) / 2);
  let t = Math.ceil(middle / HOUR) * HOUR;
  if (Number.isNaN(t)) return formatInstant(t); // throws, as for any instant that is none
  const hours = officeHoursOf(covenant);
  // At most two weeks of hours to look through; a covenant has at least one office day a week.
  for (let i = 0; i < 24 * 14; i += 1) {
    if (
      isOfficeTime(hours, covenant.timezone, t) &&
      isOfficeTime(hours, covenant.timezone, t + HOUR - 60_000)
    ) {
      return formatInstant(t);
    }
    t += HOUR;
  }
  return formatInstant(middle);
}
