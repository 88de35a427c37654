/**
 * The errors `npm start` can end with. Each says what to do; `npm start` logs its message without a stack trace and
 * exits with code 1.
 */
import { TidwError } from '../platform/errors';

/** Thrown when a port the embedded server needs is held by another program. */
export class PortInUse extends TidwError {
  readonly code = 'PortInUse';
  override readonly name = 'PortInUse';
  readonly refused = false;
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(
      `port ${port} is in use: is another Temporal server (or npm start on another data directory) running? Stop it, or set ${variable}`,
    );
  }
}

/** Thrown when the embedded Temporal dev server does not come up; its log says why. */
export class ServerDidNotStart extends TidwError {
  readonly code = 'ServerDidNotStart';
  override readonly name = 'ServerDidNotStart';
  readonly refused = false;
  constructor(address: string, timeoutMs?: number, logFile?: string) {
    super(
      `the Temporal dev server at ${address} did not start${timeoutMs ? ` within ${timeoutMs / 1000} s` : ''}${logFile ? `; its log is in ${logFile}` : ''}`,
    );
  }
}
