/** Covenant versions: names, the Almere 2023 version, and `tidw covenant diff` in plain words. */
import {
  checkCovenant,
  covenantRef,
  diffCovenants,
  durationInWords,
  migrationRoles,
  presetCovenants,
  resolveCovenant,
} from '../../machines';
import { tidwWith } from '../support/cli';

const tidw = tidwWith(() => Promise.reject(new Error('no server in this test')));

test('almere still names the covenant new trajecten start on; each version has its own name', () => {
  expect(resolveCovenant('almere')).toBe(presetCovenants.almere);
  expect(covenantRef(presetCovenants.almere!)).toBe('almere@2021-10');
  expect(resolveCovenant('almere@2021-10')?.terms).toEqual(presetCovenants.almere!.terms);
  const v2023 = resolveCovenant('almere@2023-01')!;
  expect(covenantRef(v2023)).toBe('almere@2023-01');
  expect(v2023.effectiveFrom).toBe('2023-01-01');
  expect(resolveCovenant('almere@1999-01')).toBeUndefined();
  expect(covenantRef(presetCovenants.amsterdam!)).toBe('amsterdam');
});

test('the municipality moves trajecten unless a covenant names others; never an auditor', () => {
  expect(migrationRoles(presetCovenants.almere!)).toEqual(['gemeente']);
  const withAuditor = checkCovenant({ ...presetCovenants.almere, migration: ['auditor'] });
  expect(withAuditor.ok).toBe(false);
  if (!withAuditor.ok) expect(withAuditor.problems.map((p) => p.field)).toContain('migration');
});

test('the diff lists each changed rule in plain words with its source, and nothing else', () => {
  const differences = diffCovenants(resolveCovenant('almere@2021-10')!, resolveCovenant('almere@2023-01')!);
  expect(differences.map((d) => d.field)).toEqual([
    'terms.kennismakingsgesprekWithin',
    'terms.evaluatiegesprekInterval',
    'terms.rentArrearsFollowUp',
  ]);
  expect(differences[0]).toMatchObject({
    from: 'P4W',
    to: 'P2W',
    text: 'the kennismakingsgesprek is due: 2 weeks after signing (was 4 weeks after signing)',
    source: 'seeds/000_5406c781e6f0994d.txt',
    assumption: true,
  });
  expect(differences[1]!.text).toBe('an evaluatiegesprek comes: every 4 months (was every 6 months)');
  expect(durationInWords('P1Y6M')).toBe('1 year 6 months');
});

test('tidw covenant diff prints the changes; an unknown version is refused with exit 2', async () => {
  const diff = await tidw('covenant', 'diff', 'almere@2021-10', 'almere@2023-01');
  expect(diff.code).toBe(0);
  expect(diff.out).toContain('almere@2021-10 → almere@2023-01 (effective 2023-01-01): 3 change(s)');
  expect(diff.out).toContain(
    'the kennismakingsgesprek is due: 2 weeks after signing (was 4 weeks after signing)',
  );
  expect(diff.out).toContain('[assumption, source seeds/000_5406c781e6f0994d.txt]');
  const json = await tidw('--json', 'covenant', 'diff', 'almere', 'almere@2023-01');
  expect(JSON.parse(json.out).differences).toHaveLength(3);
  const unknown = await tidw('covenant', 'diff', 'almere@2021-10', 'almere@2099-01');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain('almere@2023-01');
});
