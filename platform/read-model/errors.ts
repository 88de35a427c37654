import { TidwError } from '../errors';

/** Thrown when the read model cannot be opened or read: the file is missing, locked or not a read model. */
export class ReadModelUnavailable extends TidwError {
  readonly code = 'ReadModelUnavailable';
  override readonly name = 'ReadModelUnavailable';
  readonly refused = false;
}
