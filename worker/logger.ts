/**
 * Structured logging with pino, and the Temporal runtime's logger routed into it. Temporal logs `(message, meta)`;
 * pino takes `(object, message)`.
 */
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/worker';
import pino, { type DestinationStream, type Logger } from 'pino';

export function createLogger(level: pino.LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'thuis-in-de-wijk' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination,
  );
}

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The core's warning for each failed poll while the server is down: several a second, each with a transport error.
 * worker/server-watch.ts says once that the server is unreachable; these stay at debug.
 */
const pollRetry = /^gRPC call poll_\w+ retried \d+ times/;

/** A Temporal `Logger` that writes to pino, keeping Temporal's metadata as fields. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) =>
    logger[level === 'WARN' && pollRetry.test(message) ? 'debug' : levels[level]]({ ...meta }, message);
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
