/** The local cluster launcher: `npm run cluster` (main.ts) and the fault drills (test/cluster/) use this. */
export { Cluster, NAMESPACE, type ClusterEndpoints, type ClusterOptions } from './cluster';
export { SERVICES, type ClusterLayout, type ServiceName } from './layout';
export { clusterBinaries, ProvisioningFailed, type ClusterBinaries } from './provision';
