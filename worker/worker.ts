/** The tenancy worker: the workflow bundle and the activities on the `thuis-in-de-wijk` task queue. */
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { TenancyActivities } from '../activities';
import { workflowBundleOptions } from '../platform/workflow-bundle';
import { readModelSinks } from './facts-sink';

/** Bundles the workflow code; do it once per process and hand the bundle to every worker. */
export function bundleTenancyWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode(workflowBundleOptions(quietBundlerLogger));
}

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export interface TenancyWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: TenancyActivities;
  workflowBundle: WorkflowBundle;
  /** An identity for the Temporal UI; defaults to host and pid. */
  identity?: string;
  /** The payload codec (encryption) for everything the worker sends and reads. */
  dataConverter?: DataConverter;
  /**
   * Trajects kept in memory between their steps (each holds about 320 KiB, see the README's Performance section); one
   * that is evicted is replayed from its history at its next step. Unset: the SDK's default for the heap.
   */
  maxCachedWorkflows?: number;
  /** Workflow tasks taken at once; unset: the SDK's default (40). */
  maxConcurrentWorkflowTasks?: number;
  /**
   * The SDK's debug mode: workflows run on the calling thread (in the same reusable sandbox) with no deadline per
   * activation, so that a debugger, or a reading of this process's heap, reaches them. Not for production.
   */
  debugMode?: boolean;
}

export function createTenancyWorker(options: TenancyWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: options.activities,
    sinks: readModelSinks(options.activities.recordTrajectFacts),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.maxConcurrentWorkflowTasks !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks }
      : {}),
    ...(options.debugMode ? { debugMode: true } : {}),
  });
}
