/**
 * Runs the validators that scripts/generate-validators.ts generates from the engine's zod schemas (generated.ts), so
 * that the workflow bundle checks its input without zod's runtime: zod's library and the schemas' own objects were
 * evaluated again for every workflow a worker cached (issue 14). This follows zod 4's parse rules for the kinds of
 * schema the generator accepts (the order of issues, which checks still run after a failed one, optional and default
 * keys, strict objects), and words its issues as zod's English locale does; test/machines/validators.test.ts holds
 * both to the same verdict, output and issues.
 *
 * Nothing here writes to a node, so the nodes can be shared and frozen; the only state kept between calls is each
 * object node's list of fields, worked out from the node once.
 */

/** A check on a value that already has its node's type (zod's `checks`). */
export type Check =
  | { kind: 'format'; format: string; pattern: RegExp; message?: string }
  | { kind: 'maxLength'; maximum: number; message?: string }
  | { kind: 'minLength'; minimum: number; message?: string }
  | { kind: 'trim' }
  | { kind: 'lessThan'; value: number; inclusive: boolean; message?: string }
  | { kind: 'greaterThan'; value: number; inclusive: boolean; message?: string }
  | { kind: 'int'; message?: string }
  | { kind: 'custom'; fn: (value: never) => boolean; path?: readonly PropertyKey[]; message?: string };

interface Base {
  checks?: readonly Check[];
  /** The schema's own message (zod's `error`), for what it raises itself and for its checks without one. */
  message?: string;
}

/** One schema, as the generator writes it. */
export type Node = Base &
  (
    | { kind: 'string' | 'number' | 'boolean' | 'unknown' }
    | { kind: 'enum' | 'literal'; values: readonly (string | number | boolean | null)[] }
    | { kind: 'optional'; inner: Node }
    | { kind: 'default'; inner: Node; value: unknown }
    | { kind: 'object'; shape: Readonly<Record<string, Node>>; strict: boolean }
    | { kind: 'array'; element: Node }
    | { kind: 'record'; value: Node }
    | { kind: 'discriminatedUnion'; discriminator: string; options: Readonly<Record<string, Node>> }
  );

/** An issue as zod reports it, the fields the engine reads. */
export interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

export type SafeParseResult<T> =
  | { success: true; data: T; error?: undefined }
  | { success: false; data?: undefined; error: { issues: Issue[] } };

/** A generated validator: the `safeParse` of the schema it was generated from. */
export interface Validator<T> {
  safeParse(input: unknown): SafeParseResult<T>;
  /** The node it checks, and the node's valid case as code when the generator wrote one (tests compare the two). */
  readonly node?: Node;
  readonly compiled?: (input: unknown) => unknown;
}

/** An issue while parsing: `stop` false lets later checks run (zod's `continue: true`), `hard` stops even those. */
interface Raw {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  stop: boolean;
  hard?: boolean;
}

interface Payload {
  value: unknown;
  issues: Raw[];
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function isPlainObject(o: unknown): o is Record<string, unknown> {
  if (!isObject(o)) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prototype = (ctor as { prototype?: unknown }).prototype;
  if (!isObject(prototype)) return false;
  return Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf');
}

function parsedType(data: unknown): string {
  if (typeof data === 'number') return Number.isNaN(data) ? 'nan' : 'number';
  if (typeof data === 'object') {
    if (data === null) return 'null';
    if (Array.isArray(data)) return 'array';
    const ctor = (data as { constructor?: { name?: string } }).constructor;
    if (Object.getPrototypeOf(data) !== Object.prototype && 'constructor' in data && ctor)
      return String(ctor.name);
  }
  return typeof data;
}

function typeName(type: string, input?: unknown): string {
  if (type === 'number' && typeof input === 'number' && !Number.isFinite(input)) return String(input);
  return type === 'nan' ? 'NaN' : type;
}

const primitive = (v: unknown) => (typeof v === 'string' ? `"${v}"` : `${String(v)}`);

function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}

const lengthOrigin = (v: unknown) =>
  Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : 'unknown';
const units: Record<string, string> = { string: 'characters', array: 'items' };

function tooBig(origin: string, bound: number, inclusive: boolean) {
  const adj = inclusive ? '<=' : '<';
  return units[origin]
    ? `Too big: expected ${origin} to have ${adj}${bound} ${units[origin]}`
    : `Too big: expected ${origin} to be ${adj}${bound}`;
}

function tooSmall(origin: string, bound: number, inclusive: boolean) {
  const adj = inclusive ? '>=' : '>';
  return units[origin]
    ? `Too small: expected ${origin} to have ${adj}${bound} ${units[origin]}`
    : `Too small: expected ${origin} to be ${adj}${bound}`;
}

const invalidType = (expected: string, input: unknown) =>
  `Invalid input: expected ${expected}, received ${typeName(parsedType(input), input)}`;

/** Whether an issue from index `from` on stopped the checks (a loop, not a slice: this runs for every checked value). */
function aborted(p: Payload, from = 0): boolean {
  for (let i = from; i < p.issues.length; i += 1) if (p.issues[i]!.stop) return true;
  return false;
}
const hardStopped = (p: Payload) => p.issues.some((i) => i.hard);

function runCheck(check: Check, node: Node, p: Payload): void {
  const own = (check as { message?: string }).message ?? node.message;
  const push = (code: string, fallback: string, stop = false, extra: Partial<Raw> = {}) =>
    p.issues.push({ code, path: [], message: own ?? fallback, stop, ...extra });
  const value = p.value as never;
  switch (check.kind) {
    case 'format':
      if (!check.pattern.test(value))
        push(
          'invalid_format',
          check.format === 'regex'
            ? `Invalid string: must match pattern ${check.pattern.toString()}`
            : `Invalid ${check.format === 'datetime' ? 'ISO datetime' : check.format}`,
        );
      return;
    case 'maxLength': {
      const v = value as string | unknown[];
      const length = typeof v === 'string' && v.length > check.maximum ? codePoints(v) : v.length;
      if (length > check.maximum) push('too_big', tooBig(lengthOrigin(v), check.maximum, true));
      return;
    }
    case 'minLength': {
      const v = value as string | unknown[];
      const length = typeof v === 'string' ? codePoints(v) : v.length;
      if (length < check.minimum) push('too_small', tooSmall(lengthOrigin(v), check.minimum, true));
      return;
    }
    case 'trim':
      p.value = (value as string).trim();
      return;
    case 'lessThan':
      if (!(check.inclusive ? value <= check.value : value < check.value))
        push('too_big', tooBig('number', check.value, check.inclusive));
      return;
    case 'greaterThan':
      if (!(check.inclusive ? value >= check.value : value > check.value))
        push('too_small', tooSmall('number', check.value, check.inclusive));
      return;
    case 'int':
      if (!Number.isInteger(value)) push('invalid_type', invalidType('int', value), true, { hard: true });
      else if (!Number.isSafeInteger(value) && (value as number) > 0)
        push('too_big', tooBig('int', Number.MAX_SAFE_INTEGER, true));
      else if (!Number.isSafeInteger(value))
        push('too_small', tooSmall('int', Number.MIN_SAFE_INTEGER, true));
      return;
    case 'custom':
      if (!check.fn(value)) push('custom', 'Invalid input', false, { path: [...(check.path ?? [])] });
      return;
  }
}

function runChecks(node: Node, p: Payload): void {
  let stopped = aborted(p);
  for (const check of node.checks ?? []) {
    if (check.kind === 'maxLength' || check.kind === 'minLength') {
      // zod runs length checks on anything with a length, unless an issue stopped them outright.
      const v = p.value as { length?: unknown } | null | undefined;
      if (hardStopped(p) || v === null || v === undefined || v.length === undefined) continue;
    } else if (stopped) continue;
    const before = p.issues.length;
    runCheck(check, node, p);
    if (!stopped) stopped = aborted(p, before);
  }
}

const prefix = (key: PropertyKey, issues: Raw[]) => issues.map((i) => ({ ...i, path: [key, ...i.path] }));

/** Adds a field's issues to its parent's, under the field's key. */
function pushPrefixed(p: Payload, key: PropertyKey, issues: Raw[]): void {
  if (issues.length) p.issues.push(...prefix(key, issues));
}

/** A fresh copy of a default value, as zod gives one (through JSON; a string, a boolean or null is its own copy). */
const copyOf = (value: unknown): unknown =>
  value === null || typeof value === 'string' || typeof value === 'boolean'
    ? value
    : (JSON.parse(JSON.stringify(value)) as unknown);

/** zod's `optin`/`optout`: whether an object may lack the key, and what an absent key becomes. */
const optIn = (n: Node): 'optional' | 'defaulted' | undefined =>
  n.kind === 'default'
    ? 'defaulted'
    : n.kind === 'optional'
      ? optIn(n.inner) === 'defaulted'
        ? 'defaulted'
        : 'optional'
      : undefined;
const optOut = (n: Node): 'optional' | undefined => (n.kind === 'optional' ? 'optional' : undefined);

/** An object's field as `parseObject` reads it: its key, its node, and whether and how it may be absent. */
interface Field {
  key: string;
  node: Node;
  optin: 'optional' | 'defaulted' | undefined;
  optional: boolean;
}

/** Each object node's fields, worked out once (a node is never written to, so the list stays right). */
const fieldLists = new WeakMap<Node, readonly Field[]>();

function fieldsOf(node: Extract<Node, { kind: 'object' }>): readonly Field[] {
  let fields = fieldLists.get(node);
  if (!fields) {
    fields = Object.keys(node.shape)
      .filter((key) => key !== '__proto__')
      .map((key) => {
        const field = node.shape[key]!;
        return { key, node: field, optin: optIn(field), optional: optOut(field) === 'optional' };
      });
    fieldLists.set(node, fields);
  }
  return fields;
}

function parseObject(node: Extract<Node, { kind: 'object' }>, p: Payload): void {
  const input = p.value;
  if (!isObject(input)) {
    p.issues.push({
      code: 'invalid_type',
      path: [],
      message: node.message ?? invalidType('object', input),
      stop: true,
    });
    return;
  }
  const out: Record<string, unknown> = {};
  p.value = out;
  for (const { key, node: field, optin, optional } of fieldsOf(node)) {
    const r = run(field, input[key]);
    const present = key in input;
    if (!present && optional && optin === 'optional') continue;
    if (r.issues.length) {
      if (optin !== undefined && optional && !present) continue;
      pushPrefixed(p, key, r.issues);
    }
    if (!present && optin === undefined) {
      if (!r.issues.length)
        p.issues.push({
          code: 'invalid_type',
          path: [key],
          message: invalidType('nonoptional', undefined),
          stop: true,
        });
      continue;
    }
    if (r.value === undefined) {
      if (present || (optin === 'defaulted' && !optional)) out[key] = undefined;
    } else out[key] = r.value;
  }
  if (!node.strict) return;
  const unknown: string[] = [];
  // for…in, as zod: an own `__proto__` key from JSON.parse is listed too.
  for (const key in input) if (!Object.prototype.hasOwnProperty.call(node.shape, key)) unknown.push(key);
  if (unknown.length)
    p.issues.push({
      code: 'unrecognized_keys',
      path: [],
      keys: unknown,
      message:
        node.message ??
        `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map(primitive).join(', ')}`,
      stop: false,
    });
}

/** The value is not of the node's type. */
function wrongType(node: Node, p: Payload, expected: string): void {
  p.issues.push({
    code: 'invalid_type',
    path: [],
    message: node.message ?? invalidType(expected, p.value),
    stop: true,
  });
}

function parse(node: Node, p: Payload): void {
  const input = p.value;
  switch (node.kind) {
    case 'string':
      if (typeof input !== 'string') wrongType(node, p, 'string');
      return;
    case 'number':
      if (typeof input !== 'number' || !Number.isFinite(input)) wrongType(node, p, 'number');
      return;
    case 'boolean':
      if (typeof input !== 'boolean') wrongType(node, p, 'boolean');
      return;
    case 'unknown':
      return;
    case 'enum':
    case 'literal':
      if (!node.values.includes(input as never))
        p.issues.push({
          code: 'invalid_value',
          path: [],
          message:
            node.message ??
            (node.values.length === 1
              ? `Invalid input: expected ${primitive(node.values[0])}`
              : `Invalid option: expected one of ${node.values.map(primitive).join('|')}`),
          stop: true,
        });
      return;
    case 'optional':
      if (input === undefined && optIn(node.inner) !== 'defaulted') return;
      if (input === undefined) {
        const r = run(node.inner, input);
        p.value = r.value;
        p.issues.push(...r.issues);
        return;
      }
      parseInto(node.inner, p);
      return;
    case 'default':
      if (input === undefined) {
        p.value = copyOf(node.value);
        return;
      }
      parseInto(node.inner, p);
      if (p.value === undefined) p.value = copyOf(node.value);
      return;
    case 'object':
      parseObject(node, p);
      return;
    case 'array': {
      if (!Array.isArray(input)) return void wrongType(node, p, 'array');
      const out: unknown[] = Array(input.length);
      p.value = out;
      input.forEach((item, i) => {
        const r = run(node.element, item);
        pushPrefixed(p, i, r.issues);
        out[i] = r.value;
      });
      return;
    }
    case 'record': {
      if (!isPlainObject(input)) return void wrongType(node, p, 'record');
      const out: Record<string, unknown> = {};
      p.value = out;
      for (const key of Object.keys(input)) {
        if (key === '__proto__') continue;
        const r = run(node.value, input[key]);
        pushPrefixed(p, key, r.issues);
        out[key] = r.value;
      }
      return;
    }
    case 'discriminatedUnion': {
      if (!isObject(input)) return void wrongType(node, p, 'object');
      const tag = input[node.discriminator];
      const option =
        typeof tag === 'string' && Object.prototype.hasOwnProperty.call(node.options, tag)
          ? node.options[tag]
          : undefined;
      if (option) return void parseInto(option, p);
      p.issues.push({
        code: 'invalid_union',
        path: [node.discriminator],
        message:
          node.message ??
          `Invalid discriminator value. Expected ${Object.keys(node.options)
            .map((o) => `'${o}'`)
            .join(' | ')}`,
        stop: true,
      });
      return;
    }
  }
}

/** Parses into an existing payload (zod's `_zod.run`): the node's own parse, then its checks. */
function parseInto(node: Node, p: Payload): void {
  parse(node, p);
  if (node.checks?.length) runChecks(node, p);
}

function run(node: Node, value: unknown): Payload {
  const p: Payload = { value, issues: [] };
  parseInto(node, p);
  return p;
}

/**
 * The valid case, taken first: a value that passes every check of its node parses to the same output as `run` gives,
 * without the issue lists `run` keeps for every value it looks at. Anything else (a failed check, a case this does
 * not follow) is `INVALID`, so these return `unknown` (the output, or that symbol), and `run` parses the value again
 * to say why: this must never answer for a value that `run` would refuse, nor answer differently, and may give up
 * whenever in doubt.
 */
export const INVALID: unique symbol = Symbol('invalid');

/**
 * Whether a value's length is within bounds, as zod's length checks count it (a string in code points); a value
 * without a length passes, as zod skips it.
 */
export function lengthWithin(value: unknown, minimum: number | undefined, maximum: number | undefined): boolean {
  const item = value as { length?: unknown } | null | undefined;
  if (item === null || item === undefined || item.length === undefined) return true;
  const length = typeof item === 'string' ? codePoints(item) : (item.length as number);
  return !((maximum !== undefined && length > maximum) || (minimum !== undefined && length < minimum));
}

function checksPass(node: Node, value: unknown): unknown {
  let v = value;
  for (const check of node.checks!) {
    switch (check.kind) {
      case 'format':
        if (!check.pattern.test(v as string)) return INVALID;
        break;
      case 'maxLength':
        if (!lengthWithin(v, undefined, check.maximum)) return INVALID;
        break;
      case 'minLength':
        if (!lengthWithin(v, check.minimum, undefined)) return INVALID;
        break;
      case 'trim':
        v = (v as string).trim();
        break;
      case 'lessThan':
        if (!(check.inclusive ? (v as number) <= check.value : (v as number) < check.value)) return INVALID;
        break;
      case 'greaterThan':
        if (!(check.inclusive ? (v as number) >= check.value : (v as number) > check.value)) return INVALID;
        break;
      case 'int':
        if (!Number.isSafeInteger(v)) return INVALID;
        break;
      case 'custom':
        if (!check.fn(v as never)) return INVALID;
        break;
    }
  }
  return v;
}

/** The valid case of a node: its output, or INVALID (then `run` says why). */
export function parseValid(node: Node, input: unknown): unknown {
  const value = parseValidKind(node, input);
  return value === INVALID || !node.checks?.length ? value : checksPass(node, value);
}

function parseValidKind(node: Node, input: unknown): unknown {
  switch (node.kind) {
    case 'string':
      return typeof input === 'string' ? input : INVALID;
    case 'number':
      return typeof input === 'number' && Number.isFinite(input) ? input : INVALID;
    case 'boolean':
      return typeof input === 'boolean' ? input : INVALID;
    case 'unknown':
      return input;
    case 'enum':
    case 'literal':
      return node.values.includes(input as never) ? input : INVALID;
    case 'optional':
      if (input === undefined && optIn(node.inner) !== 'defaulted') return input;
      return parseValid(node.inner, input);
    case 'default': {
      if (input === undefined) return copyOf(node.value);
      const value = parseValid(node.inner, input);
      return value === undefined ? copyOf(node.value) : value;
    }
    case 'object': {
      if (!isObject(input)) return INVALID;
      const out: Record<string, unknown> = {};
      for (const { key, node: field, optin, optional } of fieldsOf(node)) {
        const present = key in input;
        if (!present && optional && optin === 'optional') continue;
        if (!present && optin === undefined) return INVALID;
        const value = parseValid(field, input[key]);
        if (value === INVALID) return INVALID;
        if (value === undefined) {
          if (present || (optin === 'defaulted' && !optional)) out[key] = undefined;
        } else out[key] = value;
      }
      if (node.strict)
        for (const key in input) if (!Object.prototype.hasOwnProperty.call(node.shape, key)) return INVALID;
      return out;
    }
    case 'array': {
      if (!Array.isArray(input)) return INVALID;
      const out: unknown[] = Array(input.length);
      let valid = true;
      input.forEach((item, i) => {
        if (!valid) return;
        const value = parseValid(node.element, item);
        if (value === INVALID) valid = false;
        else out[i] = value;
      });
      return valid ? out : INVALID;
    }
    case 'record': {
      if (!isPlainObject(input)) return INVALID;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(input)) {
        if (key === '__proto__') continue;
        const value = parseValid(node.value, input[key]);
        if (value === INVALID) return INVALID;
        out[key] = value;
      }
      return out;
    }
    case 'discriminatedUnion': {
      if (!isObject(input)) return INVALID;
      const tag = input[node.discriminator];
      if (typeof tag !== 'string' || !Object.prototype.hasOwnProperty.call(node.options, tag)) return INVALID;
      return parseValid(node.options[tag]!, input);
    }
  }
}

/**
 * The validator of one generated node, typed as the schema's output. `compiled`, when the generator wrote one, is the
 * node's valid case as code: it must answer as `parseValid` does (test/machines/generated-validators.test.ts).
 */
export function validator<T>(node: Node, compiled?: (input: unknown) => unknown): Validator<T> {
  return {
    node,
    ...(compiled ? { compiled } : {}),
    safeParse(input: unknown): SafeParseResult<T> {
      const valid = compiled ? compiled(input) : parseValid(node, input);
      if (valid !== INVALID) return { success: true, data: valid as T };
      const p = run(node, input);
      if (p.issues.length === 0) return { success: true, data: p.value as T };
      return {
        success: false,
        error: {
          issues: p.issues.map(({ code, path, message, keys }) => ({
            code,
            path,
            message,
            ...(keys ? { keys } : {}),
          })),
        },
      };
    },
  };
}
