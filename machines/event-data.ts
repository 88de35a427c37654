/**
 * The rules on events that need no schema: citizen numbers, who acts without an organisation, the limits on event
 * data, and an event's fingerprint. Without zod, so that the workflow bundle (and the SDK) use them as they are;
 * events.ts re-exports them beside the schemas.
 */
import { hash53 } from './hash53';
import type { Role } from './vocabulary';

/** Whether nine digits pass the elfproef, the 11-test every Dutch citizen number (BSN) passes. */
export function passesElfproef(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

/** Roles that act for themselves, not for an organisation. */
export const rolesWithoutOrganisation: readonly Role[] = ['client', 'buurtbewoner'];

/**
 * Event data larger than this, measured as its JSON in UTF-8 bytes, is refused under every covenant: far above what
 * any event needs (a note is at most 2,000 characters), far below Temporal's payload limit (2 MB), so that neither an
 * event nor the refusal that echoes it can ever exceed it.
 */
export const EVENT_DATA_MAX_BYTES = 64 * 1024;
/** Event data nested deeper than this is refused (the deepest event schema needs three levels). */
export const EVENT_DATA_MAX_DEPTH = 8;
/** Keys that reach an object's prototype: refused wherever they appear, so that no door treats them differently. */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** The UTF-8 length of a string, without Node's Buffer (this runs in the workflow sandbox too). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** What a walk over event data found: the first problem, and a bound on the size of its JSON (see `sizeBound`). */
interface Walk {
  /** The objects the walk is inside of, outermost first (at most EVENT_DATA_MAX_DEPTH: a list is enough). */
  ancestors: unknown[];
  /** At least the UTF-8 length of the data's JSON; Infinity once an object is not a plain object or array. */
  bound: number;
}

/**
 * The most UTF-8 bytes a string takes in JSON: its quotes, and each UTF-16 unit at most six (`\u001f`); a character
 * outside ASCII takes at most three per unit.
 */
const stringBound = (text: string) => 2 + 6 * text.length;
/** The longest JSON of a finite number (`-1.2345678901234567e-308`). */
const NUMBER_BOUND = 24;

function walk(value: unknown, depth: number, w: Walk): string | undefined {
  if (value === null || typeof value === 'boolean') {
    w.bound += 5;
    return undefined;
  }
  if (typeof value === 'string') {
    w.bound += stringBound(value);
    return undefined;
  }
  if (typeof value === 'number') {
    w.bound += NUMBER_BOUND;
    return Number.isFinite(value) ? undefined : 'numbers must be finite';
  }
  if (typeof value !== 'object')
    return `only JSON values are allowed (strings, numbers, booleans, null, arrays, objects), not a ${typeof value}`;
  if (depth > EVENT_DATA_MAX_DEPTH) return `nested deeper than ${EVENT_DATA_MAX_DEPTH} levels`;
  if (w.ancestors.includes(value)) return 'the data refers to itself (a cycle)';
  w.ancestors.push(value);
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    // JSON.stringify asks anything but a plain array or object for its own JSON (`toJSON`): no bound then.
    if (prototype !== Array.prototype) w.bound = Infinity;
    w.bound += 2 + value.length;
    for (const child of value as unknown[]) {
      const problem = walk(child, depth + 1, w);
      if (problem) return problem;
    }
  } else {
    if (prototype !== Object.prototype && prototype !== null) w.bound = Infinity;
    w.bound += 2;
    for (const key of Object.keys(value)) {
      if (prototypeKeys.has(key)) return `the key ${key} is not allowed in event data`;
      w.bound += stringBound(key) + 2;
      const problem = walk((value as Record<string, unknown>)[key], depth + 1, w);
      if (problem) return problem;
    }
  }
  w.ancestors.pop();
  return undefined;
}

/**
 * Why event data cannot be taken at all, before its schema is looked at, or undefined when it can: only JSON values,
 * no cycles, no prototype keys, at most EVENT_DATA_MAX_DEPTH deep and EVENT_DATA_MAX_BYTES large. The reason never
 * quotes the data. The size is measured (as JSON) only when the walk's bound on it does not already show it small,
 * which for the data of any real event it does.
 */
export function eventDataProblem(data: unknown): string | undefined {
  const w: Walk = { ancestors: [], bound: 0 };
  const problem = walk(data, 1, w);
  if (problem) return problem;
  if (w.bound <= EVENT_DATA_MAX_BYTES) return undefined;
  const bytes = utf8Length(JSON.stringify(data) ?? '');
  if (bytes > EVENT_DATA_MAX_BYTES)
    return `the data is ${bytes} bytes as JSON; at most ${EVENT_DATA_MAX_BYTES} bytes (64 KiB) are allowed`;
  return undefined;
}

/** JSON with the keys of every object sorted, so that equal data gives equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined) // as JSON leaves them out
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * A short fingerprint of an event as sent (type, actor, data): what an idempotency key is bound to, so that the key
 * never stores the data itself. Deterministic and dependency-free (cyrb53), for the SDK and the workflow alike.
 */
export function eventFingerprint(event: { type: string; actor: unknown; data?: unknown }): string {
  const text = canonicalJson({ type: event.type, actor: event.actor, data: event.data ?? {} });
  return hash53(text, 0xdeadbeef, 0x41c6ce57);
}
