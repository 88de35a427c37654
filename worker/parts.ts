/**
 * The parts `npm start` runs (codec server, dev server, worker, and whatever starts after the worker), and how they
 * stop: on the first Ctrl-C or SIGTERM, or when a part fails, every part that started is stopped once, the last
 * started first, each within a bounded time. A second signal, or a stop that takes too long, ends the process at once.
 */
import type { Logger } from 'pino';

interface Part {
  name: string;
  stop: () => Promise<void>;
}

export class Parts {
  private readonly parts: Part[] = [];
  private stopRequested: (reason: string) => void = () => {};
  /** Resolves with why the process should stop: a signal's name, or a part that failed. */
  readonly stopped: Promise<string>;
  private failure: unknown;
  private stopping: Promise<void> | undefined;
  /** The signal that asked to stop, once one did. */
  signal: NodeJS.Signals | undefined;

  constructor(
    private readonly logger: Logger,
    /** How long stopping all parts may take before the process is ended anyway. */
    private readonly graceMs = 20_000,
  ) {
    this.stopped = new Promise((resolve) => (this.stopRequested = resolve));
  }

  /** Listens for Ctrl-C (SIGINT) and SIGTERM from now on. */
  listen(): this {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      // Ctrl-C in a terminal reaches us twice: from the terminal, and forwarded by npm. Only a later one insists.
      if (first !== undefined) {
        if (Date.now() - first < 2000) return;
        this.logger.warn({ signal }, 'second signal; exiting without waiting');
        process.exit(130);
      }
      first = Date.now();
      this.logger.info({ signal }, 'stopping');
      this.signal = signal;
      this.stopRequested(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return this;
  }

  /** A part that has started; it is stopped before every part added earlier. */
  add(name: string, stop: () => Promise<void>): void {
    this.parts.push({ name, stop });
  }

  /**
   * A part failed while starting or running: everything stops, and the process exits with the failure. After a
   * signal it is no failure: start-up that goes on while its parts stop fails on the closed connections.
   */
  fail(err: unknown): void {
    if (this.signal) return;
    this.failure ??= err;
    this.stopRequested('failure');
  }

  /** The failure that stopped the process, if one did. */
  get failed(): unknown {
    return this.failure;
  }

  /** Stops every part, the last started first; a part that fails to stop is logged and the others still stop. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      const timer = setTimeout(() => {
        this.logger.error({ 'stop.graceMs': this.graceMs }, 'did not stop in time; exiting');
        process.exit(1);
      }, this.graceMs);
      timer.unref();
      for (const part of [...this.parts].reverse()) {
        try {
          await part.stop();
        } catch (err) {
          this.logger.warn({ err, part: part.name }, 'could not stop cleanly');
        }
      }
      clearTimeout(timer);
    })();
    return this.stopping;
  }
}
