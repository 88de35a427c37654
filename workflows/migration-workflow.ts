/**
 * Moves a list of trajecten onto another covenant version, in batches, durably (issue 15): a worker restarted
 * mid-batch replays this workflow from its history, so every request already sent stays sent and nothing is migrated
 * twice (a traject already on the version answers `skipped` anyway). Rate-limited by a pause between batches; its
 * progress is a query; its result the report. Listing the trajecten is a visibility query, so the caller (tidw) lists
 * them and passes their references.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  changeCovenantSignal,
  covenantChangeReplySignal,
  migrationProgressQuery,
  workflowIdFor,
  type CovenantChangeReply,
  type CovenantMigrationInput,
  type MigrationOutcome,
  type MigrationProgress,
} from './messages';

export type { CovenantMigrationInput, MigrationOutcome, MigrationProgress } from './messages';
export { migrationProgressQuery } from './messages';

/** A run continues as new after this many trajecten, to keep its history short. */
const PER_RUN = 500;

export async function covenantMigrationWorkflow(input: CovenantMigrationInput): Promise<MigrationProgress> {
  const { workflowId } = workflowInfo();
  const outcomes: MigrationOutcome[] = [...(input.done ?? [])];
  const replies = new Map<string, CovenantChangeReply>();
  const progress = (): MigrationProgress => ({
    total: input.clientRefs.length,
    done: outcomes.length,
    migrated: outcomes.filter((o) => o.result === 'migrated').length,
    skipped: outcomes.filter((o) => o.result === 'skipped').length,
    failed: outcomes.filter((o) => o.result === 'failed').length,
    outcomes: outcomes.slice(),
  });
  setHandler(migrationProgressQuery, progress);
  setHandler(covenantChangeReplySignal, (reply) => {
    replies.set(reply.requestId, reply);
  });

  const batchSize = input.batchSize ?? 10;
  const finished = new Set(outcomes.map((o) => o.clientRef));
  const remaining = input.clientRefs.filter((ref) => !finished.has(ref));
  let thisRun = 0;
  for (let i = 0; i < remaining.length; i += batchSize) {
    const batch = remaining.slice(i, i + batchSize);
    const requestId = (ref: string) => `${workflowId}:${ref}`;
    const unreachable = new Map<string, string>();
    await Promise.all(
      batch.map(async (ref) => {
        try {
          await getExternalWorkflowHandle(workflowIdFor(ref)).signal(changeCovenantSignal, {
            requestId: requestId(ref),
            replyTo: workflowId,
            change: { actor: input.actor, covenant: input.covenant, reason: input.reason },
          });
        } catch {
          unreachable.set(ref, 'the traject is not running');
        }
      }),
    );
    await condition(
      () => batch.every((ref) => unreachable.has(ref) || replies.has(requestId(ref))),
      input.answerTimeoutMs ?? 60_000,
    );
    for (const ref of batch) {
      const reply = replies.get(requestId(ref));
      const notRunning = unreachable.get(ref);
      if (notRunning) outcomes.push({ clientRef: ref, result: 'skipped', reason: notRunning });
      else if (reply)
        outcomes.push({
          clientRef: ref,
          result: reply.result,
          ...(reply.reason ? { reason: reply.reason } : {}),
        });
      else outcomes.push({ clientRef: ref, result: 'failed', reason: 'no answer in time' });
    }
    thisRun += batch.length;
    if (i + batchSize < remaining.length) {
      if (thisRun >= PER_RUN || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof covenantMigrationWorkflow>({ ...input, done: outcomes });
      }
      await sleep(input.pauseMs ?? 1000);
    }
  }
  return progress();
}
