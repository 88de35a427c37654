/**
 * A traject's recorded history: every run of its workflow, first to last, through continue-as-new. Each run's
 * history is Temporal's standard history (the same the CLI and the replayer read).
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

export type History = temporal.api.history.v1.IHistory;

export interface RunHistory {
  runId: string;
  history: History;
}

/** Fetches every run of a workflow, oldest first, by walking back from the latest run to the first. */
export async function fetchHistoryChain(client: Client, workflowId: string): Promise<RunHistory[]> {
  const runs: RunHistory[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ runId, history });
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    runId = started?.continuedExecutionRunId || undefined;
  }
  return runs;
}
