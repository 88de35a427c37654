/**
 * Workload 3, auditor replay: the three-year histories of workload 4 replayed by a replay worker
 * (`Worker.runReplayHistories`), as an auditor does to check that the recorded history is what the code decides.
 * A pass replays every run of every chain, several times over so that it lasts long enough to time; the figure is
 * whole three-year trajects (chains) replayed per second, replay-worker start-up included.
 */
import type { HistoryAndWorkflowId } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { replaySinks } from '../../platform/workflow-bundle';
import { elapsedMs } from '../stats';

/** At least this many runs per pass. */
const RUNS_PER_PASS = 48;

export interface ReplayPass {
  seconds: number;
  runs: number;
  chains: number;
  failures: string[];
}

export async function replayPass(
  bundle: WorkflowBundle,
  histories: readonly HistoryAndWorkflowId[],
  pass: number,
  /** For encrypted histories: the payload codec the replay worker decodes them with, as an auditor's would. */
  dataConverter?: DataConverter,
): Promise<ReplayPass> {
  const chains = new Set(histories.map((h) => h.workflowId)).size;
  const copies = Math.max(1, Math.ceil(RUNS_PER_PASS / Math.max(1, histories.length)));
  // The replay worker takes one history at a time and evicts it after, so a copy replays like the first (the
  // workflow id stays: activity ids are derived from it).
  const batch = Array.from({ length: copies }, () => histories).flat();
  const failures: string[] = [];
  const start = performance.now();
  for await (const result of Worker.runReplayHistories(
    {
      workflowBundle: bundle,
      replayName: `bench-replay-${pass}`,
      sinks: replaySinks,
      ...(dataConverter ? { dataConverter } : {}),
    },
    batch,
  )) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return { seconds: elapsedMs(start) / 1000, runs: batch.length, chains: chains * copies, failures };
}
