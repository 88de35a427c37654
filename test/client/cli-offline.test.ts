/** The `tidw` commands that need no server: help, the diagram, and checking a covenant file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { almere } from '../../machines/covenants/almere';
import { tidwWith } from '../support/cli';

const tidw = tidwWith(() => Promise.reject(new Error('no server in this test')));

const dir = mkdtempSync(join(tmpdir(), 'tidw-covenants-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

test('every command has help; the list of commands names them all', async () => {
  const help = await tidw('--help');
  expect(help.code).toBe(0);
  for (const command of ['start', 'send', 'status', 'events', 'list', 'withdraw', 'diagram', 'covenant'])
    expect(help.out).toContain(command);
  const send = await tidw('send', '--help');
  expect(send.code).toBe(0);
  expect(send.out).toContain('--as <actor>');
  expect(send.out).toContain('OMKLAPPEN_AKKOORD');
});

test('an unknown command or option is refused with exit 2', async () => {
  expect((await tidw('verhuis')).code).toBe(2);
  expect((await tidw('status', 'x-001', '--snel')).code).toBe(2);
  const origin = await tidw(
    'start',
    '--client',
    'c-001',
    '--region',
    'almere',
    '--origin',
    'XX',
    '--as',
    'zorgaanbieder:Kwintes',
  );
  expect(origin.code).toBe(2);
  expect(origin.err).toContain('Allowed choices are BW, MO');
});

test('tidw diagram draws the machine; with a covenant, its terms', async () => {
  const plain = await tidw('diagram');
  expect(plain.out.startsWith('stateDiagram-v2')).toBe(true);
  expect(plain.out).not.toContain('P6M');
  expect((await tidw('diagram', '--covenant', 'almere')).out).toContain(
    'AANBOD_ESCALATIE (P6M after urgency request)',
  );
  const fast = file('snel.json', {
    ...almere,
    id: 'snel',
    terms: { ...almere.terms, offerEscalation: 'P5M' },
  });
  expect((await tidw('diagram', '--covenant', fast)).out).toContain(
    'AANBOD_ESCALATIE (P5M after urgency request)',
  );
  const unknown = await tidw('diagram', '--covenant', 'utrecht');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain('unknown covenant utrecht');
});

test('tidw covenant check: a valid file passes; a broken one is reported field by field with exit 2', async () => {
  const good = await tidw('covenant', 'check', file('almere.json', almere));
  expect(good).toMatchObject({ code: 0, out: expect.stringContaining('is valid (id almere)') as string });

  const broken = file('kapot.json', {
    ...almere,
    terms: { ...almere.terms, offerReminder: '3 maanden' },
    contractForms: [],
  });
  const bad = await tidw('covenant', 'check', broken);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain('terms.offerReminder: expected an ISO 8601 duration such as P3M');
  expect(bad.err).toContain('contractForms: allow at least one contract form');

  const json = await tidw('--json', 'covenant', 'check', broken);
  expect(JSON.parse(json.out)).toMatchObject({
    error: {
      code: 'InvalidInput',
      problems: expect.arrayContaining([
        { field: 'contractForms', message: 'allow at least one contract form' },
      ]) as unknown,
    },
  });

  const notJson = await tidw('covenant', 'check', file('tekst.json', 'dit is geen json'));
  expect(notJson.code).toBe(2);
  expect(notJson.err).toContain('cannot read covenant');
});
