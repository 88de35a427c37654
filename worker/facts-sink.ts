/**
 * The worker's side of the read model's feed since the lean-history patch (workflows/facts.ts): the workflow's
 * `readModel.recordFacts` sink call writes the facts with the same `recordTrajectFacts` the local activity runs. A sink
 * call leaves nothing in history and is not made again when a history replays, so a write that fails is retried here,
 * in memory, as the activity would be; one lost with the worker is made good by the traject's next change, and the
 * last facts of a run are written durably by the workflow itself as the run ends.
 */
import { Runtime, type InjectedSinks } from '@temporalio/worker';
import type { TenancyActivities } from '../activities/types';
import type { ReadModelSinks } from '../workflows/facts';

/** The activity's retry policy (workflows/facts.ts), without its durability. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;
const GIVE_UP_AFTER_MS = 60 * 60_000;

export function readModelSinks(
  recordTrajectFacts: TenancyActivities['recordTrajectFacts'],
): InjectedSinks<ReadModelSinks> {
  return {
    readModel: {
      recordFacts: {
        fn: (_info, input) => {
          const started = Date.now();
          const attempt = (delayMs: number) => {
            // A store that is down may throw at once, or reject: either way a retry.
            Promise.resolve()
              .then(() => recordTrajectFacts(input))
              .catch((err: unknown) => {
                if (Date.now() - started + delayMs > GIVE_UP_AFTER_MS) {
                  // The next change of the traject writes its whole facts again.
                  Runtime.instance().logger.warn('facts not recorded', { 'facts.seq': input.seq, err });
                  return;
                }
                setTimeout(() => attempt(Math.min(delayMs * 2, MAX_RETRY_MS)), delayMs).unref();
              });
          };
          attempt(FIRST_RETRY_MS);
        },
        callDuringReplay: false,
      },
    },
  };
}
