/**
 * Generates the validators the workflow bundle checks its input with, from the engine's zod schemas, so that zod's
 * runtime stays out of the bundle (issue 14) and there is still one schema. Each schema becomes a plain data node for
 * machines/validation/runtime.ts; a refinement becomes a call of its predicate, which must be exported from
 * machines/validation/refinements.ts (the schema refines with that very function). A kind of schema the runtime does
 * not know fails the generation, rather than being checked differently.
 *
 * `npm run build` runs this before tsc; its output is committed, and test/machines/validators.test.ts fails when it
 * is out of date. Run: node -r ./scripts/ts-require.js scripts/generate-validators.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { z } from 'zod';
import { ActorSchema, CoordinatorEventSchema, EventInputSchema } from '../machines/events';
import { CovenantChangeArgsSchema } from '../machines/traject/covenant-change-args';
import * as refinements from '../machines/validation/refinements';
import type { Check } from '../machines/validation/runtime';
import { CoordinatorEventTypeSchema } from '../machines/vocabulary';
import { SendEventArgsSchema } from '../workflows/send-event-args';

interface Entry {
  /** The exported validator's name. */
  name: string;
  schema: z.ZodType;
  /** Where the schema is exported, relative to the output, and its export name: the validator's type comes from it. */
  from: string;
  exportName: string;
  doc: string;
}

interface Output {
  file: string;
  /** The runtime and refinements, relative to the output. */
  validation: string;
  entries: Entry[];
  /** Whether the validators also get each node's valid case as code (the engine's own, which `decide` runs). */
  compiled?: boolean;
}

const root = join(__dirname, '..');

export const outputs: Output[] = [
  {
    file: 'machines/validation/generated-validators.ts',
    validation: '.',
    compiled: true,
    entries: [
      {
        name: 'eventInputValidator',
        schema: EventInputSchema,
        from: '../events',
        exportName: 'EventInputSchema',
        doc: 'An event as a party sends it (`EventInputSchema`).',
      },
      {
        name: 'actorValidator',
        schema: ActorSchema,
        from: '../events',
        exportName: 'ActorSchema',
        doc: 'Who acts (`ActorSchema`).',
      },
      {
        name: 'coordinatorEventValidator',
        schema: CoordinatorEventSchema,
        from: '../events',
        exportName: 'CoordinatorEventSchema',
        doc: 'A coordinator event as the machine takes it, its data checked by its type (`CoordinatorEventSchema`).',
      },
      {
        name: 'coordinatorEventTypeValidator',
        schema: CoordinatorEventTypeSchema,
        from: '../vocabulary',
        exportName: 'CoordinatorEventTypeSchema',
        doc: 'The name of a coordinator event (`CoordinatorEventTypeSchema`).',
      },
      {
        name: 'covenantChangeArgsValidator',
        schema: CovenantChangeArgsSchema,
        from: '../traject/covenant-change-args',
        exportName: 'CovenantChangeArgsSchema',
        doc: 'A covenant change as a partner sends it (`CovenantChangeArgsSchema`).',
      },
    ],
  },
  {
    file: 'workflows/generated-validators.ts',
    validation: '../machines/validation',
    entries: [
      {
        name: 'sendEventArgsValidator',
        schema: SendEventArgsSchema,
        from: './send-event-args',
        exportName: 'SendEventArgsSchema',
        doc: 'The arguments of `sendEventUpdate` and `reportEventSignal` (`SendEventArgsSchema`).',
      },
    ],
  },
];

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  error?: unknown;
  [field: string]: unknown;
}
interface CheckDef {
  check: string;
  error?: unknown;
  [field: string]: unknown;
}
type Schema = { _zod: { def: Def } };

const predicates = new Map<unknown, string>(Object.entries(refinements).map(([name, fn]) => [fn, name]));
/** The source of zod's trim(), to tell it from any other overwrite. */
const trim = String((z.string().trim()._zod.def.checks![0]!._zod.def as unknown as { tx: () => unknown }).tx);

/** A schema's or a check's own message (zod's `error`), when it is one fixed text. */
function messageOf(def: { error?: unknown }): string | undefined {
  if (typeof def.error !== 'function') return undefined;
  const unwrap = (m: unknown) =>
    typeof m === 'string' ? m : (m as { message?: string } | undefined)?.message;
  const first = unwrap((def.error as (i: unknown) => unknown)({ code: 'custom', input: 1 }));
  const second = unwrap((def.error as (i: unknown) => unknown)({ code: 'invalid_type', input: 'x' }));
  if (first !== second) throw new Error('a schema message that depends on the issue cannot be generated');
  return first;
}

/**
 * A check as the generator holds it: runtime.ts's `Check`, with a refinement named (it is written as
 * `refinements.<name>`). Its fields are in the order the node text lists them.
 */
type CheckSpec =
  | Exclude<Check, { kind: 'custom' }>
  | { kind: 'custom'; fn: string; path?: readonly PropertyKey[]; message?: string };

/** A node as the generator holds it: runtime.ts's `Node`, with the nodes it holds named (`n12`), not nested. */
type Spec = { checks?: CheckSpec[]; message?: string } & (
  | { kind: 'string' | 'number' | 'boolean' | 'unknown' }
  | { kind: 'enum' | 'literal'; values: readonly (string | number | boolean | null)[] }
  | { kind: 'optional'; inner: string }
  | { kind: 'default'; inner: string; value: unknown }
  | { kind: 'object'; shape: Record<string, string>; strict: boolean }
  | { kind: 'array'; element: string }
  | { kind: 'record'; value: string }
  | { kind: 'discriminatedUnion'; discriminator: string; options: Record<string, string> }
);

/** The check's own message, as the last field, when it has one. */
function withMessage<T extends object>(fields: T, def: { error?: unknown }): T & { message?: string } {
  const message = messageOf(def);
  return message === undefined ? fields : { ...fields, message };
}

function check(def: CheckDef, where: string): CheckSpec {
  switch (def.check) {
    case 'string_format': {
      const pattern = def.pattern as RegExp;
      if (!(pattern instanceof RegExp) || pattern.global || pattern.sticky)
        throw new Error(`${where}: a format without a plain pattern`);
      return withMessage({ kind: 'format', format: String(def.format), pattern }, def);
    }
    case 'max_length':
      return withMessage({ kind: 'maxLength', maximum: Number(def.maximum) }, def);
    case 'min_length':
      return withMessage({ kind: 'minLength', minimum: Number(def.minimum) }, def);
    case 'less_than':
    case 'greater_than':
      if (typeof def.value !== 'number') throw new Error(`${where}: a bound that is no number`);
      return withMessage(
        {
          kind: def.check === 'less_than' ? 'lessThan' : 'greaterThan',
          value: def.value,
          inclusive: Boolean(def.inclusive),
        },
        def,
      );
    case 'number_format':
      if (def.format !== 'safeint') throw new Error(`${where}: number format ${String(def.format)}`);
      return withMessage({ kind: 'int' }, def);
    case 'overwrite':
      if (String(def.tx) !== trim) throw new Error(`${where}: a transform other than trim()`);
      return { kind: 'trim' };
    case 'custom': {
      const name = predicates.get(def.fn);
      if (!name)
        throw new Error(
          `${where}: a refinement whose predicate is not exported from machines/validation/refinements.ts`,
        );
      if (def.when || def.abort) throw new Error(`${where}: a refinement with when/abort`);
      const path = (def.path as PropertyKey[] | undefined) ?? [];
      return withMessage({ kind: 'custom', fn: name, ...(path.length ? { path } : {}) }, def);
    }
    default:
      throw new Error(`${where}: check ${def.check} is not supported`);
  }
}

/** Each distinct schema of one output once, named in the order they are written (shared ones, the actor, are one). */
function specs(entries: Entry[]): { specs: Map<string, Spec>; names: Map<unknown, string> } {
  const names = new Map<unknown, string>();
  const all = new Map<string, Spec>();
  const visit = (schema: Schema, where: string): string => {
    const known = names.get(schema);
    if (known) return known;
    const def = schema._zod.def;
    const checks: CheckSpec[] = [];
    let spec: Spec;
    switch (def.type) {
      case 'string':
      case 'number':
        // A string format (z.iso.datetime) is its own first check.
        if (typeof def.check === 'string') checks.push(check(def as unknown as CheckDef, where));
        spec = { kind: def.type };
        break;
      case 'boolean':
      case 'unknown':
        spec = { kind: def.type };
        break;
      case 'enum':
        spec = { kind: 'enum', values: Object.values(def.entries as object) as Array<string | number> };
        break;
      case 'literal':
        spec = { kind: 'literal', values: def.values as Array<string | number | boolean | null> };
        break;
      case 'optional':
        spec = { kind: 'optional', inner: visit(def.innerType as Schema, where) };
        break;
      case 'default': {
        const value = def.defaultValue;
        if (JSON.stringify(value) === undefined) throw new Error(`${where}: a default that is no JSON value`);
        spec = { kind: 'default', inner: visit(def.innerType as Schema, where), value };
        break;
      }
      case 'object': {
        const catchall = (def.catchall as Schema | undefined)?._zod.def.type;
        if (catchall !== undefined && catchall !== 'never') throw new Error(`${where}: a catchall`);
        const shape = def.shape as Record<string, Schema>;
        if (Object.prototype.hasOwnProperty.call(shape, '__proto__'))
          throw new Error(`${where}: a field named __proto__`);
        const fields: Record<string, string> = {};
        for (const k of Object.keys(shape)) fields[k] = visit(shape[k]!, `${where}.${k}`);
        spec = { kind: 'object', shape: fields, strict: catchall === 'never' };
        break;
      }
      case 'array':
        spec = { kind: 'array', element: visit(def.element as Schema, `${where}[]`) };
        break;
      case 'record': {
        const key = (def.keyType as Schema)._zod.def;
        if (key.type !== 'string' || key.checks?.length || def.mode)
          throw new Error(`${where}: a record keyed other than by z.string()`);
        spec = { kind: 'record', value: visit(def.valueType as Schema, `${where}.*`) };
        break;
      }
      case 'union': {
        const discriminator = def.discriminator as string | undefined;
        if (!discriminator || def.unionFallback)
          throw new Error(`${where}: a union that is not discriminated`);
        const options: Record<string, string> = {};
        for (const option of def.options as Schema[]) {
          const tag = (option._zod.def.shape as Record<string, Schema>)[discriminator]!._zod.def
            .values as unknown[];
          if (tag.length !== 1 || typeof tag[0] !== 'string')
            throw new Error(`${where}: an option without one string tag`);
          options[tag[0]] = visit(option, `${where}<${String(tag[0])}>`);
        }
        spec = { kind: 'discriminatedUnion', discriminator, options };
        break;
      }
      default:
        throw new Error(`${where}: zod type ${def.type} is not supported`);
    }
    for (const c of def.checks ?? []) {
      if (c === (schema as unknown)) continue;
      checks.push(check(c._zod.def, where));
    }
    if (checks.length) spec.checks = checks;
    const message = messageOf(def);
    if (message !== undefined) spec.message = message;
    const name = `n${names.size + 1}`;
    names.set(schema, name);
    all.set(name, spec);
    return name;
  };
  for (const entry of entries) visit(entry.schema as unknown as Schema, entry.exportName);
  return { specs: all, names };
}

const text = (value: unknown) => JSON.stringify(value);
const message = (m: string | undefined) => (m === undefined ? [] : [`message: ${text(m)}`]);
const entries = (record: Record<string, string>) =>
  `{ ${Object.keys(record)
    .map((k) => `${text(k)}: ${record[k]}`)
    .join(', ')} }`;

function checkText(c: CheckSpec): string {
  const fields = [`kind: '${c.kind}'`];
  switch (c.kind) {
    case 'format':
      fields.push(`format: ${text(c.format)}`, `pattern: ${c.pattern.toString()}`);
      break;
    case 'maxLength':
      fields.push(`maximum: ${c.maximum}`);
      break;
    case 'minLength':
      fields.push(`minimum: ${c.minimum}`);
      break;
    case 'lessThan':
    case 'greaterThan':
      fields.push(`value: ${c.value}`, `inclusive: ${c.inclusive}`);
      break;
    case 'custom':
      fields.push(`fn: refinements.${c.fn}`, ...(c.path ? [`path: ${text(c.path)}`] : []));
      break;
    case 'trim':
      return `{ ${fields.join(', ')} }`;
  }
  return `{ ${[...fields, ...message(c.message)].join(', ')} }`;
}

/** A node as the runtime reads it: `const n12: Node = { … };`. */
function nodeText(name: string, spec: Spec): string {
  const fields = [`kind: '${spec.kind}'`];
  switch (spec.kind) {
    case 'enum':
    case 'literal':
      fields.push(`values: ${text(spec.values)}`);
      break;
    case 'optional':
      fields.push(`inner: ${spec.inner}`);
      break;
    case 'default':
      fields.push(`inner: ${spec.inner}`, `value: ${text(spec.value)}`);
      break;
    case 'object':
      fields.push(`shape: ${entries(spec.shape)}`, `strict: ${spec.strict}`);
      break;
    case 'array':
      fields.push(`element: ${spec.element}`);
      break;
    case 'record':
      fields.push(`value: ${spec.value}`);
      break;
    case 'discriminatedUnion':
      fields.push(`discriminator: ${text(spec.discriminator)}`, `options: ${entries(spec.options)}`);
      break;
  }
  if (spec.checks) fields.push(`checks: [${spec.checks.map(checkText).join(', ')}]`);
  fields.push(...message(spec.message));
  return `const ${name}: Node = { ${fields.join(', ')} };`;
}

/**
 * The valid case of a node as straight-line code (`v12` for `n12`): what runtime.ts's `parseValid` does for the node,
 * written out, so that a valid value is checked and copied without walking the node. It answers exactly as
 * `parseValid` does (the output, or INVALID): test/machines/generated-validators.test.ts holds the two to it.
 */
function compiledText(name: string, spec: Spec, all: Map<string, Spec>, patterns: Map<string, string>): string {
  const call = (node: string, value: string) => `${node.replace(/^n/, 'v')}(${value})`;
  const body: string[] = [];
  /** zod's `optin`, as runtime.ts's `optIn` works it out. */
  const optIn = (node: string): 'optional' | 'defaulted' | undefined => {
    const s = all.get(node)!;
    if (s.kind === 'default') return 'defaulted';
    if (s.kind === 'optional') return optIn(s.inner) === 'defaulted' ? 'defaulted' : 'optional';
    return undefined;
  };
  switch (spec.kind) {
    case 'string':
    case 'boolean':
      body.push(`if (typeof input !== '${spec.kind}') return INVALID;`);
      break;
    case 'number':
      body.push(`if (typeof input !== 'number' || !Number.isFinite(input)) return INVALID;`);
      break;
    case 'unknown':
      break;
    case 'enum':
    case 'literal':
      if (spec.values.some((v) => typeof v === 'number' && Number.isNaN(v)))
        throw new Error(`${name}: NaN among the values`);
      body.push(`if (!(${spec.values.map((v) => `input === ${text(v)}`).join(' || ')})) return INVALID;`);
      break;
    case 'optional':
      body.push(
        optIn(spec.inner) === 'defaulted'
          ? `const value = ${call(spec.inner, 'input')};`
          : `const value = input === undefined ? input : ${call(spec.inner, 'input')};`,
      );
      break;
    case 'default':
      body.push(
        `let value = input === undefined ? ${text(spec.value)} : ${call(spec.inner, 'input')};`,
        `if (value === undefined) value = ${text(spec.value)};`,
      );
      break;
    case 'object': {
      body.push('if (!isObject(input)) return INVALID;', 'const value: Record<string, unknown> = {};');
      for (const [index, [key, node]] of Object.entries(spec.shape).entries()) {
        const k = text(key);
        const v = `field${index}`;
        const optin = optIn(node);
        const optional = all.get(node)!.kind === 'optional';
        if (optin === undefined) {
          body.push(
            `if (!(${k} in input)) return INVALID;`,
            `const ${v} = ${call(node, `input[${k}]`)};`,
          );
        } else if (optin === 'optional') {
          body.push(`if (${k} in input) {`, `const ${v} = ${call(node, `input[${k}]`)};`);
        } else {
          body.push('{', `const ${v} = ${call(node, `input[${k}]`)};`);
        }
        body.push(`if (${v} === INVALID) return INVALID;`);
        // An absent key that its node makes undefined stays absent when the node is optional.
        body.push(
          optin === 'defaulted' && optional
            ? `if (${v} !== undefined || ${k} in input) value[${k}] = ${v};`
            : `value[${k}] = ${v};`,
        );
        if (optin !== undefined) body.push('}');
      }
      if (spec.strict) {
        const known = Object.keys(spec.shape);
        body.push(
          'for (const key in input) {',
          known.length
            ? `if (${known.map((k) => `key !== ${text(k)}`).join(' && ')}) return INVALID;`
            : 'return INVALID;',
          '}',
        );
      }
      break;
    }
    case 'array':
      body.push(
        'if (!Array.isArray(input)) return INVALID;',
        'const length = input.length;',
        'const value: unknown[] = Array(length);',
        'for (let i = 0; i < length; i += 1) {',
        'if (!(i in input)) continue;',
        `const item = ${call(spec.element, 'input[i]')};`,
        'if (item === INVALID) return INVALID;',
        'value[i] = item;',
        '}',
      );
      break;
    case 'record':
      body.push(
        'if (!isPlainObject(input)) return INVALID;',
        'const value: Record<string, unknown> = {};',
        'for (const key of Object.keys(input)) {',
        `if (key === '__proto__') continue;`,
        `const item = ${call(spec.value, 'input[key]')};`,
        'if (item === INVALID) return INVALID;',
        'value[key] = item;',
        '}',
      );
      break;
    case 'discriminatedUnion':
      body.push(
        'if (!isObject(input)) return INVALID;',
        `switch (input[${text(spec.discriminator)}]) {`,
        ...Object.entries(spec.options).map(([tag, node]) => `case ${text(tag)}: return ${call(node, 'input')};`),
        'default: return INVALID;',
        '}',
      );
      if (spec.checks) throw new Error(`${name}: checks on a discriminated union`);
      break;
  }
  const checks = spec.checks ?? [];
  if (spec.kind !== 'discriminatedUnion') {
    // The node's value, checked in order (runtime.ts's `checksPass`); `input` itself when the kind copies nothing.
    const copies = ['optional', 'default', 'object', 'array', 'record'].includes(spec.kind);
    if (!copies)
      body.push(`${checks.some((c) => c.kind === 'trim') ? 'let' : 'const'} value: unknown = input;`);
    else if (checks.some((c) => c.kind === 'trim')) throw new Error(`${name}: trim() on a value that is no string`);
    if (copies && (spec.kind === 'optional' || spec.kind === 'default') && checks.length)
      body.push('if (value === INVALID) return INVALID;');
    for (const c of checks) {
      switch (c.kind) {
        case 'format': {
          const source = c.pattern.toString();
          if (!patterns.has(source)) patterns.set(source, `pattern${patterns.size + 1}`);
          body.push(`if (!${patterns.get(source)!}.test(value as string)) return INVALID;`);
          break;
        }
        case 'maxLength':
        case 'minLength':
          body.push(
            `if (!lengthWithin(value, ${c.kind === 'maxLength' ? `undefined, ${c.maximum}` : `${c.minimum}, undefined`})) return INVALID;`,
          );
          break;
        case 'trim':
          body.push('value = (value as string).trim();');
          break;
        case 'lessThan':
        case 'greaterThan': {
          const op = (c.kind === 'lessThan' ? '<' : '>') + (c.inclusive ? '=' : '');
          body.push(`if (!((value as number) ${op} ${c.value})) return INVALID;`);
          break;
        }
        case 'int':
          body.push('if (!Number.isSafeInteger(value)) return INVALID;');
          break;
        case 'custom':
          body.push(`if (!refinements.${c.fn}(value as never)) return INVALID;`);
          break;
      }
    }
    body.push('return value;');
  }
  return `function ${name.replace(/^n/, 'v')}(input: unknown): unknown {\n${body.join('\n')}\n}`;
}

/** The text of one generated file, formatted as the house formats (prettier). */
export async function render(output: Output): Promise<string> {
  const { specs: all, names } = specs(output.entries);
  const consts = [...all].map(([name, spec]) => nodeText(name, spec));
  const patterns = new Map<string, string>();
  const compiled = output.compiled ? [...all].map(([name, spec]) => compiledText(name, spec, all, patterns)) : [];
  const sources = new Map<string, string[]>();
  for (const e of output.entries) sources.set(e.from, [...(sources.get(e.from) ?? []), e.exportName]);
  const usesRefinements = consts.some((c) => c.includes('refinements.'));
  const runtime = output.compiled
    ? 'INVALID, isObject, isPlainObject, lengthWithin, validator, type Node, type Validator'
    : 'validator, type Node, type Validator';
  const lines = [
    '// Generated by scripts/generate-validators.ts from the zod schemas named below: do not edit, run `npm run build`.',
    "import type { z } from 'zod';",
    ...[...sources].map(([from, list]) => `import type { ${list.join(', ')} } from '${from}';`),
    ...(usesRefinements ? [`import * as refinements from '${output.validation}/refinements';`] : []),
    `import { ${runtime} } from '${output.validation}/runtime';`,
    '',
    ...consts,
    '',
    ...(output.compiled
      ? [
          '// Each node\'s valid case as code (see runtime.ts, `parseValid`): the validators try it first.',
          ...[...patterns].map(([source, constName]) => `const ${constName} = ${source};`),
          ...compiled,
          '',
        ]
      : []),
    ...output.entries.flatMap((e) => {
      const node = names.get(e.schema)!;
      const compiledArgument = output.compiled ? `, ${node.replace(/^n/, 'v')}` : '';
      return [
        `/** ${e.doc} */`,
        `export const ${e.name}: Validator<z.output<typeof ${e.exportName}>> = validator(${node}${compiledArgument});`,
      ];
    }),
    '',
  ];
  const source = lines.join('\n');
  const config = (await prettier.resolveConfig(join(root, output.file))) ?? {};
  return prettier.format(source, { ...config, parser: 'typescript' });
}

async function main() {
  const checkOnly = process.argv.includes('--check');
  let stale = 0;
  for (const output of outputs) {
    const file = join(root, output.file);
    const next = await render(output);
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // not generated yet
    }
    if (current === next) continue;
    stale += 1;
    if (checkOnly) console.error(`${output.file} is out of date: run npm run build`);
    else writeFileSync(file, next);
  }
  if (checkOnly && stale) process.exitCode = 1;
}

if (require.main === module) void main();
