/**
 * The worker of the capacity workload, in a process of its own so that its memory is the worker's alone. Started by
 * the benchmark with fork(); it answers `memory` with process.memoryUsage() and stops on `stop` or when its parent
 * goes away.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { z } from 'zod';
import { createActivities } from '../activities';
import { createLogger } from '../worker/logger';
import { createVariantWorker, installRuntime } from './environment';

const ArgsSchema = z.object({
  address: z.string().min(1),
  variant: z.enum(['engine', 'baseline']),
  engineBundlePath: z.string().min(1),
  baselineBundlePath: z.string().min(1),
  outboxDir: z.string().min(1),
});
export type CapacityWorkerArgs = z.infer<typeof ArgsSchema>;

export type CapacityWorkerMessage =
  { type: 'ready'; maxCachedWorkflows: number } | { type: 'memory'; usage: NodeJS.MemoryUsage };

async function main(): Promise<void> {
  const args = ArgsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const logger = createLogger('warn', pino.destination(2)).child({ component: 'capacity-worker' });
  installRuntime(logger);
  const connection = await NativeConnection.connect({ address: args.address });
  const worker = await createVariantWorker(
    args.variant,
    connection,
    {
      engine: { code: readFileSync(args.engineBundlePath, 'utf8') },
      baseline: { code: readFileSync(args.baselineBundlePath, 'utf8') },
    },
    createActivities({ delivery: { endpoints: {}, outboxDir: args.outboxDir, timeoutMs: 5000 }, logger }),
  );
  const running = worker.run();
  const stop = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.on('message', (message: unknown) => {
    if (message === 'memory') process.send?.({ type: 'memory', usage: process.memoryUsage() });
    if (message === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.send?.({ type: 'ready', maxCachedWorkflows: worker.options.maxCachedWorkflows });
  await running;
  await connection.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
