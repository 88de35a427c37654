/**
 * Office hours decide who receives a neighbour's report and when a meeting is proposed. The weekday and the time of
 * day are counted from the local clock's milliseconds, without a Date per hour tried: they must be the ones a Date's
 * UTC fields give for that clock, through the clock changes of the covenant's zone and on every weekday.
 */
import { formatInstant, isDuringOfficeHours, presetCovenants, proposeMeetingTime } from '../../machines';

const covenants = Object.values(presetCovenants);
const HOUR = 3_600_000;

/** The office hours as a Date reads the local clock (Intl for the zone, as an auditor would check them). */
function officeTimeByDate(covenant: (typeof covenants)[number], t: number): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: covenant.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(t));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  const minutes = Number(get('hour')) * 60 + Number(get('minute'));
  const [fromH, fromM] = covenant.officeHours.from.split(':').map(Number);
  const [untilH, untilM] = covenant.officeHours.until.split(':').map(Number);
  return (
    covenant.officeHours.days.includes(weekday) &&
    minutes >= fromH! * 60 + fromM! &&
    minutes < untilH! * 60 + untilM!
  );
}

test('an instant is in office hours as the local clock of the covenant zone says, through the clock changes', () => {
  let inside = 0;
  for (const covenant of covenants) {
    // Every 37 minutes through 2026 and 2027: both clock changes of each year, every weekday and hour.
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2028, 0, 1); t += 37 * 60_000) {
      const expected = officeTimeByDate(covenant, t);
      if (isDuringOfficeHours(covenant, formatInstant(t)) !== expected) {
        expect([formatInstant(t), covenant.id, !expected]).toEqual([formatInstant(t), covenant.id, expected]);
      }
      if (expected) inside += 1;
    }
  }
  expect(inside).toBeGreaterThan(1000);
});

test('a proposed meeting time is the first whole office hour from the middle of its window', () => {
  for (const covenant of covenants) {
    for (
      let opens = Date.UTC(2026, 2, 20, 7);
      opens < Date.UTC(2026, 3, 10);
      opens += 5 * HOUR + 13 * 60_000
    ) {
      const due = opens + 3 * 24 * HOUR;
      const proposed = Date.parse(proposeMeetingTime(covenant, formatInstant(opens), formatInstant(due)));
      let expected = Math.ceil((opens + Math.floor((due - opens) / 2)) / HOUR) * HOUR;
      while (!(officeTimeByDate(covenant, expected) && officeTimeByDate(covenant, expected + HOUR - 60_000)))
        expected += HOUR;
      expect(formatInstant(proposed)).toBe(formatInstant(expected));
    }
  }
});
