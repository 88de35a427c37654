/**
 * Sends the trace of the request being served (platform/trace-context.ts) to the workflow as the `traceparent` header
 * of every start, update and signal, so that a traject's history names the request each change came from. Headers are
 * Temporal's own metadata: the trace id is no personal data, and the payload codec does not see it.
 */
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { currentTraceparent } from '../platform/trace-context';

function withTrace<T extends { headers: Headers }>(input: T): T {
  const traceparent = currentTraceparent();
  if (!traceparent) return input;
  return {
    ...input,
    headers: { ...input.headers, traceparent: defaultPayloadConverter.toPayload(traceparent) },
  };
}

/** The client interceptor that adds the header. */
export const traceHeaders: WorkflowClientInterceptor = {
  start: (input, next) => next(withTrace(input)),
  startWithDetails: (input, next) => next(withTrace(input)),
  startUpdate: (input, next) => next(withTrace(input)),
  signal: (input, next) => next(withTrace(input)),
};
