/**
 * How the engine's workflow code is bundled, the same for the worker, replay, the benchmark and the tests: the
 * workflows module, and the modules every workflow of a worker shares instead of evaluating them once per workflow
 * (see workflows/shared-modules.ts).
 */
import type { BundleOptions, InjectedSinks } from '@temporalio/worker';
import type { ReadModelSinks } from '../workflows/facts';

/** The zod-free modules (XState and the traject machine) the worker's sandbox evaluates once and shares. */
export const sharedWorkflowModules = require.resolve('../workflows/shared-modules');

/** Bundler options for a workflows module (by default the engine's own). */
export function workflowBundleOptions(
  logger: BundleOptions['logger'],
  workflowsPath = require.resolve('../workflows'),
): BundleOptions {
  return { workflowsPath, preloadModules: [sharedWorkflowModules], logger };
}

/**
 * The sinks of a replay: the workflow's read-model sink (workflows/facts.ts) is never called while a history replays,
 * but a replayer without it logs an error at every call the workflow makes.
 */
export const replaySinks: InjectedSinks<ReadModelSinks> = {
  readModel: { recordFacts: { fn: () => undefined, callDuringReplay: false } },
};
