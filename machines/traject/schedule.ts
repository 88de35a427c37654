/** Office hours: when a meeting is proposed and who receives a neighbour's report. Pure, time zone from the covenant. */
import type { Covenant } from '../covenant';
import { localTime, msBetween, shift } from '../duration';

const HOUR = 3_600_000;

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether an instant falls within the covenant's office hours. */
export function isDuringOfficeHours(covenant: Covenant, at: string): boolean {
  const local = localTime(at, covenant.timezone);
  const { days, from, until } = covenant.officeHours;
  return days.includes(local.weekday) && local.minutes >= minutesOf(from) && local.minutes < minutesOf(until);
}

/**
 * A proposed time for a meeting that must be held between `opens` and `due`: the first whole office hour from the
 * middle of that window on, so that an invitation has a concrete time the parties can move (GESPREK_GEPLAND).
 */
export function proposeMeetingTime(covenant: Covenant, opens: string, due: string): string {
  const middle = Date.parse(opens) + Math.floor(msBetween(opens, due) / 2);
  let t = Math.ceil(middle / HOUR) * HOUR;
  // At most two weeks of hours to look through; a covenant has at least one office day a week.
  for (let i = 0; i < 24 * 14; i += 1) {
    const candidate = new Date(t).toISOString();
    if (
      isDuringOfficeHours(covenant, candidate) &&
      isDuringOfficeHours(covenant, shift(candidate, HOUR - 60_000))
    ) {
      return candidate;
    }
    t += HOUR;
  }
  return new Date(middle).toISOString();
}
