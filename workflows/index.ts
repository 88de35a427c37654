/** The workflow bundle's entry: every export here is a workflow type the worker registers. */
export { tenancyWorkflow } from './tenancy-workflow';
export { covenantMigrationWorkflow } from './migration-workflow';
