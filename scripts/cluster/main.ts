/**
 * `npm run cluster`: a local Temporal cluster on PostgreSQL with two tenancy workers, left running in the background;
 * `npm run cluster -- --down` stops it. A second `npm run cluster` while it runs says so and changes nothing.
 */
import { isAbsolute, join, relative } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { projectRoot } from '../../platform/paths';
import { createLogger } from '../../worker/logger';
import { Cluster, NAMESPACE } from './cluster';
import { SERVICES } from './layout';
import { clusterBinaries } from './provision';

const OptionsSchema = z.object({
  down: z.boolean().default(false),
  dir: z.string().min(1).default(join('.data', 'cluster')),
  workers: z.coerce.number().int().min(1).max(8).default(2),
  shards: z.coerce.number().int().min(1).max(512).default(4),
  port: z.coerce.number().int().min(1).max(65535).default(7233),
});
type Options = z.infer<typeof OptionsSchema>;

function describe(cluster: Cluster, pids: Record<string, number>): string {
  const { layout } = cluster;
  const dir = relative(process.cwd(), layout.dir) || '.';
  const pid = (name: string) => (pids[name] ? `pid ${pids[name]}` : 'not running');
  const rows: Array<[string, string, string]> = [
    [
      'PostgreSQL 127.0.0.1',
      String(layout.ports.postgres),
      `${pid('postgres')}, databases temporal, temporal_visibility`,
    ],
    ...SERVICES.map((name): [string, string, string] => [
      `temporal ${name}`,
      String(layout.ports[name].grpc),
      `${pid(`temporal-${name}`)}, membership port ${layout.ports[name].membership}` +
        (name === 'history' ? `, ${layout.historyShards} shards` : '') +
        (name === 'frontend' ? `, HTTP ${layout.ports.frontendHttp}` : ''),
    ]),
    ...Array.from({ length: layout.workers }, (_, i): [string, string, string] => [
      `tenancy worker ${i + 1}`,
      '-',
      `${pid(`tidw-worker-${i + 1}`)}, log ${join(dir, 'logs', `tidw-worker-${i + 1}.log`)}`,
    ]),
    [
      'gateway',
      '-',
      pids.gateway
        ? `${pid('gateway')}, http://127.0.0.1:${process.env.TIDW_HTTP_PORT ?? '8080'}/v1, log ${join(dir, 'logs', 'gateway.log')}`
        : 'not running (TIDW_HTTP_PORT=0, or its port was taken: see logs/gateway.log)',
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const env = Object.entries(cluster.clientEnv)
    .map(([k, v]) => `${k}=${v.startsWith(projectRoot()) ? relative(process.cwd(), v) : v}`)
    .join(' ');
  return [
    `Temporal cluster at ${cluster.address} (namespace ${NAMESPACE}), data and logs in ${dir}/`,
    ...rows.map(([name, port, rest]) => `  ${name.padEnd(width)}  ${port.padStart(5)}  ${rest}`),
    '',
    'Use it (tidw, the SDK, another worker):',
    `  export ${env}`,
    '  npx tidw list',
    'Stop it: npm run cluster -- --down',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('npm run cluster --')
    .description('a local Temporal cluster on PostgreSQL with two tenancy workers, in the background')
    .option('--down', 'stop the cluster')
    .option('--dir <dir>', 'where the cluster keeps its data and logs', join('.data', 'cluster'))
    .option('--workers <n>', 'tenancy workers (first start only)', '2')
    .option('--shards <n>', 'history shards (first start only: fixed for the life of the database)', '4')
    .option(
      '--port <port>',
      "the frontend's gRPC port when free, else any free port (first start only)",
      '7233',
    )
    .parse(argv, { from: 'user' });
  const parsed = OptionsSchema.safeParse(program.opts());
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    return 2;
  }
  const options: Options = parsed.data;
  const dir = isAbsolute(options.dir) ? options.dir : join(process.cwd(), options.dir);
  const logger = createLogger(process.env.TIDW_LOG_LEVEL === 'debug' ? 'debug' : 'info', process.stderr);
  const cluster = await Cluster.open({
    dir,
    workers: options.workers,
    historyShards: options.shards,
    frontendPort: options.port,
    binaries: await clusterBinaries(),
    logger,
  });
  const running = cluster.running();

  if (options.down) {
    if (Object.keys(running).length === 0) {
      console.log(`no cluster running in ${relative(process.cwd(), dir) || '.'}`);
      return 0;
    }
    await cluster.down();
    console.log('cluster stopped');
    return 0;
  }

  const expected = 1 + SERVICES.length + cluster.layout.workers;
  const runningParts = Object.keys(running).filter((name) => name !== 'gateway').length;
  if (runningParts === expected) {
    console.log(`the cluster is already running\n\n${describe(cluster, running)}`);
    return 0;
  }
  if (runningParts > 0)
    logger.info({ 'cluster.running': Object.keys(running) }, 'starting what is not running');
  try {
    await cluster.up();
  } catch (err) {
    logger.error({ err }, 'cluster did not come up; stopping what started');
    await cluster.down();
    return 1;
  }
  console.log(describe(cluster, cluster.running()));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
