/**
 * The machines package: the pure traject statechart, its covenants, events and public status.
 * No Temporal, no I/O, no clock.
 */
export * from './vocabulary';
export * from './duration';
export * from './covenant';
export * from './covenant-terms';
export * from './events';
export { demoCovenant, presetCovenants, presetCovenantIds } from './covenants';
export { covenantNames, covenantRef, covenantVersions, resolveCovenant } from './covenants/versions';
export * from './covenant-diff';
export { trajectMachine, timerIds, type TrajectMachine } from './traject/machine';
export {
  defaultOrganisation,
  initialContext,
  organisationsFor,
  partnerRoles,
  type TrajectContext,
  type TrajectInput,
  type TrajectRules,
  type Escalation,
  type LapsedEscalation,
  type ClosedEscalation,
} from './traject/context';
export * from './traject/effects';
export { guards, guardExplanations, type GuardName } from './traject/guards';
export * from './traject/status';
export * from './traject/decide';
export { renderDiagram } from './traject/diagram';
export { isDuringOfficeHours, proposeMeetingTime } from './traject/schedule';
export {
  applyActions,
  startTraject,
  takeEvent,
  fireNext,
  type PendingTimer,
  type Step,
} from './traject/interpreter';
export {
  closeEscalationsNoLongerLate,
  contextUnderCovenant,
  DEFAULT_MIGRATION_ROLES,
  escalationDeadline,
  migrationRoles,
} from './traject/covenant-change';
export * from './traject/migration';
export { CovenantChangeArgsSchema } from './traject/covenant-change-args';
export * from './traject/dry-run';
