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
}

const root = join(__dirname, '..');

export const outputs: Output[] = [
  {
    file: 'machines/validation/generated-validators.ts',
    validation: '.',
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

const text = (value: unknown) => JSON.stringify(value);
const withMessage = (fields: string[], def: { error?: unknown }) => {
  const message = messageOf(def);
  return `{ ${[...fields, ...(message !== undefined ? [`message: ${text(message)}`] : [])].join(', ')} }`;
};

function check(def: CheckDef, where: string): string {
  switch (def.check) {
    case 'string_format': {
      const pattern = def.pattern as RegExp;
      if (!(pattern instanceof RegExp) || pattern.global || pattern.sticky)
        throw new Error(`${where}: a format without a plain pattern`);
      return withMessage(
        [`kind: 'format'`, `format: ${text(def.format)}`, `pattern: ${pattern.toString()}`],
        def,
      );
    }
    case 'max_length':
      return withMessage([`kind: 'maxLength'`, `maximum: ${Number(def.maximum)}`], def);
    case 'min_length':
      return withMessage([`kind: 'minLength'`, `minimum: ${Number(def.minimum)}`], def);
    case 'less_than':
    case 'greater_than':
      if (typeof def.value !== 'number') throw new Error(`${where}: a bound that is no number`);
      return withMessage(
        [
          `kind: '${def.check === 'less_than' ? 'lessThan' : 'greaterThan'}'`,
          `value: ${def.value}`,
          `inclusive: ${Boolean(def.inclusive)}`,
        ],
        def,
      );
    case 'number_format':
      if (def.format !== 'safeint') throw new Error(`${where}: number format ${String(def.format)}`);
      return withMessage([`kind: 'int'`], def);
    case 'overwrite':
      if (String(def.tx) !== trim) throw new Error(`${where}: a transform other than trim()`);
      return `{ kind: 'trim' }`;
    case 'custom': {
      const name = predicates.get(def.fn);
      if (!name)
        throw new Error(
          `${where}: a refinement whose predicate is not exported from machines/validation/refinements.ts`,
        );
      if (def.when || def.abort) throw new Error(`${where}: a refinement with when/abort`);
      const path = (def.path as PropertyKey[] | undefined) ?? [];
      return withMessage(
        [`kind: 'custom'`, `fn: refinements.${name}`, ...(path.length ? [`path: ${text(path)}`] : [])],
        def,
      );
    }
    default:
      throw new Error(`${where}: check ${def.check} is not supported`);
  }
}

/** Writes the nodes of one output: each distinct schema once, so shared ones (the actor) are one object. */
function nodes(entries: Entry[]): { consts: string[]; names: Map<unknown, string> } {
  const names = new Map<unknown, string>();
  const consts: string[] = [];
  const visit = (schema: Schema, where: string): string => {
    const known = names.get(schema);
    if (known) return known;
    const def = schema._zod.def;
    const fields: string[] = [];
    const checks: string[] = [];
    switch (def.type) {
      case 'string':
        // A string format (z.iso.datetime) is its own first check.
        if (typeof def.check === 'string') checks.push(check(def as unknown as CheckDef, where));
        fields.push(`kind: 'string'`);
        break;
      case 'number':
        if (typeof def.check === 'string') checks.push(check(def as unknown as CheckDef, where));
        fields.push(`kind: 'number'`);
        break;
      case 'boolean':
      case 'unknown':
        fields.push(`kind: '${def.type}'`);
        break;
      case 'enum':
        fields.push(`kind: 'enum'`, `values: ${text(Object.values(def.entries as object))}`);
        break;
      case 'literal':
        fields.push(`kind: 'literal'`, `values: ${text(def.values)}`);
        break;
      case 'optional':
        fields.push(`kind: 'optional'`, `inner: ${visit(def.innerType as Schema, where)}`);
        break;
      case 'default': {
        const value = def.defaultValue;
        if (JSON.stringify(value) === undefined) throw new Error(`${where}: a default that is no JSON value`);
        fields.push(
          `kind: 'default'`,
          `inner: ${visit(def.innerType as Schema, where)}`,
          `value: ${text(value)}`,
        );
        break;
      }
      case 'object': {
        const catchall = (def.catchall as Schema | undefined)?._zod.def.type;
        if (catchall !== undefined && catchall !== 'never') throw new Error(`${where}: a catchall`);
        const shape = def.shape as Record<string, Schema>;
        const props = Object.keys(shape).map((k) => `${text(k)}: ${visit(shape[k]!, `${where}.${k}`)}`);
        fields.push(`kind: 'object'`, `shape: { ${props.join(', ')} }`, `strict: ${catchall === 'never'}`);
        break;
      }
      case 'array':
        fields.push(`kind: 'array'`, `element: ${visit(def.element as Schema, `${where}[]`)}`);
        break;
      case 'record': {
        const key = (def.keyType as Schema)._zod.def;
        if (key.type !== 'string' || key.checks?.length || def.mode)
          throw new Error(`${where}: a record keyed other than by z.string()`);
        fields.push(`kind: 'record'`, `value: ${visit(def.valueType as Schema, `${where}.*`)}`);
        break;
      }
      case 'union': {
        const discriminator = def.discriminator as string | undefined;
        if (!discriminator || def.unionFallback)
          throw new Error(`${where}: a union that is not discriminated`);
        const options = (def.options as Schema[]).map((option) => {
          const tag = (option._zod.def.shape as Record<string, Schema>)[discriminator]!._zod.def
            .values as unknown[];
          if (tag.length !== 1 || typeof tag[0] !== 'string')
            throw new Error(`${where}: an option without one string tag`);
          return `${text(tag[0])}: ${visit(option, `${where}<${String(tag[0])}>`)}`;
        });
        fields.push(
          `kind: 'discriminatedUnion'`,
          `discriminator: ${text(discriminator)}`,
          `options: { ${options.join(', ')} }`,
        );
        break;
      }
      default:
        throw new Error(`${where}: zod type ${def.type} is not supported`);
    }
    for (const c of def.checks ?? []) {
      if (c === (schema as unknown)) continue;
      checks.push(check(c._zod.def, where));
    }
    if (checks.length) fields.push(`checks: [${checks.join(', ')}]`);
    const message = messageOf(def);
    if (message !== undefined) fields.push(`message: ${text(message)}`);
    const name = `n${names.size + 1}`;
    names.set(schema, name);
    consts.push(`const ${name}: Node = { ${fields.join(', ')} };`);
    return name;
  };
  for (const entry of entries) visit(entry.schema as unknown as Schema, entry.exportName);
  return { consts, names };
}

/** The text of one generated file, formatted as the house formats (prettier). */
export async function render(output: Output): Promise<string> {
  const { consts, names } = nodes(output.entries);
  const sources = new Map<string, string[]>();
  for (const e of output.entries) sources.set(e.from, [...(sources.get(e.from) ?? []), e.exportName]);
  const usesRefinements = consts.some((c) => c.includes('refinements.'));
  const lines = [
    '// Generated by scripts/generate-validators.ts from the zod schemas named below: do not edit, run `npm run build`.',
    "import type { z } from 'zod';",
    ...[...sources].map(([from, list]) => `import type { ${list.join(', ')} } from '${from}';`),
    ...(usesRefinements ? [`import * as refinements from '${output.validation}/refinements';`] : []),
    `import { validator, type Node, type Validator } from '${output.validation}/runtime';`,
    '',
    ...consts,
    '',
    ...output.entries.flatMap((e) => [
      `/** ${e.doc} */`,
      `export const ${e.name}: Validator<z.output<typeof ${e.exportName}>> = validator(${names.get(e.schema)!});`,
    ]),
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
