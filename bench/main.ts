/**
 * `npm run bench`: what durability and the statechart cost, measured side by side in one run (issue 7). Starts its
 * own Temporal dev servers, runs every workload for the engine and for a hand-written baseline workflow, alternating
 * them so that drift hits both, prints a table on stdout and writes bench/results/latest.json. Progress goes to
 * stderr. It is a benchmark, not a test: no figure makes it fail; a workload that cannot run does, after the others.
 */
import { isAbsolute, join } from 'node:path';
import pino from 'pino';
import { temporalBinaries } from '../worker/binaries';
import { projectRoot } from '../platform/paths';
import { createLogger } from '../worker/logger';
import { figures, type WorkloadResults } from './figures';
import {
  benchActivities,
  benchDataConverter,
  bundleBoth,
  installRuntime,
  runWorkers,
  startServer,
  Teardown,
  type Bundles,
} from './environment';
import { DeliveryObserver } from './observer';
import { clusterBench } from './workloads/cluster';
import { OptionsError, parseOptions, usage, type BenchOptions, type WorkloadName } from './options';
import { seededRandom } from './random';
import { table, writeResults, type Results } from './report';
import { elapsedMs } from './stats';
import { describeMachine, describeVersions } from './system';
import { variants, type Variant } from './variants';
import { runCapacity } from './workloads/capacity';
import { runCaseloadWorkload } from './workloads/caseload';
import { runGatewayWorkload } from './workloads/gateway';
import { runReportWorkload } from './workloads/report';
import { runHeap } from './workloads/heap';
import { runHistoryWorkload } from './workloads/history';
import { runLatencyRound } from './workloads/latency';
import { machineRound } from './workloads/machine';
import { floorRound } from './workloads/machine-floor';
import { replayPass } from './workloads/replay';
import { runThroughput } from './workloads/throughput';

const { engine, baseline, encrypted } = variants;
/** Engine, baseline, baseline, engine: a drift during the workload weighs on both alike. */
const abba: readonly Variant[] = [engine, baseline, baseline, engine];

/** How long a coordinator waits for an invitation before it gives up on a traject. */
const AWAIT_TIMEOUT_MS = 120_000;
/** Seconds of each pure-machine round, and of the warm-up before them. */
const MACHINE_ROUND_SECONDS = 2;
const MACHINE_WARM_UP_SECONDS = 0.5;
/** Replay passes per variant. */
const REPLAY_PASSES = 4;
/** Trajects opened for the live-heap reading, per variant. */
const HEAP_TRAJECTS = 500;

async function main(): Promise<number> {
  const started = performance.now();
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    console.error(err.message);
    return 2;
  }
  if (options === 'help') {
    console.log(usage);
    return 0;
  }
  const only = new Set<WorkloadName>(options.only);
  const logger = createLogger('info', pino.destination(2)).child({ component: 'bench' });
  installRuntime(logger);
  const teardown = new Teardown(logger);
  const interrupted = async () => {
    logger.warn({}, 'interrupted, tearing down');
    await teardown.unwind();
    process.exit(130);
  };
  process.once('SIGINT', () => void interrupted());
  process.once('SIGTERM', () => void interrupted());
  if (options.server === 'cluster') return clusterBench(options, teardown, logger);

  const random = seededRandom(options.seed);
  const results: WorkloadResults = {};
  const problems: string[] = [];
  const failed: string[] = [];
  /** Runs one workload; an error is reported and the next workload still runs. */
  const workload = async (name: string, run: () => Promise<void> | void) => {
    const mark = teardown.mark;
    const start = performance.now();
    logger.info({ 'bench.workload': name }, 'workload started');
    try {
      await run();
      logger.info(
        { 'bench.workload': name, 'bench.seconds': Math.round(elapsedMs(start) / 1000) },
        'workload done',
      );
    } catch (err) {
      logger.error({ err, 'bench.workload': name }, 'workload failed');
      failed.push(name);
      problems.push(`${name} failed: ${(err as Error).message}`);
    } finally {
      await teardown.unwind(mark);
    }
  };

  const { cli } = await temporalBinaries();
  try {
    if (only.has('machine')) {
      await workload('machine', () => {
        const rounds: NonNullable<WorkloadResults['machine']> = { engine: [], baseline: [] };
        // A short round each first, not counted: both are measured warm, as a long-running worker is.
        for (const variant of [engine, baseline]) machineRound(variant.name, MACHINE_WARM_UP_SECONDS);
        for (const variant of abba)
          rounds[variant.name]!.push(machineRound(variant.name, MACHINE_ROUND_SECONDS));
        results.machine = rounds;
        // The floor under the engine's figure: XState alone on the machine's states and edges, then with one assign.
        const floors: NonNullable<WorkloadResults['machineFloor']> = { bare: [], stamped: [] };
        for (const floor of ['bare', 'stamped'] as const) floorRound(floor, MACHINE_WARM_UP_SECONDS);
        for (const floor of ['bare', 'stamped', 'stamped', 'bare'] as const)
          floors[floor].push(floorRound(floor, MACHINE_ROUND_SECONDS));
        results.machineFloor = floors;
      });
    }

    const needsServer = ['throughput', 'latency', 'history', 'replay'].some((w) =>
      only.has(w as WorkloadName),
    );
    const capacity = only.has('capacity');
    let bundles: Bundles | undefined;
    if (needsServer || capacity || only.has('heap')) {
      logger.info({}, 'bundling workflows');
      bundles = await bundleBoth();
    }
    if (needsServer && bundles) {
      const observer = new DeliveryObserver();
      const activities = benchActivities(teardown, logger.child({}, { level: 'warn' }), observer);
      const dataConverter = benchDataConverter(teardown);
      const serverFor = async (persistence: 'sqlite' | 'memory') => {
        const server = await startServer(teardown, persistence, dataConverter, logger);
        await runWorkers(teardown, server, bundles, activities, dataConverter, logger);
        return {
          client: server.client,
          encryptedClient: server.encryptedClient,
          observer,
          awaitTimeoutMs: AWAIT_TIMEOUT_MS,
          serverPid: server.server.pid,
        };
      };

      type Ctx = Awaited<ReturnType<typeof serverFor>>;
      /** Throughput on one server, the variants in the order given (the two servers take them in turn). */
      const throughput = async (ctx: Ctx, persistence: 'memory' | 'sqlite', order: readonly Variant[]) => {
        const scale = {
          trajects: options.trajects,
          concurrency: options.concurrency,
          serverPid: ctx.serverPid,
        };
        for (const variant of order)
          results.throughput![persistence][variant.name] = await runThroughput(
            ctx,
            variant,
            scale,
            random,
            logger,
          );
      };

      if (only.has('throughput')) {
        results.throughput = { memory: {}, sqlite: {} };
        await workload('throughput, in-memory server', async () =>
          throughput(await serverFor('memory'), 'memory', [engine, baseline]),
        );
      }
      // One SQLite server (the embedded default) for everything else that runs in this process.
      await workload('sqlite server', async () => {
        const ctx = await serverFor('sqlite');
        if (only.has('throughput')) {
          // The encrypted engine right after the plain one: the pair shows what the codec costs.
          await workload('throughput, SQLite server', () =>
            throughput(ctx, 'sqlite', [baseline, engine, encrypted]),
          );
        }
        if (only.has('latency')) {
          await workload('latency', async () => {
            const rounds: NonNullable<WorkloadResults['latency']> = { engine: [], baseline: [] };
            for (const variant of abba) {
              const round = await runLatencyRound(
                ctx,
                variant,
                { coordinators: options.concurrency, seconds: options.duration / 2 },
                random,
              );
              rounds[variant.name]!.push(round);
              logger.info(
                { 'bench.variant': variant.name, 'updates.count': round.latenciesMs.length },
                'latency round done',
              );
            }
            results.latency = rounds;
          });
        }
        if (only.has('history') || only.has('replay')) {
          let histories: Awaited<ReturnType<typeof runHistoryWorkload>> | undefined;
          await workload('history', async () => {
            histories = await runHistoryWorkload(
              ctx,
              [engine, baseline, encrypted],
              options.histories,
              random,
              logger,
            );
            results.history = histories.size;
          });
          if (only.has('replay') && histories) {
            const h = histories;
            await workload('replay', async () => {
              const passes: NonNullable<WorkloadResults['replay']> = {
                engine: [],
                baseline: [],
                encrypted: [],
              };
              const order = [engine, baseline, encrypted];
              for (let pass = 0; pass < REPLAY_PASSES; pass += 1) {
                for (const variant of pass % 2 === 0 ? order : [...order].reverse()) {
                  passes[variant.name]!.push(
                    await replayPass(
                      variant === baseline ? bundles.baseline : bundles.engine,
                      h.histories[variant.name] ?? [],
                      pass,
                      variant.encrypted ? dataConverter : undefined,
                    ),
                  );
                }
              }
              results.replay = passes;
            });
          }
        }
      });
    }

    if (only.has('report')) {
      await workload('report', () => {
        results.report = runReportWorkload({
          trajects: options['report-trajects'],
          rounds: 3,
          seed: options.seed,
        });
      });
    }

    if (only.has('gateway')) {
      await workload('gateway', async () => {
        results.gateway = await runGatewayWorkload(
          teardown,
          {
            seconds: options['gateway-seconds'] / 2,
            clients: options['gateway-clients'],
            // TIDW_PROCESSING_LOG_DIR on tmpfs shows what the log's sync to disk costs.
            ...(process.env.TIDW_PROCESSING_LOG_DIR ? { logDir: process.env.TIDW_PROCESSING_LOG_DIR } : {}),
          },
          logger,
        );
      });
    }

    if (only.has('caseload')) {
      await workload('caseload', async () => {
        results.caseload = await runCaseloadWorkload(
          teardown,
          { trajects: options.caseload, requests: options['caseload-requests'] },
          logger,
        );
      });
    }

    if (only.has('heap') && bundles) {
      results.heap = {};
      for (const variant of [engine, baseline]) {
        await workload(`heap, ${variant.name}`, async () => {
          results.heap![variant.name] = await runHeap(teardown, variant, bundles, HEAP_TRAJECTS, logger);
        });
      }
    }

    if (capacity && bundles) {
      results.capacity = {};
      for (const variant of [engine, baseline]) {
        await workload(`capacity, ${variant.name}`, async () => {
          results.capacity![variant.name] = await runCapacity(
            teardown,
            variant,
            bundles,
            options.capacity,
            options['capacity-seconds'],
            random,
            options['capacity-concurrency'],
            logger,
          );
        });
      }
    }
  } finally {
    await teardown.unwind();
  }

  problems.push(...collectProblems(results));
  const report: Results = {
    date: new Date().toISOString(),
    seconds: elapsedMs(started) / 1000,
    seed: options.seed,
    options: { ...options },
    machine: describeMachine(),
    versions: describeVersions(cli),
    rows: figures(results, options.capacity),
    workloads: results as Record<string, unknown>,
    problems,
  };
  const out = isAbsolute(options.out) ? options.out : join(projectRoot(), options.out);
  writeResults(out, report);
  console.log(table(report));
  logger.info({ 'results.file': out, 'bench.seconds': Math.round(report.seconds) }, 'benchmark done');
  return failed.length > 0 ? 1 : 0;
}

/** Trajects that went wrong inside workloads that ran: they are reported, they do not fail the run. */
function collectProblems(results: WorkloadResults): string[] {
  const list: string[] = [];
  for (const persistence of ['memory', 'sqlite'] as const) {
    for (const r of Object.values(results.throughput?.[persistence] ?? {})) {
      list.push(...r.problems);
      if (r.escalations > 0)
        list.push(`throughput (${persistence}): ${r.escalations} escalation(s) on the happy path`);
    }
  }
  for (const rounds of Object.values(results.latency ?? {})) for (const r of rounds) list.push(...r.problems);
  for (const size of Object.values(results.history ?? {})) list.push(...size.problems);
  for (const passes of Object.values(results.replay ?? {})) for (const p of passes) list.push(...p.failures);
  for (const c of Object.values(results.capacity ?? {})) list.push(...c.problems);
  return list;
}

// The Temporal runtime's native threads keep the event loop alive after the last worker and connection closed, so the
// benchmark ends itself once its output is flushed rather than waiting for a loop that never empties.
const exit = (code: number) => process.stdout.write('', () => process.exit(code));
main().then(exit, (err: unknown) => {
  console.error(err);
  exit(1);
});
