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

test('the cluster comparison takes its concurrency, worker cache, shards and servers', () => {
  expect(
    parseOptions([
      '--server',
      'cluster',
      '--capacity',
      '300,10000',
      '--open-concurrency',
      '48',
      '--signal-concurrency',
      '128',
      '--worker-cache',
      '1000',
      '--shards',
      '8',
      '--servers',
      'cluster',
    ]),
  ).toMatchObject({
    capacity: [300, 10000],
    'open-concurrency': 48,
    'signal-concurrency': 128,
    'worker-cache': 1000,
    shards: 8,
    servers: ['cluster'],
  });
  expect(parseOptions(['--server', 'cluster'])).toMatchObject({ servers: ['dev', 'cluster'], shards: 4 });
  expect(() => parseOptions(['--servers', 'cloud'])).toThrow(/--servers/);
});

test('the update latency and the gateway workload are timed apart', () => {
  expect(parseOptions([])).toMatchObject({ duration: 60, 'gateway-seconds': 16 });
  expect(parseOptions(['--duration', '20', '--gateway-seconds', '30'])).toMatchObject({
    duration: 20,
    'gateway-seconds': 30,
  });
  expect(() => parseOptions(['--gateway-seconds', '0'])).toThrow(/gateway-seconds/);
});
