/**
 * The machine reads and writes instants without `Date.parse` and `toISOString` (machines/duration.ts): it must read
 * and write exactly what they do, for every instant, and count calendar months as a Date does.
 */
import fc from 'fast-check';
import { addDuration, formatInstant, parseInstant } from '../../machines/duration';

/** What `toISOString` says, or that it throws. */
const iso = (t: number) => {
  try {
    return new Date(t).toISOString();
  } catch (err) {
    return err instanceof RangeError ? 'RangeError' : 'other error';
  }
};
const formatted = (t: number) => {
  try {
    return formatInstant(t);
  } catch (err) {
    return err instanceof RangeError ? 'RangeError' : 'other error';
  }
};

/** Every instant `Date` can hold. */
const instants = fc.integer({ min: -8.64e15, max: 8.64e15 });

describe('instants', () => {
  it('are written as toISOString writes them', () => {
    fc.assert(
      fc.property(instants, (t) => formatted(t) === iso(t)),
      { numRuns: 20_000 },
    );
    for (const t of [0, -1, 1, 253_402_300_799_999, 253_402_300_800_000, 951_782_400_000, 1.5, -0.5, NaN, Infinity]) {
      expect(formatted(t)).toBe(iso(t));
    }
  });

  it('are read as Date.parse reads them, written by toISOString or not', () => {
    fc.assert(
      fc.property(instants, (t) => {
        const text = new Date(t).toISOString();
        return Object.is(parseInstant(text), Date.parse(text));
      }),
      { numRuns: 20_000 },
    );
    const fields = (n: number, width: number) => String(n).padStart(width, '0');
    for (const year of [0, 99, 100, 1900, 2000, 2024, 2026, 2100, 9999]) {
      for (let month = 0; month <= 13; month += 1) {
        for (let day = 0; day <= 32; day += 1) {
          for (const time of ['00:00:00.000', '23:59:59.999', '24:00:00.000', '12:60:00.000', '12:00:60.000']) {
            const text = `${fields(year, 4)}-${fields(month, 2)}-${fields(day, 2)}T${time}Z`;
            expect([text, parseInstant(text)]).toEqual([text, Date.parse(text)]);
          }
        }
      }
    }
    for (const text of [
      '',
      'nonsense',
      '2026-01-01',
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.000+01:00',
      '2026-01-01T00:00:00.00aZ',
      '2026-01-01 00:00:00.000Z',
      '+02026-01-01T00:00:00.000Z',
      '2026-1-01T00:00:00.0000Z',
    ]) {
      expect([text, parseInstant(text)]).toEqual([text, Date.parse(text)]);
    }
  });

  it('move by calendar months as a Date counts them, clamped to the month end', () => {
    const byDate = (from: string, months: number) => {
      const d = new Date(Date.parse(from));
      const day = d.getUTCDate();
      d.setUTCDate(1);
      d.setUTCMonth(d.getUTCMonth() + months);
      d.setUTCDate(Math.min(day, new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()));
      return d.toISOString();
    };
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 2.5e14 }), fc.integer({ min: 1, max: 400 }), (t, months) => {
        const from = new Date(t).toISOString();
        return addDuration(from, `P${months}M`) === byDate(from, months);
      }),
      { numRuns: 20_000 },
    );
    expect(addDuration('2024-01-31T10:00:00.000Z', 'P1M')).toBe('2024-02-29T10:00:00.000Z');
    expect(addDuration('2026-08-31T23:59:59.999Z', 'P1Y1M')).toBe('2027-09-30T23:59:59.999Z');
    expect(() => addDuration('nonsense', 'P1M')).toThrow(RangeError);
  });
});
