/**
 * The read model in one SQLite file (`.data/read-model.db` on the embedded default), through node-sqlite3-wasm:
 * SQLite compiled to WebAssembly doing real file I/O through Node's fs, so `npm ci` builds nothing (see the README,
 * "Where the figures come from"). One row per traject, keyed by workflow id; a write is taken only when its event
 * number is higher than the stored one, so a retried or replayed activity never writes twice.
 */
import { existsSync, rmdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database, type Statement } from 'node-sqlite3-wasm';
import { TrajectFactsSchema, type TrajectFacts } from '../../machines/evaluation/facts';
import { ensurePrivateDir } from '../paths';
import { ReadModelUnavailable } from './errors';
import type { FactsRecord, FactsStore, PutOutcome } from './store';

/** The read model's file name in the data directory. */
export const READ_MODEL_FILE = 'read-model.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS traject_facts (
  workflow_id TEXT PRIMARY KEY,
  traject_ref TEXT NOT NULL,
  region TEXT NOT NULL,
  seq INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  facts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traject_facts_region ON traject_facts (region);
`;

const UPSERT = `
INSERT INTO traject_facts (workflow_id, traject_ref, region, seq, as_of, facts)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (workflow_id) DO UPDATE SET
  traject_ref = excluded.traject_ref, region = excluded.region, seq = excluded.seq,
  as_of = excluded.as_of, facts = excluded.facts
WHERE excluded.seq > traject_facts.seq`;

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

const isBusy = (err: unknown) => err instanceof Error && /database is locked|SQLITE_BUSY|busy/i.test(err.message);

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

/** Opens (and on the writer's side makes) the read model in `file`. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): FactsStore {
  if (options.readOnly && !existsSync(file))
    throw new ReadModelUnavailable(
      `no read model at ${file}: it is made by the worker (npm start) when a traject takes its first event`,
    );
  if (!options.readOnly) ensurePrivateDir(dirname(file));
  clearStaleLock(file);
  let db: Database;
  try {
    db = new Database(file, options.readOnly ? { readOnly: true, fileMustExist: true } : {});
    if (!options.readOnly) withLock(file, () => db.exec(`PRAGMA journal_mode = TRUNCATE;${SCHEMA}`));
  } catch (err) {
    throw new ReadModelUnavailable(`cannot open the read model at ${file}: ${(err as Error).message}`);
  }
  let upsert: Statement | undefined;
  const statement = () => (upsert ??= db.prepare(UPSERT));
  const bind = ({ workflowId, seq, facts }: FactsRecord) => [
    workflowId,
    facts.trajectRef,
    facts.region,
    seq,
    facts.asOf,
    JSON.stringify(TrajectFactsSchema.parse(facts)),
  ];

  return {
    put(record) {
      const { changes } = withLock(file, () => statement().run(bind(record)));
      return (changes > 0 ? 'stored' : 'stale') satisfies PutOutcome;
    },
    putMany(records) {
      withLock(file, () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          for (const record of records) statement().run(bind(record));
          db.exec('COMMIT');
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
      });
    },
    factsOf(region) {
      try {
        return withLock(file, () => {
          const rows = db.all('SELECT facts FROM traject_facts WHERE region = ?', [region]);
          return rows.map((row) => JSON.parse(row.facts as string) as TrajectFacts);
        });
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
    close() {
      upsert?.finalize();
      upsert = undefined;
      if (db.isOpen) db.close();
    },
  };
}
