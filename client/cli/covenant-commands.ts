/**
 * `tidw covenant closing-days`: the days a covenant's working-day terms skip, written as data for the covenant. Public
 * holidays come from `date-holidays` here, at the command line, so that the machine and the workflow bundle never
 * need it: a covenant carries its closing days, and a running traject keeps the list it started with.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import Holidays from 'date-holidays';
import { z } from 'zod';
import { isCalendarDate, MAX_CLOSING_DAYS } from '../../machines';
import { InvalidInput } from '../errors';

/** At most ten years at once: the list must fit in a covenant (MAX_CLOSING_DAYS). */
const MAX_YEARS = 10;

const monthDay = /^\d{2}-\d{2}$/;
/** `12-24`: a day in every year (29 February in leap years only). */
const isDayOfEveryYear = (day: string) => monthDay.test(day) && isCalendarDate(`2028-${day}`);

export const ClosingDaysOptionsSchema = z
  .object({
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: 'expected a country code such as NL' })
      .refine((code) => code in new Holidays().getCountries(), {
        message: 'no public holidays known for this country',
      }),
    from: z.coerce
      .number()
      .int({ message: 'expected a year such as 2026' })
      .min(2000, { message: 'expected a year from 2000' })
      .max(2200, { message: 'expected a year up to 2200' }),
    years: z.coerce
      .number()
      .int({ message: 'expected a whole number of years' })
      .min(1, { message: 'at least one year' })
      .max(MAX_YEARS, { message: `at most ${MAX_YEARS} years at once` }),
    extra: z
      .array(
        z.string().refine((d) => isCalendarDate(d) || isDayOfEveryYear(d), {
          message: 'expected a date such as 2027-12-24, or 12-24 for every year',
        }),
      )
      .default([]),
  })
  .strict();
export type ClosingDaysOptions = z.input<typeof ClosingDaysOptionsSchema>;

/**
 * The closing days of `years` years from `from`: the country's public holidays (those on a weekend included, so the
 * list reads as the calendar does), and the partners' own days, a `MM-DD` one in every year. Sorted, each once.
 */
export function closingDays(options: ClosingDaysOptions): string[] {
  const parsed = ClosingDaysOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new InvalidInput(
      'invalid closing-days options',
      parsed.error.issues.map((i) => ({ field: `--${i.path.join('.')}`, message: i.message })),
    );
  }
  const { country, from, years, extra } = parsed.data;
  const holidays = new Holidays(country);
  const days = new Set<string>();
  for (let year = from; year < from + years; year += 1) {
    for (const holiday of holidays.getHolidays(year))
      if (holiday.type === 'public') days.add(holiday.date.slice(0, 10));
    for (const day of extra) {
      if (monthDay.test(day)) {
        if (isCalendarDate(`${year}-${day}`)) days.add(`${year}-${day}`); // 02-29 only in leap years
      } else if (day.startsWith(`${year}-`)) days.add(day);
    }
  }
  const list = [...days].sort();
  if (list.length > MAX_CLOSING_DAYS) {
    throw new InvalidInput('too many closing days', [
      { field: '--years', message: `${list.length} days; a covenant holds at most ${MAX_CLOSING_DAYS}` },
    ]);
  }
  return list;
}

/** Adds `closing-days` to the `tidw covenant` command. */
export function addClosingDaysCommand(
  covenant: Command,
  print: (data: unknown, text: () => string) => void,
): void {
  covenant
    .command('closing-days')
    .description(
      "public holidays and the partners' own closing days, as the closingDays list of a covenant: working-day terms skip them",
    )
    .requiredOption('--country <code>', 'whose public holidays, e.g. NL')
    .requiredOption('--from <year>', 'the first year, e.g. 2026')
    .option('--years <n>', `how many years (at most ${MAX_YEARS})`, '5')
    .option(
      '--extra <date...>',
      "the partners' own closing days: 12-24 for every year, or one date such as 2027-12-27",
    )
    .option('--out <file>', 'write the list as JSON to this file instead of printing it')
    .action((opts: { country: string; from: string; years: string; extra?: string[]; out?: string }) => {
      const days = closingDays({
        country: opts.country,
        from: opts.from,
        years: opts.years,
        extra: opts.extra ?? [],
      });
      const text = `${JSON.stringify(days, null, 2)}\n`;
      if (opts.out) {
        writeFileSync(opts.out, text);
        print(
          { closingDays: days.length, out: opts.out },
          () => `${days.length} closing days written to ${opts.out}`,
        );
      } else {
        print(days, () => text.trimEnd());
      }
    });
}
