/**
 * An update can reach a traject's run just as that run continues as new. The run refuses it (TrajectMoving) or the
 * server says the run has completed; either way the event was not taken, and sending it again reaches the next run.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TRAJECT_MOVING } from '../workflows/messages';

/** Whether an update failed only because its run was closing, so that it should be sent again. */
export function isMoving(err: unknown): boolean {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
    return err.cause.type === TRAJECT_MOVING;
  const e = err as { code?: number; details?: string; message?: string } | undefined;
  return e?.code === 5 && /already completed/i.test(`${e.details ?? ''} ${e.message ?? ''}`);
}

/** Runs an update, sending it again (up to five times, briefly apart) while its run was closing. */
export async function sendThroughMoves<T>(update: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await update();
    } catch (err) {
      if (attempt >= 5 || !isMoving(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
