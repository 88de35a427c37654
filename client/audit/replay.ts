/**
 * Proving that today's code reproduces recorded trajecten: each history is replayed with the current workflow code;
 * a difference is a nondeterminism error that names the event where it diverged.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { WorkflowBundle } from '@temporalio/worker';
import { replaySinks, workflowBundleOptions } from '../../platform/workflow-bundle';
import type { HistoryChain } from './history-file';

export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  events: number;
  ok: boolean;
  /** The nondeterminism (or other failure), naming the event where the replay diverged. */
  error?: string;
}

export interface ReplayOptions {
  /** A prebuilt workflow bundle; by default the current workflow code is bundled once for the call. */
  workflowBundle?: WorkflowBundle;
  /** Where the workflow code is, when not bundled (defaults to this package's workflows). */
  workflowsPath?: string;
  /** The codec the histories were written with (encryption); without its keys they cannot be replayed. */
  codec?: PayloadCodec;
  /** Called after each history, for progress. */
  onResult?: (outcome: ReplayOutcome, done: number, total: number) => void;
}

const quiet = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (m: string) => console.error(m),
};

/** Bundles the workflow code to replay with: the current code, or another workflows module (e.g. a candidate change). */
export async function bundleWorkflows(
  workflowsPath = require.resolve('../../workflows'),
): Promise<WorkflowBundle> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  return bundleWorkflowCode(workflowBundleOptions(quiet, workflowsPath));
}

/** Keeps the Temporal runtime's own chatter out of a command's output, if nothing installed a runtime before. */
async function quietRuntime(): Promise<void> {
  const { Runtime, DefaultLogger } = await import('@temporalio/worker');
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (err) {
    if (!(err instanceof Error) || !/already|install/i.test(err.message)) throw err; // a runtime exists: keep it
  }
}

/** Whether any payload of a history is encrypted. */
function isEncrypted(history: HistoryChain['runs'][number]['history']): boolean {
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return new TextDecoder().decode(input?.metadata?.encoding ?? new Uint8Array()) === 'binary/encrypted';
}

/** Replays every run of every chain with the current workflow code. */
export async function replayHistories(
  chains: HistoryChain[],
  options: ReplayOptions = {},
): Promise<ReplayOutcome[]> {
  // Loaded here, not at the top: the SDK's other calls need no worker, and the worker package is heavy to load.
  const { Worker } = await import('@temporalio/worker');
  await quietRuntime();
  const runs = chains.flatMap((chain) =>
    chain.runs.map((run) => ({ workflowId: chain.workflowId, runId: run.runId, history: run.history })),
  );
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflows(options.workflowsPath));
  const events = new Map(runs.map((r) => [r.runId, r.history.events?.length ?? 0]));
  const total = runs.length;
  const outcomes: ReplayOutcome[] = [];
  if (!options.codec) {
    // An encrypted history cannot replay without its keys: say so, rather than fail inside the converter.
    const locked = runs.filter((r) => isEncrypted(r.history));
    for (const run of locked) {
      const outcome: ReplayOutcome = {
        workflowId: run.workflowId,
        runId: run.runId,
        events: events.get(run.runId) ?? 0,
        ok: false,
        error:
          'key not available: this history is encrypted; configure its key ring (TIDW_KEYRING_FILE) and data keys (TIDW_DATA_KEYS_DIR)',
      };
      outcomes.push(outcome);
      options.onResult?.(outcome, outcomes.length, total);
    }
    runs.splice(0, runs.length, ...runs.filter((r) => !locked.includes(r)));
    if (runs.length === 0) return outcomes;
  }
  const results = Worker.runReplayHistories(
    {
      workflowBundle,
      replayName: 'tidw-replay',
      sinks: replaySinks,
      ...(options.codec ? { dataConverter: { payloadCodecs: [options.codec] } } : {}),
    },
    runs.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  for await (const result of results) {
    const outcome: ReplayOutcome = {
      workflowId: result.workflowId,
      runId: result.runId,
      events: events.get(result.runId) ?? 0,
      ok: !result.error,
      ...(result.error ? { error: result.error.message } : {}),
    };
    outcomes.push(outcome);
    options.onResult?.(outcome, outcomes.length, total);
  }
  return outcomes;
}
