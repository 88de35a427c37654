/**
 * The W3C trace context of the request a process is serving, carried across its awaits: the gateway sets it for each
 * request, the SDK reads it when it calls Temporal and sends it to the workflow as the `traceparent` header, so the
 * workflow's history shows which request an update, signal or start came from (Logboek dataverwerkingen: the trace id
 * ties the processing record to the processing).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Matches a W3C `traceparent` of version 00. */
export const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Runs `fn` (and everything it awaits) as part of the trace `traceparent`. */
export function runInTrace<T>(traceparent: string, fn: () => T): T {
  return current.run(traceparent, fn);
}

/** The traceparent of the request being served here, if any. */
export function currentTraceparent(): string | undefined {
  return current.getStore();
}
