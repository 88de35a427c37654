/** The benchmark's command line, parsed once with zod; a wrong value stops it with every problem named. */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const workloadNames = [
  'throughput',
  'latency',
  'replay',
  'history',
  'capacity',
  'machine',
  'gateway',
  'caseload',
  'report',
  'heap',
] as const;
export type WorkloadName = (typeof workloadNames)[number];

const count = (fallback: number, max: number) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int({ message: 'expected a whole number' })
    .min(1, { message: 'expected at least 1' })
    .max(max, { message: `expected at most ${max}` })
    .default(fallback);

const OptionsSchema = z
  .object({
    trajects: count(48, 100_000).describe('complete trajects per throughput run'),
    concurrency: count(24, 2_000).describe('trajects in flight at once, and coordinators sending at once'),
    duration: count(60, 3_600).describe('seconds of latency measurement per variant'),
    'gateway-seconds': count(16, 3_600).describe(
      'seconds of the gateway workload, through the gateway and the SDK',
    ),
    seed: z.coerce.number({ message: 'expected a number' }).int().default(20260105),
    histories: count(8, 1_000).describe('three-year trajects per variant, for history size and replay'),
    'report-trajects': count(50_000, 500_000).describe('trajects seeded into the read model for the report'),
    'gateway-clients': count(50, 2_000).describe(
      'clients reading status at once through the gateway and the SDK',
    ),
    capacity: z
      .string()
      .regex(/^\d+(,\d+)*$/, { message: 'expected ascending counts such as 1000,10000' })
      .default('1000,10000')
      .transform((s) => s.split(',').map(Number))
      .refine((list) => list.every((n, i) => n > 0 && (i === 0 || n > list[i - 1]!)), {
        message: 'expected ascending counts above 0',
      }),
    caseload: count(5000, 100_000).describe('open trajecten of the organisation whose Mijn werk is timed'),
    'caseload-requests': count(40, 10_000).describe('Mijn werk requests timed'),
    'capacity-seconds': count(420, 86_400).describe('seconds each variant may take to open its trajects'),
    'capacity-concurrency': count(64, 1_000).describe('trajects the capacity workload opens at once'),
    only: z
      .string()
      .default(workloadNames.join(','))
      .transform((s) => s.split(',').map((w) => w.trim()))
      .pipe(z.array(z.enum(workloadNames, { message: `expected some of ${workloadNames.join(', ')}` }))),
    out: z.string().min(1).optional(),
    server: z.enum(['dev', 'cluster'], { message: 'expected dev or cluster' }).default('dev'),
    'open-concurrency': count(64, 2_000).describe('with --server cluster: trajects being opened at once'),
    'signal-concurrency': count(64, 2_000).describe('with --server cluster: burst signals in flight at once'),
    'worker-cache': z.coerce
      .number({ message: 'expected a number of trajects' })
      .int({ message: 'expected a whole number of trajects' })
      .min(0, { message: 'expected 0 or more' })
      .optional()
      .describe('with --server cluster: TIDW_MAX_CACHED_WORKFLOWS of each worker (default: the SDK default)'),
    shards: count(4, 1_024).describe("with --server cluster: the cluster's history shards"),
    servers: z
      .string()
      .default('dev,cluster')
      .transform((s) => s.split(',').map((w) => w.trim()))
      .pipe(z.array(z.enum(['dev', 'cluster'], { message: 'expected dev, cluster or both' })).min(1)),
  })
  .strict()
  // Only a run of every workload may replace the full results: a partial run writes beside them.
  .transform((options) => ({ ...options, out: options.out ?? defaultOut(options.only) }));

/** `bench/results/latest.json` for a full run; `bench/results/partial-<workloads>.json` for a run with --only. */
export function defaultOut(only: readonly WorkloadName[]): string {
  const full = workloadNames.every((name) => only.includes(name));
  return full
    ? 'bench/results/latest.json'
    : `bench/results/partial-${[...new Set(only)].sort().join('-')}.json`;
}

export type BenchOptions = z.infer<typeof OptionsSchema>;

export const usage = `npm run bench -- [options]

  --trajects N      complete trajects per throughput run (default 48)
  --concurrency C   trajects in flight at once; coordinators sending at once (default 24)
  --duration S      seconds of latency measurement per variant (default 60: the p99 of a saturated machine rests on
                    its slowest handful of updates, and 16 s of them moved it by ±20 % between runs)
  --histories H     three-year trajects per variant for history size and replay (default 8)
  --capacity LIST   open trajects to hold for the memory figures (default 1000,10000)
  --capacity-seconds S  time box per variant for opening them (default 420)
  --capacity-concurrency C  trajects opened at once for them (default 64; lower on a loaded machine, where a
                    worker that cannot keep up lets workflow tasks time out)
  --caseload N      open trajecten of one organisation for the Mijn werk timing (default 5000)
  --caseload-requests R  Mijn werk requests timed, and as many rounds of its SDK calls (default 40)
  --gateway-clients C  clients reading status at once, through the gateway and the SDK (default 50)
  --gateway-seconds S  seconds of the gateway workload, half through the gateway, half through the SDK (default 16)
  --seed N          seed of every random choice (default 20260105)
  --only LIST       run only these workloads: ${workloadNames.join(', ')}
  --out FILE        where to write the results (default bench/results/latest.json for a full run,
                    bench/results/partial-<workloads>.json for a run with --only)
  --server cluster  instead: the local cluster (npm run cluster) beside the dev server, with worker processes:
                    throughput with 1 and 2 workers (--trajects, --concurrency); then for each --capacity count (the
                    dev server the first only): open that many trajects (within --capacity-seconds), a feed burst of
                    five signals to each, memory; writes bench/results/cluster.json. With it:
  --open-concurrency N    trajects being opened at once (default 64)
  --signal-concurrency N  burst signals in flight at once (default 64)
  --worker-cache N        TIDW_MAX_CACHED_WORKFLOWS of each worker (default: the SDK's default for the heap)
  --shards N              the cluster's history shards (default 4)
  --servers LIST          dev,cluster (default), or one of them`;

/** Thrown when the command line holds a value the benchmark cannot use; the message names each option. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        trajects: { type: 'string' },
        concurrency: { type: 'string' },
        duration: { type: 'string' },
        seed: { type: 'string' },
        histories: { type: 'string' },
        'gateway-clients': { type: 'string' },
        'gateway-seconds': { type: 'string' },
        caseload: { type: 'string' },
        'caseload-requests': { type: 'string' },
        'report-trajects': { type: 'string' },
        capacity: { type: 'string' },
        'capacity-seconds': { type: 'string' },
        'capacity-concurrency': { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string' },
        server: { type: 'string' },
        'open-concurrency': { type: 'string' },
        'signal-concurrency': { type: 'string' },
        'worker-cache': { type: 'string' },
        shards: { type: 'string' },
        servers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new OptionsError(`${(err as Error).message}\n\n${usage}`);
  }
  if (values.help) return 'help';
  const { help: _help, ...rest } = values;
  const parsed = OptionsSchema.safeParse(rest);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n');
    throw new OptionsError(`invalid options:\n${problems}\n\n${usage}`);
  }
  return parsed.data;
}
