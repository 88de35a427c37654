/**
 * The period an evaluation covers: a half year as the covenant evaluates (`2026-H1`), a quarter, a year or a range.
 * Boundaries are UTC midnights, as the engine records times: an event in the first hour or two of 1 January or 1 July
 * in Dutch time counts in the period before. Simple to check by hand, and rare enough not to move a figure.
 */
import { z } from 'zod';

export interface Period {
  /** As given: `2026-H1`, `2026-Q3`, `2026` or `2026-01-01/2027-01-01`. */
  label: string;
  /** First instant in the period (UTC midnight). */
  from: string;
  /** First instant after the period (exclusive). */
  until: string;
}

const utc = (year: number, month: number, day = 1) => new Date(Date.UTC(year, month, day)).toISOString();

/** A period label, checked: half years, quarters, years, or `from/until` dates (until exclusive). */
export const PeriodSchema = z
  .string()
  .regex(/^(\d{4}(-H[12]|-Q[1-4])?|\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2})$/, {
    message: 'expected a period such as 2026-H1, 2026-Q3, 2026 or 2026-01-01/2027-01-01',
  })
  .transform((label, ctx): Period => {
    const range = /^(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})$/.exec(label);
    if (range) {
      const from = new Date(`${range[1]}T00:00:00.000Z`);
      const until = new Date(`${range[2]}T00:00:00.000Z`);
      if (Number.isNaN(from.getTime()) || Number.isNaN(until.getTime()) || until <= from) {
        ctx.addIssue({ code: 'custom', message: 'a range needs two real dates, the second after the first' });
        return z.NEVER;
      }
      return { label, from: from.toISOString(), until: until.toISOString() };
    }
    const year = Number(label.slice(0, 4));
    const part = label.slice(5);
    if (part === '') return { label, from: utc(year, 0), until: utc(year + 1, 0) };
    const [unit, n] = [part[0], Number(part.slice(1))];
    const months = unit === 'H' ? 6 : 3;
    return { label, from: utc(year, (n - 1) * months), until: utc(year, n * months) };
  });

/** Parses a period label; throws a zod error naming what is expected. */
export function parsePeriod(label: string): Period {
  return PeriodSchema.parse(label);
}

/** Half-year periods (`2026-H1`, …) that together cover `from` up to `until`, starting at the half year of `from`. */
export function halfYearsBetween(from: string, until: string): Period[] {
  const start = new Date(from);
  let year = start.getUTCFullYear();
  let half = start.getUTCMonth() < 6 ? 1 : 2;
  const periods: Period[] = [];
  for (;;) {
    const period = parsePeriod(`${year}-H${half}`);
    if (Date.parse(period.from) >= Date.parse(until)) return periods;
    periods.push(period);
    if (half === 2) year += 1;
    half = half === 1 ? 2 : 1;
  }
}
