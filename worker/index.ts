/** The worker package: what a deployment needs to run the tenancy worker in its own process. */
export { bundleTenancyWorkflows, createTenancyWorker, type TenancyWorkerOptions } from './worker';
export { loadWorkerConfig, type WorkerConfig } from './config';
export { createLogger, temporalLogger } from './logger';
export { registerSearchAttributes, searchAttributeArgs } from './search-attributes';
export { startDevServer, type DevServer } from './dev-server';
export { temporalBinaries } from './binaries';
