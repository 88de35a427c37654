/**
 * Issue 14: the workflow bundle checks its input with validators generated from the zod schemas
 * (scripts/generate-validators.ts), without zod. A caller must not notice: for every event type, the same verdict,
 * the same parsed event (defaults filled in, the reason trimmed) and the same field problems, path and message, as
 * zod gives. Valid samples come from the machine's path generator and full examples of each event's data; invalid
 * ones are made from every valid one by putting a wrong value at each of its fields, dropping it, and adding keys.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import {
  ActorSchema,
  CoordinatorEventSchema,
  CoordinatorEventTypeSchema,
  CovenantChangeArgsSchema,
  coordinatorEventTypes,
  EventInputSchema,
  presetCovenants,
} from '../../machines';
import {
  actorValidator,
  coordinatorEventTypeValidator,
  coordinatorEventValidator,
  covenantChangeArgsValidator,
  eventInputValidator,
} from '../../machines/validation/generated-validators';
import { INVALID, parseValid, type Validator } from '../../machines/validation/runtime';
import { sendEventArgsValidator } from '../../workflows/generated-validators';
import { SendEventArgsSchema } from '../../workflows/send-event-args';
import { goodIndicators, type SendEvent } from '../support/model';
import { shortestPathsThroughTransitions } from '../support/paths';

const covenant = presetCovenants.almere!;
const at = '2026-03-01T10:00:00.000Z';
const gemeente = { role: 'gemeente', organisation: 'Gemeente Almere', personId: 'g-1' };

/** Every event the generated paths send, as the machine takes it: one of each type, actor and data. */
const pathEvents = [
  ...new Map(
    shortestPathsThroughTransitions(covenant)
      .flatMap((p) => p.events)
      .filter((e): e is SendEvent => e.type !== 'ADVANCE')
      .map((e) => ({ type: e.type, actor: e.actor, at: e.at, data: e.data ?? {} }))
      .map((e) => [JSON.stringify([e.type, e.actor, e.data]), e] as const),
  ).values(),
];

/** Each event's data with every field it may carry. */
const fullData: Record<string, Record<string, unknown>> = {
  INGETROKKEN: { reason: 'verhuisd', note: 'kort' },
  URGENTIE_AANGEVRAAGD: { note: 'spoed' },
  URGENTIE_TOEGEKEND: {
    searchProfile: { districts: ['Haven', "Stad's-Oost"], homeType: 'studio', maxRent: 812.5 },
    note: 'n',
  },
  URGENTIE_AFGEWEZEN: { reason: 'onvolledig', note: 'n' },
  WONING_AANGEBODEN: { homeRef: 'woning-0042', wijkbeheerderConsulted: true },
  AANBOD_GEWEIGERD: { reason: 'nietPassend', note: 'n' },
  CONTRACTVORM_GEADVISEERD: { form: 'driepartijenovereenkomst', note: 'n' },
  CONTRACT_GETEKEND: { form: 'omklapcontract' },
  GESPREK_GEPLAND: { meeting: 'evaluatiegesprek', plannedAt: '2026-03-04T10:00:00+01:00' },
  GESPREK_GEVOERD: { meeting: 'kennismakingsgesprek', note: 'n' },
  EVALUATIE_VASTGELEGD: {
    indicators: { ...goodIndicators, overlast: 'zorg' },
    advice: 'verlengen',
    note: 'n',
  },
  OVERLAST_GEMELD: { severity: 'hoog', note: 'n' },
  OVERLAST_OPGEPAKT: { reportId: 'overlast-3' },
  OVERLAST_AFGEHANDELD: { reportId: 'overlast-3', note: 'n' },
  HUURACHTERSTAND_GESIGNALEERD: { months: 24 },
  CONTRACT_BEEINDIGD: { reason: 'overig', note: 'n' },
  CONTACT_GELOGD: { hours: 0.5 },
};
const fullEvents = coordinatorEventTypes.map((type) => ({
  type,
  actor: { role: 'corporatie', organisation: 'Ymere', personId: 'p.1' },
  at,
  data: fullData[type] ?? (type.endsWith('_GEMELD') || type === 'TRAJECT_AFGESLOTEN' ? { note: 'n' } : {}),
}));
const validEvents = [...pathEvents, ...fullEvents];

/** Values wrong for some field or other: other types, bounds, patterns, names and citizen numbers. */
const wrongValues: unknown[] = [
  null,
  1,
  -1,
  0,
  1.5,
  25,
  5001,
  1e300,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  '',
  'x',
  '  ab  ',
  'x'.repeat(2001),
  '😀'.repeat(1001),
  'Jan',
  'jan_vries_dorpsstraat',
  'c-123456782',
  'overlast-x',
  '2026-13-01T10:00:00Z',
  '2026-03-01',
  [],
  ['Haven', 3],
  Array(21).fill('Haven'),
  {},
  { a: 1 },
];

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Every sample made from a valid one by changing one thing. */
function mutations(valid: unknown): unknown[] {
  const out: unknown[] = [undefined, null, 'text', [valid]];
  const walk = (path: Array<string | number>) => {
    const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as never)[k], valid);
    const key = path[path.length - 1]!;
    for (const wrong of wrongValues) {
      const copy = clone(valid) as Record<string, unknown>;
      const holder = path.slice(0, -1).reduce<unknown>((v, k) => (v as never)[k], copy) as Record<
        string,
        unknown
      >;
      holder[key] = wrong;
      out.push(copy);
    }
    if (!Array.isArray(parent)) {
      const copy = clone(valid);
      const holder = path.slice(0, -1).reduce<unknown>((v, k) => (v as never)[k], copy) as Record<
        string,
        unknown
      >;
      delete holder[key];
      out.push(copy);
    }
    const value = (parent as never)[key] as unknown;
    if (value && typeof value === 'object') {
      for (const k of Object.keys(value)) walk([...path, Array.isArray(value) ? Number(k) : k]);
      if (!Array.isArray(value)) {
        const copy = clone(valid);
        const holder = path.reduce<unknown>((v, k) => (v as never)[k], copy) as Record<string, unknown>;
        holder.unknownField = 1;
        holder['bad key!'] = 2;
        out.push(copy, JSON.parse(JSON.stringify(copy).replace('"unknownField"', '"__proto__"')));
      }
    }
  };
  if (valid && typeof valid === 'object') for (const k of Object.keys(valid)) walk([k]);
  return out;
}

/** What a caller sees of a parse: the verdict, the parsed value, and each issue's code, path, message and keys. */
function seen(result: { success: boolean; data?: unknown; error?: { issues: ReadonlyArray<object> } }) {
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    issues: result.error!.issues.map((i) => {
      const { code, path, message, keys } = i as {
        code: string;
        path: PropertyKey[];
        message: string;
        keys?: string[];
      };
      return { code, path, message, ...(keys ? { keys } : {}) };
    }),
  };
}

function agree(schema: z.ZodType, generated: Validator<unknown>, samples: unknown[]) {
  let failures = 0;
  const differing: unknown[] = [];
  for (const sample of samples) {
    const expected = seen(schema.safeParse(sample));
    if (!expected.success) failures += 1;
    const actual = seen(generated.safeParse(sample));
    if (!isDeepStrictEqual(actual, expected)) differing.push({ sample, zod: expected, generated: actual });
  }
  expect(differing.slice(0, 3)).toEqual([]);
  return failures;
}

test('the generated paths give valid samples of most event types', () => {
  expect(new Set(pathEvents.map((e) => e.type)).size).toBeGreaterThan(20);
});

test('a coordinator event: the same verdict, parsed event and field problems as zod, valid or not', () => {
  const invalid = agree(CoordinatorEventSchema, coordinatorEventValidator, [
    ...validEvents,
    ...validEvents.flatMap(mutations),
    { ...fullEvents[0], type: 'ONBEKEND' },
  ]);
  expect(invalid).toBeGreaterThan(1000);
});

test('an event as sent, and its type: the same as zod', () => {
  const sent = validEvents.map(({ type, actor, data }) => ({ type, actor, data }));
  expect(
    agree(EventInputSchema, eventInputValidator, [...sent, ...sent.slice(0, 40).flatMap(mutations)]),
  ).toBeGreaterThan(100);
  agree(CoordinatorEventTypeSchema, coordinatorEventTypeValidator, [
    ...coordinatorEventTypes,
    'ONBEKEND',
    3,
    undefined,
  ]);
});

test('an actor: the same as zod, the partner without an organisation included', () => {
  const actors = [
    gemeente,
    { role: 'client', personId: 'client-1' },
    { role: 'corporatie', personId: 'c-1' },
    { role: 'buurtbewoner', personId: 'b-1', organisation: 'Ymere' },
  ];
  expect(agree(ActorSchema, actorValidator, [...actors, ...actors.flatMap(mutations)])).toBeGreaterThan(50);
});

test('a covenant change and the arguments of a send: the same as zod, the reason trimmed', () => {
  const change = {
    actor: gemeente,
    covenant: { id: 'almere', version: '2023-01' },
    reason: '  nieuwe termijnen  ',
  };
  expect(covenantChangeArgsValidator.safeParse(change).data?.reason).toBe('nieuwe termijnen');
  expect(
    agree(CovenantChangeArgsSchema, covenantChangeArgsValidator, [change, ...mutations(change)]),
  ).toBeGreaterThan(50);
  const send = { event: { type: 'INSTEMMING_GEGEVEN' }, idempotencyKey: 'k-1' };
  expect(
    agree(SendEventArgsSchema, sendEventArgsValidator, [send, { event: 1 }, ...mutations(send)]),
  ).toBeGreaterThan(10);
});

test("the engine's validators check a valid value by code that answers as the node does, valid or not", () => {
  const sent = validEvents.map(({ type, actor, data }) => ({ type, actor, data }));
  const change = { actor: gemeente, covenant: { id: 'almere' }, reason: '  nieuwe termijnen  ' };
  const cases: Array<[Validator<unknown>, unknown[]]> = [
    [coordinatorEventValidator, [...validEvents, ...validEvents.flatMap(mutations)]],
    [eventInputValidator, [...sent, ...sent.flatMap(mutations)]],
    [actorValidator, [gemeente, { role: 'client', personId: 'c-1' }, ...mutations(gemeente)]],
    [coordinatorEventTypeValidator, [...coordinatorEventTypes, 'ONBEKEND', 3, undefined]],
    [covenantChangeArgsValidator, [change, ...mutations(change)]],
  ];
  for (const [validator, samples] of cases) {
    const { node, compiled } = validator;
    expect(compiled).toBeDefined();
    const differing = samples.filter((s) => !isDeepStrictEqual(compiled!(s), parseValid(node!, s)));
    expect(differing.slice(0, 3)).toEqual([]);
    // Valid values do take the code's way: what it refuses, the node refuses too.
    expect(samples.filter((s) => compiled!(s) !== INVALID).length).toBeGreaterThan(0);
  }
  // A sparse array keeps its holes, as parseValid's copy does; a default is a fresh copy every time.
  const sparse: unknown[] = [];
  sparse[1] = 'Haven';
  const profile = { ...fullEvents[3], data: { searchProfile: { districts: sparse } } };
  const copied = coordinatorEventValidator.compiled!(profile);
  expect(isDeepStrictEqual(copied, parseValid(coordinatorEventValidator.node!, profile))).toBe(true);
  expect(
    0 in (copied as { data: { searchProfile: { districts: unknown[] } } }).data.searchProfile.districts,
  ).toBe(false);
  const first = coordinatorEventValidator.safeParse({ ...fullEvents[0], data: undefined });
  const second = coordinatorEventValidator.safeParse({ ...fullEvents[0], data: undefined });
  expect(first.data!.data).toEqual({});
  expect(first.data!.data).not.toBe(second.data!.data);
});

test('the committed validators are what the schemas generate now', () => {
  // The generator runs as npm run build runs it, in a process of its own: prettier, which formats its output, loads
  // its plugins by dynamic import, which jest's module sandbox refuses.
  const root = join(__dirname, '..', '..');
  const check = spawnSync(
    process.execPath,
    ['-r', './scripts/ts-require.js', 'scripts/generate-validators.ts', '--check'],
    { cwd: root, encoding: 'utf8' },
  );
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});
