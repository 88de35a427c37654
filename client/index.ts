/**
 * thuis-in-de-wijk: the SDK for backend teams. Everything a caller needs is exported from here; nothing of Temporal
 * has to be learnt to use it.
 *
 * @example
 * const tidw = await createTenancyClient({ address: 'localhost:7233' });
 * await tidw.start({ clientRef: 'c-0001', region: 'almere', origin: 'BW', registeredBy: { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-17' } });
 * const status = await tidw.send('c-0001', { type: 'INSTEMMING_GEGEVEN' }, { role: 'client', personId: 'c-0001' });
 */
export {
  createTenancyClient,
  TenancyClient,
  AanmeldingInputSchema,
  ListFilterSchema,
  CountFilterSchema,
  type AanmeldingInput,
  type ListFilter,
  type CountFilter,
  type TrajectCounts,
  type CovenantMigrationState,
  type SendOptions,
  type TenancyClientOptions,
  type TrajectEvent,
  type TrajectHandle,
  type TrajectPage,
  type TrajectStatus,
  type TrajectSummary,
  type EventLogEntry,
} from './tenancy-client';
export {
  TidwError,
  EventRefused,
  InvalidEventData,
  RoleNotPermitted,
  NotAllowedInPhase,
  IdempotencyKeyReused,
  TrajectNotFound,
  MigrationNotFound,
  ConcernNotFound,
  TrajectAlreadyExists,
  InvalidInput,
  KeyNotAvailable,
  TrajectErased,
  EngineUnavailable,
  ListingUnavailable,
  type FieldProblem,
} from './errors';
export { type AccessExport } from './tenancy-client';
export {
  ConcernStore,
  routeConcern,
  ConcernAnswerSchema,
  ConcernFilterSchema,
  ConcernIdSchema,
  ConcernOutcomeSchema,
  ConcernStatusSchema,
  ON_CALL_RESPONSE_MS,
  type Concern,
  type ConcernAnswer,
  type ConcernAnswered,
  type ConcernFilter,
  type ConcernOutcome,
  type ConcernRouting,
  type ConcernState,
  type OpenedConcern,
} from './concerns';
export { loadEncryption, type Encryption } from '../platform/privacy/config';
export { generateKeyRing, saveKeyRing, KeyRing } from '../platform/privacy/keyring';
export {
  startCodecServer,
  loadCodecServerSettings,
  type CodecServer,
} from '../platform/privacy/codec-server';
export { TrajectCodec } from '../platform/privacy/codec';
export { ConfigError } from '../platform/config';
export {
  readHistories,
  readHistoryFile,
  writeHistory,
  chainToJSON,
  type HistoryChain,
} from './audit/history-file';
export { type ReplayOutcome, type ReplayOptions } from './audit/replay';
export { buildTimeline, type Timeline, type TimelineEntry, type TimelineEffect } from './audit/timeline';
export { timelineHtml } from './audit/timeline-html';
export {
  checkCovenant,
  coordinatorEventTypes,
  demoCovenant,
  phases,
  presetCovenants,
  renderDiagram,
  roles,
  type Actor,
  type CoordinatorEventType,
  type Covenant,
  type Phase,
  type PublicStatus,
  type Role,
} from '../machines';
