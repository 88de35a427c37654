/**
 * The read model in one SQLite file (`.data/read-model.db` on the embedded default), through node-sqlite3-wasm:
 * SQLite compiled to WebAssembly doing real file I/O through Node's fs, so `npm ci` builds nothing (see the README,
 * "Where the figures come from"). One row per traject, keyed by workflow id; a write is taken only when its event
 * number is higher than the stored one, so a retried or replayed activity never writes twice.
 *
 * Reading is what a report waits for: the store filters in SQL on a column of its own (`registered_at`, epoch ms), so
 * that rows no figure of the period counts are never handed to JavaScript nor decoded. (Handing over many rows' JSON
 * as one `group_concat` string was tried: slower in the wasm build than a row each, 1.8 s against 0.4 s CPU for
 * 50,000 rows.)
 */
import { existsSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Database, type Statement } from 'node-sqlite3-wasm';
import { TrajectFactsSchema, type TrajectFacts } from '../../machines/evaluation/facts';
import { dataDirFrom, ensurePrivateDir } from '../paths';
import { ReadModelUnavailable } from './errors';
import type { FactsQuery, FactsRecord, FactsStore, PutOutcome } from './store';

/** The read model's file name in the data directory. */
export const READ_MODEL_FILE = 'read-model.db';

/** The read model's file: TIDW_READ_MODEL_FILE, else `read-model.db` in the data directory. */
export function readModelFile(env: Record<string, string | undefined>): string {
  return env.TIDW_READ_MODEL_FILE || join(dataDirFrom(env), READ_MODEL_FILE);
}

/**
 * `PRAGMA user_version` of the current schema. 0: the first one (no `registered_at`, no erasures), upgraded on open
 * by the writer's side (the worker, the gateway) in one transaction: a user upgrading keeps their facts.
 */
export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS traject_facts (
  workflow_id TEXT PRIMARY KEY,
  traject_ref TEXT NOT NULL,
  region TEXT NOT NULL,
  seq INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  registered_at INTEGER,
  facts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traject_facts_registered ON traject_facts (region, registered_at);
CREATE TABLE IF NOT EXISTS erased_trajects (
  workflow_id TEXT PRIMARY KEY,
  erased_at TEXT NOT NULL
);
`;

/** Version 0 to 2: the new column, filled from each row's own facts (exact: SQLite reads ISO offsets, ms kept). */
const UPGRADE_FROM_0 = `
ALTER TABLE traject_facts ADD COLUMN registered_at INTEGER;
UPDATE traject_facts
  SET registered_at = CAST(round(unixepoch(json_extract(facts, '$.registeredAt'), 'subsec') * 1000) AS INTEGER);
DROP INDEX IF EXISTS traject_facts_region;
`;

// Numbered parameters: ?1 (the workflow id) is also the erasure check's.
const UPSERT = `
INSERT INTO traject_facts (workflow_id, traject_ref, region, seq, as_of, registered_at, facts)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (SELECT 1 FROM erased_trajects WHERE workflow_id = ?1)
ON CONFLICT (workflow_id) DO UPDATE SET
  traject_ref = excluded.traject_ref, region = excluded.region, seq = excluded.seq,
  as_of = excluded.as_of, registered_at = excluded.registered_at, facts = excluded.facts
WHERE excluded.seq > traject_facts.seq`;

/** A region's facts; `registered` adds the period's filter, on the column rather than in the JSON. */
const factsQuery = (registered: boolean) =>
  `SELECT facts FROM traject_facts WHERE region = ?${registered ? ' AND registered_at < ?' : ''}`;

/**
 * The wasm build locks a file by making a `<file>.lock` directory (for readers and writers alike), held for one
 * statement or transaction. A process killed inside one leaves it behind; one older than this is taken as stale.
 */
const STALE_LOCK_MS = 30_000;

export interface SqliteStoreOptions {
  /** Open an existing file only, read-only (the report's side): a missing file is ReadModelUnavailable. */
  readOnly?: boolean;
}

function clearStaleLock(file: string): void {
  const lock = `${file}.lock`;
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmdirSync(lock);
  } catch {
    // No lock, or another process cleared it first.
  }
}

const isBusy = (err: unknown) =>
  err instanceof Error && /database is locked|SQLITE_BUSY|busy/i.test(err.message);

/** Runs `work`, waiting out another process's lock for up to `waitMs` (the wasm build has no busy handler). */
function withLock<T>(file: string, work: () => T, waitMs = 5_000): T {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return work();
    } catch (err) {
      if (!isBusy(err) || Date.now() > until) throw err;
      clearStaleLock(file);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** Runs `work` in one write transaction. */
function inTransaction(db: Database, work: () => void): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    work();
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

const userVersion = (db: Database) => Number(db.get('PRAGMA user_version')?.user_version ?? 0);

/** Brings the file to the current schema: made new, or upgraded in place from an older version. */
function migrate(db: Database): void {
  if (userVersion(db) >= SCHEMA_VERSION) return;
  inTransaction(db, () => {
    const columns = db.all('PRAGMA table_info(traject_facts)').map((c) => c.name);
    if (columns.length > 0 && !columns.includes('registered_at')) db.exec(UPGRADE_FROM_0);
    db.exec(`${SCHEMA}PRAGMA user_version = ${SCHEMA_VERSION};`);
  });
}

/** Opens (and on the writer's side makes or upgrades) the read model in `file`. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): FactsStore {
  if (options.readOnly && !existsSync(file))
    throw new ReadModelUnavailable(
      `no read model at ${file}: it is made by the worker (npm start) when a traject takes its first event`,
    );
  if (!options.readOnly) ensurePrivateDir(dirname(file));
  clearStaleLock(file);
  let db: Database;
  // A reader of a file no writer has upgraded yet reads it as it is (the figures filter by registration again).
  let filtered = true;
  try {
    db = new Database(file, options.readOnly ? { readOnly: true, fileMustExist: true } : {});
    if (options.readOnly) filtered = withLock(file, () => userVersion(db)) >= SCHEMA_VERSION;
    else
      // The writer opens as its worker starts: a lock it finds may be a killed predecessor's, left inside a write,
      // so it waits until such a lock is stale (and cleared) rather than give up after the usual few seconds.
      withLock(
        file,
        () => {
          db.exec('PRAGMA journal_mode = TRUNCATE;');
          migrate(db);
        },
        STALE_LOCK_MS + 5_000,
      );
  } catch (err) {
    throw new ReadModelUnavailable(`cannot open the read model at ${file}: ${(err as Error).message}`);
  }
  const statements = new Map<string, Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) statements.set(sql, (prepared = db.prepare(sql)));
    return prepared;
  };
  const bind = ({ workflowId, seq, facts }: FactsRecord) => {
    const valid = TrajectFactsSchema.parse(facts);
    return [
      workflowId,
      valid.trajectRef,
      valid.region,
      seq,
      valid.asOf,
      Date.parse(valid.registeredAt),
      JSON.stringify(valid),
    ];
  };
  const isErased = (workflowId: string) =>
    db.get('SELECT 1 AS erased FROM erased_trajects WHERE workflow_id = ?', [workflowId]) !== null;

  return {
    put(record) {
      return withLock(file, (): PutOutcome => {
        if (statement(UPSERT).run(bind(record)).changes > 0) return 'stored';
        return isErased(record.workflowId) ? 'erased' : 'stale';
      });
    },
    putMany(records) {
      withLock(file, () =>
        inTransaction(db, () => {
          for (const record of records) statement(UPSERT).run(bind(record));
        }),
      );
    },
    factsOf(region, query: FactsQuery = {}) {
      const before = filtered && query.registeredBefore ? Date.parse(query.registeredBefore) : null;
      const values = before === null ? [region] : [region, before];
      try {
        const rows = withLock(file, () => statement(factsQuery(before !== null)).all(values));
        return rows.map((row) => JSON.parse(row.facts as string) as TrajectFacts);
      } catch (err) {
        throw new ReadModelUnavailable(`cannot read the read model at ${file}: ${(err as Error).message}`);
      }
    },
    counts() {
      const rows = withLock(file, () =>
        db.all('SELECT region, COUNT(*) AS n FROM traject_facts GROUP BY region ORDER BY region'),
      );
      return Object.fromEntries(rows.map((r) => [r.region as string, Number(r.n)]));
    },
    erase(workflowId) {
      let deleted = false;
      try {
        withLock(file, () =>
          inTransaction(db, () => {
            deleted = db.run('DELETE FROM traject_facts WHERE workflow_id = ?', [workflowId]).changes > 0;
            db.run('INSERT OR IGNORE INTO erased_trajects (workflow_id, erased_at) VALUES (?, ?)', [
              workflowId,
              new Date().toISOString(),
            ]);
          }),
        );
      } catch (err) {
        throw new ReadModelUnavailable(
          `cannot erase from the read model at ${file}: ${(err as Error).message}`,
        );
      }
      return deleted;
    },
    close() {
      for (const prepared of statements.values()) prepared.finalize();
      statements.clear();
      if (db.isOpen) db.close();
    },
  };
}
