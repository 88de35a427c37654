/**
 * Tells, once, when the Temporal server the worker needs stops answering, and once when it is back. Meanwhile the
 * worker keeps retrying on its own, and the Temporal core's repeated poll warnings are kept at debug level
 * (worker/logger.ts): this is the one line an operator needs.
 */
import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';

export interface ServerWatchOptions {
  connection: Connection;
  address: string;
  logger: Logger;
  /** What else is known when the server is down (the embedded server exited, where its log is). */
  details?: () => Record<string, unknown>;
  intervalMs?: number;
}

export interface ServerWatch {
  stop(): Promise<void>;
}

export function watchServer(options: ServerWatchOptions): ServerWatch {
  const interval = options.intervalMs ?? 2000;
  let down = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> = Promise.resolve();
  const check = async () => {
    let reachable = true;
    try {
      await options.connection.withDeadline(Date.now() + Math.min(interval, 1500), () =>
        options.connection.workflowService.getSystemInfo({}),
      );
    } catch {
      reachable = false;
    }
    if (stopped) return;
    if (!reachable && !down) {
      options.logger.error(
        { 'temporal.address': options.address, ...options.details?.() },
        'temporal server unreachable; the worker waits for it',
      );
    } else if (reachable && down) {
      options.logger.info({ 'temporal.address': options.address }, 'temporal server reachable again');
    }
    down = !reachable;
  };
  const schedule = () => {
    timer = setTimeout(() => {
      checking = check().finally(() => {
        if (!stopped) schedule();
      });
    }, interval);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await checking;
    },
  };
}
