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

/** A Temporal `Logger` that writes to pino, keeping Temporal's metadata as fields. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) =>
    logger[levels[level]]({ ...meta }, message);
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
