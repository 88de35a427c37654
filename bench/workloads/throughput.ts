/**
 * Workload 1, throughput: N complete trajects along the Almere happy path (fast covenant), C at a time. A traject
 * cannot finish sooner than its covenant allows (four evaluation intervals), so the figure is how close the
 * system comes to C trajects per traject-duration, and how many workflow state transitions per second it carries.
 */
import type { Logger } from 'pino';
import { driveTraject, type DriveContext, type TrajectOutcome } from '../driver';
import { fastCovenant, fastPlan } from '../plan';
import type { Random } from '../random';
import { trajectRefs } from '../random';
import { elapsedMs, median, percentile, pool } from '../stats';
import { cpuMs } from '../system';
import type { Variant } from '../variants';

export interface ThroughputResult {
  trajects: number;
  concurrency: number;
  completed: number;
  seconds: number;
  trajectsPerSecond: number;
  transitionsPerSecond: number;
  /** Median wall-clock time of one traject from start to its workflow's end, in seconds. */
  trajectSecondsMedian: number;
  updateP99Ms: number;
  /** CPU time per completed traject: this process (coordinators, worker, activities) and the dev server. */
  benchCpuMsPerTraject: number;
  serverCpuMsPerTraject: number;
  escalations: number;
  problems: string[];
}

export async function runThroughput(
  ctx: Omit<DriveContext, 'variant' | 'covenant'>,
  variant: Variant,
  options: { trajects: number; concurrency: number; serverPid: number | undefined },
  random: Random,
  logger: Logger,
): Promise<ThroughputResult> {
  const plan = fastPlan();
  const nextRef = trajectRefs(random, `tp-${variant.name}`);
  const refs = Array.from({ length: options.trajects }, nextRef);
  const outcomes: TrajectOutcome[] = [];
  const durations: number[] = [];
  const start = performance.now();
  const cpuBefore = { bench: cpuMs(process.pid), server: cpuMs(options.serverPid) };
  let done = 0;
  await pool(refs, options.concurrency, async (ref) => {
    const began = performance.now();
    const outcome = await driveTraject({ ...ctx, variant, covenant: fastCovenant }, plan, ref, {
      waitForEnd: true,
    });
    durations.push(elapsedMs(began) / 1000);
    outcomes.push(outcome);
    done += 1;
    if (done % Math.max(1, Math.floor(options.trajects / 4)) === 0)
      logger.info({ 'bench.variant': variant.name, 'trajects.done': done }, 'throughput progress');
  });
  const seconds = elapsedMs(start) / 1000;
  const benchCpu = cpuMs(process.pid) - cpuBefore.bench;
  const serverCpu = cpuMs(options.serverPid) - cpuBefore.server;
  const completed = outcomes.filter((o) => o.completed);
  const transitions = completed.reduce((sum, o) => sum + o.events, 0);
  return {
    trajects: options.trajects,
    concurrency: options.concurrency,
    completed: completed.length,
    seconds,
    trajectsPerSecond: completed.length / seconds,
    transitionsPerSecond: transitions / seconds,
    trajectSecondsMedian: median(durations),
    updateP99Ms: percentile(
      outcomes.flatMap((o) => o.latenciesMs),
      99,
    ),
    benchCpuMsPerTraject: benchCpu / completed.length,
    serverCpuMsPerTraject: serverCpu / completed.length,
    escalations: outcomes.reduce((sum, o) => sum + o.escalations, 0),
    problems: outcomes.flatMap((o) => (o.problem ? [o.problem] : [])),
  };
}
