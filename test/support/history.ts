/** Reading recorded histories in tests: event types, and every payload decoded as text. */
import { temporal } from '@temporalio/proto';
import type { History } from '../../client/history';

const EventType = temporal.api.enums.v1.EventType;

/** Event type names of a history, e.g. EVENT_TYPE_WORKFLOW_TASK_COMPLETED. */
export function eventTypes(history: History): string[] {
  return (history.events ?? []).map((e) => EventType[e.eventType ?? 0] ?? String(e.eventType));
}

/** The whole history as text, payload bytes decoded as UTF-8: what anyone reading the database could see. */
export function historyText(history: History): string {
  return JSON.stringify(plain(history));
}

/** A plain copy of a protobuf message (whose own toJSON would turn bytes into base64), bytes as text. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    if (typeof (value as { low?: unknown }).low === 'number')
      return (value as { toString(): string }).toString(); // a Long
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => typeof v !== 'function')
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

/** Events that only record workflow tasks being scheduled, started and completed. */
export const bookkeeping = new Set([
  'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
  'EVENT_TYPE_WORKFLOW_TASK_STARTED',
  'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
]);
