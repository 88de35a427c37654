/**
 * The processing log at the door: every request that reads or writes a traject (a route with an `operation`) leaves
 * one record, written and synced before the answer goes out. The W3C trace context comes in with `traceparent`
 * (or starts here), goes back out in the same header, and on to the workflow as a Temporal header: each request runs
 * in its trace (platform/trace-context.ts), which the SDK reads when it calls Temporal.
 */
import { randomBytes } from 'node:crypto';
import type { ProcessingLog } from '../../platform/processing-log';
import { runInTrace, TRACEPARENT } from '../../platform/trace-context';
import { ReferenceSchema } from '../../machines';
import { shared } from './shared';
import '../types';

/** The pseudonymous traject reference a request concerns: its path parameter, or the reference a start registers. */
function trajectRefOf(params: unknown, body: unknown): string | null {
  const candidate =
    (params as { ref?: unknown } | undefined)?.ref ??
    (body as { clientRef?: unknown } | undefined)?.clientRef;
  return ReferenceSchema.safeParse(candidate).success ? (candidate as string) : null;
}

export const processingLogPlugin = shared<{ log: ProcessingLog }>(async (app, { log }) => {
  app.decorateRequest('trace', undefined as never);
  app.addHook('onRequest', (request, reply, done) => {
    const incoming = TRACEPARENT.exec(String(request.headers.traceparent ?? ''));
    const traceId = incoming && !/^0+$/.test(incoming[1]!) ? incoming[1]! : randomBytes(16).toString('hex');
    request.trace = { traceId, spanId: randomBytes(8).toString('hex') };
    const traceparent = `00-${traceId}-${request.trace.spanId}-01`;
    reply.header('traceparent', traceparent);
    reply.header('x-request-id', request.id);
    // The rest of the request (its handler and the SDK calls in it) runs in this trace.
    runInTrace(traceparent, done);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const { operation, activity } = request.routeOptions.config ?? {};
    const caller = request.caller;
    if (!operation || !caller) return payload;
    const status = reply.statusCode;
    await log.append({
      at: new Date().toISOString(),
      durationMs: Math.round(reply.elapsedTime),
      actor: {
        role: caller.actor.role,
        ...(caller.actor.organisation ? { organisation: caller.actor.organisation } : {}),
        personId: caller.actor.personId,
      },
      trajectRef: trajectRefOf(request.params, request.body),
      operation,
      activity: activity ?? 'uitvoering-convenant',
      outcome: status < 400 ? 'ok' : status >= 500 ? 'failed' : 'refused',
      status,
      ...(request.problemCode ? { code: request.problemCode } : {}),
      traceId: request.trace.traceId,
      spanId: request.trace.spanId,
      requestId: request.id,
    });
    return payload;
  });
}, 'tidw-processing-log');
