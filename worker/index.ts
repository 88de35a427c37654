/**
 * The worker package: what a deployment needs to run the tenancy worker in its own process, or inside its own
 * service: the workflow bundle, the real activities (deliveries to the partners, with their endpoints and outbox),
 * the configuration and codec that `npm start` uses, and the search attributes the workflow sets.
 */
export { bundleTenancyWorkflows, createTenancyWorker, type TenancyWorkerOptions } from './worker';
export {
  createActivities,
  EndpointsSchema,
  type ActivityDeps,
  type DeliveryConfig,
  type Endpoints,
  type TenancyActivities,
} from '../activities';
export { loadWorkerConfig, type WorkerConfig } from './config';
export { connectionOptions } from '../platform/config';
export { TASK_QUEUE } from '../workflows/messages';
export { createLogger, temporalLogger } from './logger';
export { registerSearchAttributes, searchAttributeArgs } from './search-attributes';
export { startDevServer, type DevServer } from './dev-server';
export { PortInUse, ServerDidNotStart } from './errors';
export { temporalBinaries } from './binaries';
