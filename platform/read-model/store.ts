/**
 * The evaluation's read model: per traject, its pseudonymous facts (dates, codes, counts; no names, no free text),
 * written by the worker's `recordTrajectFacts` activity and read by `tidw report`, `/v1/reports` and the web app's
 * Rapportage page. One small interface, so that a cluster's PostgreSQL can stand where the embedded SQLite file does.
 */
import type { TrajectFacts } from '../../machines/evaluation/facts';

/** One write: the whole facts of a traject as of one of its events. */
export interface FactsRecord {
  /** The traject's workflow id (one workflow per client): the row's key. */
  workflowId: string;
  /** The traject's event number (its event log's `seq`, counted across continue-as-new): a write never goes back. */
  seq: number;
  facts: TrajectFacts;
}

/**
 * What a write did: `stored`; `stale` when the store already held this event or a later one (a retry, a replay);
 * `erased` when the traject was erased on request, after which nothing of it is kept again.
 */
export type PutOutcome = 'stored' | 'stale' | 'erased';

/** Which of a region's trajects to read: the store filters, so that rows no figure counts are never decoded. */
export interface FactsQuery {
  /** Only trajects registered before this instant (a period's end: later ones are in none of its figures). */
  registeredBefore?: string;
}

export interface FactsStore {
  /** Stores a traject's facts unless the store holds them as of this event or a later one. Idempotent. */
  put(record: FactsRecord): PutOutcome;
  /** Stores many at once, in one transaction (seeding, the benchmark). */
  putMany(records: readonly FactsRecord[]): void;
  /** A region's (a covenant id's) trajects' facts, in no particular order. */
  factsOf(region: string, query?: FactsQuery): TrajectFacts[];
  /** How many trajects the store holds, per region. */
  counts(): Record<string, number>;
  /**
   * Deletes a traject's facts for good (erasure on request, GDPR art. 17) and refuses any later write of it (a
   * retried activity). Keeps only the workflow id, as the data-key store does. True when there were facts to delete.
   */
  erase(workflowId: string): boolean;
  close(): void;
}
