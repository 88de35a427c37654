/**
 * The read model's SQLite store on its own (a real file through node-sqlite3-wasm): the report it gives equals the
 * report of the same facts in memory, for periods whose filter leaves trajects out and for periods that take them all;
 * a file of the first schema is upgraded in place with its facts kept; erasure deletes a traject's facts for good.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'node-sqlite3-wasm';
import { liveReport, reportFromStore, simulate, type TrajectFacts } from '../../client/evaluation';
import {
  openSqliteStore,
  READ_MODEL_FILE,
  SCHEMA_VERSION,
  type FactsRecord,
} from '../../platform/read-model';

const AS_OF = '2028-01-01T00:00:00.000Z';
const { facts: simulated } = simulate({
  covenant: 'almere',
  clients: 120,
  years: 2,
  offersPerMonth: 3,
  seed: 7,
});
/** A generated caseload: the simulated trajects, copied under new references. */
const facts: TrajectFacts[] = Array.from({ length: 600 }, (_, i) => ({
  ...simulated[i % simulated.length]!,
  trajectRef: `gen-${String(i).padStart(4, '0')}`,
}));
const records = (of: readonly TrajectFacts[]): FactsRecord[] =>
  of.map((f, i) => ({ workflowId: `traject-${f.trajectRef}`, seq: i + 1, facts: f }));
const periods = ['2026-Q1', '2026-H1', '2026-H2', '2026', '2026-01-01/2028-01-01', '2027-H2'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidw-read-model-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function seeded(file: string, of: readonly TrajectFacts[] = facts): void {
  const store = openSqliteStore(file);
  store.putMany(records(of));
  store.close();
}

test('the report read from the store equals the report of the same facts in memory, period by period', () => {
  const file = join(dir, READ_MODEL_FILE);
  seeded(file);
  const reader = openSqliteStore(file, { readOnly: true });
  try {
    // The first quarter leaves out every traject registered later: the filter must not move a figure.
    expect(reader.factsOf('almere', { registeredBefore: '2026-04-01T00:00:00.000Z' }).length).toBeLessThan(
      facts.length,
    );
    for (const period of periods) {
      const options = { region: 'almere', period, asOf: AS_OF };
      expect(reportFromStore(reader, options)).toEqual(liveReport(facts, options));
    }
  } finally {
    reader.close();
  }
});

/** Every instant in a value, written with a +02:00 offset and no milliseconds where it has none: the same instant. */
function withOffsets<T>(value: T): T {
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT.*Z$/.test(value)) {
    const local = new Date(Date.parse(value) + 2 * 3_600_000).toISOString();
    return `${local.endsWith('.000Z') ? local.slice(0, 19) : local.slice(0, 23)}+02:00` as T;
  }
  if (Array.isArray(value)) return value.map(withOffsets) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withOffsets(v)])) as T;
  return value;
}

test('instants written with an offset count as the same instants in UTC, in the store and in memory', () => {
  const shifted = facts.slice(0, 200).map(withOffsets);
  expect(shifted[0]!.registeredAt).toMatch(/\+02:00$/);
  const file = join(dir, READ_MODEL_FILE);
  seeded(file, shifted);
  const reader = openSqliteStore(file, { readOnly: true });
  try {
    for (const period of periods) {
      const options = { region: 'almere', period, asOf: AS_OF };
      const expected = liveReport(facts.slice(0, 200), options).scenarios[0]!.whole;
      expect(liveReport(shifted, options).scenarios[0]!.whole).toEqual(expected);
      expect(reportFromStore(reader, options).scenarios[0]!.whole).toEqual(expected);
    }
  } finally {
    reader.close();
  }
});

/** A read model as the first schema (user_version 0) wrote it. */
function firstSchemaFile(file: string, of: readonly TrajectFacts[]): void {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE traject_facts (workflow_id TEXT PRIMARY KEY, traject_ref TEXT NOT NULL, region TEXT NOT NULL,
      seq INTEGER NOT NULL, as_of TEXT NOT NULL, facts TEXT NOT NULL);
    CREATE INDEX traject_facts_region ON traject_facts (region);`);
  for (const { workflowId, seq, facts: f } of records(of))
    db.run('INSERT INTO traject_facts VALUES (?, ?, ?, ?, ?, ?)', [
      workflowId,
      f.trajectRef,
      f.region,
      seq,
      f.asOf,
      JSON.stringify(f),
    ]);
  db.close();
}

test('a read model of the first schema is upgraded on open and keeps every traject and figure', () => {
  const file = join(dir, READ_MODEL_FILE);
  const some = [
    ...facts.slice(0, 150),
    ...facts
      .slice(0, 50)
      .map(withOffsets)
      .map((f, i) => ({ ...f, trajectRef: `off-${i}` })),
  ];
  firstSchemaFile(file, some);
  const options = { region: 'almere', period: '2026-Q1', asOf: AS_OF };

  // Before any writer opened it, a reader reads it as it is.
  const before = openSqliteStore(file, { readOnly: true });
  expect(reportFromStore(before, options)).toEqual(liveReport(some, options));
  before.close();

  openSqliteStore(file).close(); // the worker starting after the upgrade
  const db = new Database(file, { readOnly: true });
  expect(db.get('PRAGMA user_version')).toEqual({ user_version: SCHEMA_VERSION });
  const rows = db.all('SELECT registered_at, facts FROM traject_facts');
  db.close();
  for (const row of rows)
    expect(row.registered_at).toBe(
      Date.parse((JSON.parse(row.facts as string) as TrajectFacts).registeredAt),
    );

  const after = openSqliteStore(file, { readOnly: true });
  try {
    expect(after.counts()).toEqual({ almere: some.length });
    for (const period of periods) {
      const o = { region: 'almere', period, asOf: AS_OF };
      expect(reportFromStore(after, o)).toEqual(liveReport(some, o));
    }
  } finally {
    after.close();
  }
});

test("erasure deletes a traject's facts, and a write of it that comes later is refused", () => {
  const file = join(dir, READ_MODEL_FILE);
  seeded(file, facts.slice(0, 10));
  const store = openSqliteStore(file);
  try {
    const [gone, ...kept] = records(facts.slice(0, 10));
    expect(store.erase(gone!.workflowId)).toBe(true);
    expect(store.counts()).toEqual({ almere: 9 });
    expect(store.factsOf('almere').map((f) => f.trajectRef)).toEqual(kept.map((r) => r.facts.trajectRef));
    // The traject's last activity, retried after the erasure, writes nothing.
    expect(store.put({ ...gone!, seq: gone!.seq + 1 })).toBe('erased');
    expect(store.counts()).toEqual({ almere: 9 });
    expect(store.erase(gone!.workflowId)).toBe(false);
    expect(store.put({ ...kept[0]!, seq: kept[0]!.seq })).toBe('stale');
  } finally {
    store.close();
  }
  // Nothing of its facts is left in the file, only its workflow id.
  const db = new Database(file, { readOnly: true });
  expect(db.all("SELECT 1 FROM traject_facts WHERE facts LIKE '%gen-0000%'")).toEqual([]);
  db.close();
});

test('a worker started after one was killed inside a write waits out its lock instead of failing to start', () => {
  const file = join(dir, READ_MODEL_FILE);
  seeded(file, facts.slice(0, 3));
  // What a process killed inside a statement leaves behind: the wasm build's lock directory, here 22 s old, so that
  // it goes stale (30 s) after the few seconds any other statement waits, but before the writer's open gives up.
  const lock = `${file}.lock`;
  mkdirSync(lock);
  const then = (Date.now() - 22_000) / 1000;
  utimesSync(lock, then, then);
  const store = openSqliteStore(file);
  try {
    expect(store.counts()).toEqual({ almere: 3 });
  } finally {
    store.close();
  }
}, 30_000);
