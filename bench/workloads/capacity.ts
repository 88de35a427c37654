/**
 * Workload 5, capacity: how much memory the worker and the server hold with 1,000 and 10,000 open trajects waiting
 * on timers. Each variant gets a fresh SQLite dev server (the embedded default of `npm start`) and its worker in a
 * process of its own, with the worker's default cache. A traject is registered with the client's consent
 * (update-with-start) and its urgency requested (an update), under the real Almere covenant: it then waits on its
 * eight-week urgency decision timer. Opening trajects is bounded in time: a count not reached within the time box is
 * reported as such, with the memory at the count that was reached.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { actorFor } from '../../test/support/model';
import type { CapacityWorkerArgs, CapacityWorkerMessage } from '../capacity-worker';
import { describeError } from '../driver';
import { scratchDir, startServer, type Bundles, type Teardown } from '../environment';
import { almere } from '../plan';
import { trajectRefs, type Random } from '../random';
import { elapsedMs, pool, sleep } from '../stats';
import { rssBytes, workflowThreadsCpuMs } from '../system';
import type { Variant } from '../variants';

/** Quiet time before memory is read, so that in-flight tasks are done. */
const SETTLE_MS = 3000;

export interface CapacityPoint {
  openTrajects: number;
  /** The count this point was meant for; `openTrajects` is lower when the time box ended first. */
  target: number;
  workerRssBytes: number;
  workerHeapUsedBytes: number;
  serverRssBytes: number;
  /** How many of the open trajects the worker keeps in its cache (the rest are replayed when they wake). */
  cachedWorkflows: number;
  /** Seconds it took to open the trajects added for this point. */
  openingSeconds: number;
  /**
   * CPU time of the worker's workflow thread (with the V8 helper threads, not the main thread nor Temporal Core's)
   * per traject opened for this point: its start and two updates, each a new workflow in the sandbox.
   */
  workflowThreadCpuMsPerOpened: number;
}

export interface CapacityResult {
  /** Before any traject was opened. */
  idle: { workerRssBytes: number; serverRssBytes: number };
  points: CapacityPoint[];
  maxCachedWorkflows: number;
  problems: string[];
}

function startWorkerProcess(
  args: CapacityWorkerArgs,
): Promise<{ child: ChildProcess; maxCachedWorkflows: number }> {
  const child = fork(join(__dirname, '..', 'capacity-worker.js'), [JSON.stringify(args)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`capacity worker exited with code ${code}`)));
    child.on('message', (message: CapacityWorkerMessage) => {
      if (message.type === 'ready') resolve({ child, maxCachedWorkflows: message.maxCachedWorkflows });
    });
  });
}

function heapUsed(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(Number.NaN), 5000);
    const listen = (message: CapacityWorkerMessage) => {
      if (message.type !== 'memory') return;
      clearTimeout(timer);
      child.off('message', listen);
      resolve(message.usage.heapUsed);
    };
    child.on('message', listen);
    child.send('memory');
  });
}

async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Opens a traject as a care provider's system would and leaves it waiting: consent with the start, then the urgency
 * request, both updates so that they are taken in this order; it then waits on its eight-week decision timer.
 */
export function trajectOpener(client: Client, variant: Variant): (ref: string) => Promise<void> {
  const consent = { type: 'INSTEMMING_GEGEVEN', actor: actorFor(almere, 'client') };
  const request = { type: 'URGENTIE_AANGEVRAAGD', actor: actorFor(almere, 'zorgaanbieder') };
  return async (ref) => {
    const start = new WithStartWorkflowOperation(variant.workflowType, {
      taskQueue: variant.taskQueue,
      workflowId: variant.workflowId(ref),
      args: variant.startArgs(ref, almere),
      workflowIdConflictPolicy: 'FAIL',
    });
    await client.workflow.executeUpdateWithStart(variant.update, {
      args: [{ event: consent }],
      startWorkflowOperation: start,
    });
    await (await start.workflowHandle()).executeUpdate(variant.update, { args: [{ event: request }] });
  };
}

export async function runCapacity(
  teardown: Teardown,
  variant: Variant,
  bundles: Bundles,
  counts: readonly number[],
  seconds: number,
  random: Random,
  /** Trajects opened at once. */
  concurrency: number,
  logger: Logger,
): Promise<CapacityResult> {
  const name = variant.name;
  if (name === 'encrypted')
    throw new Error('the capacity workload measures the engine and the baseline only');
  const mark = teardown.mark;
  const problems: string[] = [];
  try {
    const { server, client } = await startServer(teardown, 'sqlite', undefined, logger);
    const dir = scratchDir(teardown, `capacity-${variant.name}`);
    const engineBundlePath = join(dir, 'engine-bundle.js');
    const baselineBundlePath = join(dir, 'baseline-bundle.js');
    writeFileSync(engineBundlePath, bundles.engine.code);
    writeFileSync(baselineBundlePath, bundles.baseline.code);
    const { child, maxCachedWorkflows } = await startWorkerProcess({
      address: server.address,
      variant: name,
      engineBundlePath,
      baselineBundlePath,
      outboxDir: join(dir, 'outbox'),
    });
    teardown.add(`stop ${variant.name} capacity worker`, () => stopWorkerProcess(child));

    const nextRef = trajectRefs(random, `cap-${variant.name}`);
    const openTraject = trajectOpener(client, variant);
    await sleep(SETTLE_MS);
    const idle = { workerRssBytes: rssBytes(child.pid), serverRssBytes: rssBytes(server.pid) };
    const points: CapacityPoint[] = [];
    const deadline = performance.now() + seconds * 1000;
    let open = 0;
    for (const target of counts) {
      const refs = Array.from({ length: target - open }, nextRef);
      const openBefore = open;
      const cpuBefore = workflowThreadsCpuMs(child.pid);
      const start = performance.now();
      await pool(refs, concurrency, async (ref) => {
        if (performance.now() > deadline || child.exitCode !== null) return;
        try {
          await openTraject(ref);
          open += 1;
        } catch (err) {
          if (problems.length < 10) problems.push(`${variant.name} ${ref}: ${describeError(err)}`);
        }
      });
      const openingSeconds = elapsedMs(start) / 1000;
      if (child.exitCode !== null) {
        problems.push(
          `${variant.name}: the worker process exited (code ${child.exitCode}) with ${open} open trajects`,
        );
        break;
      }
      await sleep(SETTLE_MS);
      const opened = open - openBefore;
      const point: CapacityPoint = {
        openTrajects: open,
        target,
        workerRssBytes: rssBytes(child.pid),
        workerHeapUsedBytes: await heapUsed(child),
        serverRssBytes: rssBytes(server.pid),
        cachedWorkflows: Math.min(open, maxCachedWorkflows),
        openingSeconds,
        workflowThreadCpuMsPerOpened:
          opened > 0 ? (workflowThreadsCpuMs(child.pid) - cpuBefore) / opened : Number.NaN,
      };
      points.push(point);
      logger.info(
        {
          'bench.variant': variant.name,
          'trajects.open': open,
          'trajects.target': target,
          'worker.rssMiB': Math.round(point.workerRssBytes / 2 ** 20),
          'server.rssMiB': Math.round(point.serverRssBytes / 2 ** 20),
          'opening.seconds': Math.round(openingSeconds),
          'workflowThread.cpuMsPerOpened': Math.round(point.workflowThreadCpuMsPerOpened * 100) / 100,
        },
        'capacity point',
      );
      if (open < target) {
        problems.push(
          `${variant.name}: ${open} of ${target} trajects opened within the ${seconds} s time box`,
        );
        break;
      }
    }
    return { idle, points, maxCachedWorkflows, problems };
  } finally {
    await teardown.unwind(mark);
  }
}
