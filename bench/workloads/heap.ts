/**
 * Workload 9, live heap per cached traject: what a cached traject keeps alive, without the garbage that RSS also
 * counts. A worker in the SDK's debug mode runs its workflows on this process's main thread, in the same reusable
 * sandbox as always, so that this process's heap holds them: the heap in use after a full collection, before and after
 * opening N trajects (each registered with consent and its urgency requested, as the capacity workload does), divided
 * by N. RSS (the capacity workload) is what an operator pays; this is what the traject itself holds. Each variant on a
 * SQLite dev server of its own.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import {
  benchActivities,
  createVariantWorker,
  startServer,
  type Bundles,
  type Teardown,
} from '../environment';
import { DeliveryObserver } from '../observer';
import { pool, sleep } from '../stats';
import type { Variant } from '../variants';
import { trajectOpener } from './capacity';

/** Opened before the first reading, so that what every workflow shares (the sandbox, shared modules) is there. */
const WARM_UP_TRAJECTS = 2;
const OPEN_AT_ONCE = 16;

export interface HeapResult {
  trajects: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  /** Live heap per cached traject. */
  bytesPerTraject: number;
}

/** The heap in use after a full collection (the flag is set at run time; the benchmark runs without --expose-gc). */
function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export async function runHeap(
  teardown: Teardown,
  variant: Variant,
  bundles: Bundles,
  trajects: number,
  logger: Logger,
): Promise<HeapResult> {
  const mark = teardown.mark;
  try {
    const { server, client } = await startServer(teardown, 'sqlite', undefined, logger);
    const connection = await NativeConnection.connect({ address: server.address });
    teardown.add('close heap worker connection', () => connection.close());
    const activities = benchActivities(teardown, logger.child({}, { level: 'warn' }), new DeliveryObserver());
    // Workflows on this thread, where this process's heap can be read; the sandbox is the same reusable one.
    const worker = await createVariantWorker(variant.name, connection, bundles, activities, undefined, true);
    const running = worker.run();
    teardown.add('stop heap worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const open = trajectOpener(client, variant);
    for (let i = 0; i < WARM_UP_TRAJECTS; i += 1) await open(`heap-warm-${variant.name}-${i}`);
    await sleep(1000);
    const heapBeforeBytes = liveHeap();
    const refs = Array.from({ length: trajects }, (_, i) => `heap-${variant.name}-${i}`);
    await pool(refs, OPEN_AT_ONCE, open);
    await sleep(2000);
    const heapAfterBytes = liveHeap();
    const bytesPerTraject = (heapAfterBytes - heapBeforeBytes) / trajects;
    logger.info(
      { 'bench.variant': variant.name, 'heap.kibPerTraject': Math.round(bytesPerTraject / 102.4) / 10 },
      'live heap per cached traject',
    );
    return { trajects, heapBeforeBytes, heapAfterBytes, bytesPerTraject };
  } finally {
    await teardown.unwind(mark);
  }
}
