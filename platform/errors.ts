/**
 * The error base every package of the engine shares (the SDK, the worker, the gateway), and the errors of this folder.
 * A caller switches on `code`; `refused` says whether the caller's input was the problem.
 */

/** The base of every typed error of the engine. */
export abstract class TidwError extends Error {
  abstract readonly code: string;
  /** Whether the caller's input was the problem (the CLI exits with 2), rather than the system (exit 1). */
  abstract readonly refused: boolean;
}

/** Thrown when a payload cannot be decrypted: its key is not in the key ring, or its traject's data key is gone. */
export class KeyNotAvailable extends TidwError {
  readonly code = 'KeyNotAvailable';
  override readonly name = 'KeyNotAvailable';
  readonly refused = false;
}
