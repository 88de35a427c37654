/** The evaluation's read model: where the workflow's pseudonymous facts are kept for the covenant's reports. */
export type { FactsQuery, FactsRecord, FactsStore, PutOutcome } from './store';
export {
  openSqliteStore,
  READ_MODEL_FILE,
  readModelFile,
  SCHEMA_VERSION,
  type SqliteStoreOptions,
} from './sqlite';
export { ReadModelUnavailable } from './errors';
