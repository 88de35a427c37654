/**
 * How the SDK tells a caller, within seconds, that the engine is not there: short deadlines on connecting and on
 * queries, and Temporal's transport failures turned into `EngineUnavailable`.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { EngineUnavailable } from './errors';

/** How long connecting may take: a server on the same network answers in milliseconds. */
export const CONNECT_TIMEOUT_MS = 3000;
/** How long a query may take: a worker answers in well under a second, also after replaying a long history. */
export const QUERY_TIMEOUT_MS = 5000;

const grpcStatus = {
  DEADLINE_EXCEEDED: 4,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
} as const;

/** The gRPC status code of a Temporal client error, itself or its cause. */
export function grpcCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.cause?.code === 'number') return e.cause.code;
  return undefined;
}

export const isUnimplemented = (err: unknown) => grpcCode(err) === grpcStatus.UNIMPLEMENTED;
export const isDeadlineExceeded = (err: unknown) => grpcCode(err) === grpcStatus.DEADLINE_EXCEEDED;
/** A query to a workflow whose first task no worker has run yet. */
export const isFailedPrecondition = (err: unknown) => grpcCode(err) === grpcStatus.FAILED_PRECONDITION;

/** The server went away under a call (after the client's own retries): EngineUnavailable, else undefined. */
export function serverUnavailable(err: unknown, address: string): EngineUnavailable | undefined {
  return grpcCode(err) === grpcStatus.UNAVAILABLE ? EngineUnavailable.server(address) : undefined;
}

/**
 * Why a query got no answer: no worker polls the task queue at all, or none answered in time. `onlyIfUnpolled`: say
 * so only when nobody polls (a failed first workflow task is Temporal's own error otherwise).
 */
export async function workerUnavailable(
  connection: Connection,
  namespace: string,
  taskQueue: string,
  onlyIfUnpolled = false,
  address = 'the configured address',
): Promise<EngineUnavailable | undefined> {
  let polled = true;
  try {
    const described = await connection.withDeadline(Date.now() + 2000, () =>
      connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    polled = (described.pollers ?? []).length > 0;
  } catch (err) {
    // The server itself does not answer this either: it, not a worker, is what is down.
    const code = grpcCode(err);
    if (code === grpcStatus.UNAVAILABLE || code === grpcStatus.DEADLINE_EXCEEDED)
      return EngineUnavailable.server(address);
    // otherwise the question was only to choose the words
  }
  if (polled && onlyIfUnpolled) return undefined;
  return EngineUnavailable.worker(taskQueue, polled, QUERY_TIMEOUT_MS / 1000);
}
