/** The benchmark's command line: a partial run must never replace the full results a README table is built from. */
import { parseOptions } from '../../bench/options';

test('a run of every workload writes the full results', () => {
  expect(parseOptions([])).toMatchObject({ out: 'bench/results/latest.json' });
});

test('a run with --only writes a partial file beside the full results', () => {
  expect(parseOptions(['--only', 'machine'])).toMatchObject({ out: 'bench/results/partial-machine.json' });
  expect(parseOptions(['--only', 'replay,history'])).toMatchObject({
    out: 'bench/results/partial-history-replay.json',
  });
});

test('an explicit --out is taken as given', () => {
  expect(parseOptions(['--only', 'capacity', '--out', 'bench/results/capacity-10000.json'])).toMatchObject({
    out: 'bench/results/capacity-10000.json',
  });
});
