/**
 * The Temporal server as four processes (frontend, history, matching, internal worker) sharing one configuration:
 * PostgreSQL (postgres12 plugin) for persistence and for advanced visibility, loopback ports only.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClusterLayout, ServiceName } from './layout';
import { SUPERUSER } from './postgres';
import { belongsTo, isAlive, startDetached, stopProcess } from './processes';
import { readPid, writePid } from './pids';

export const PERSISTENCE_DB = 'temporal';
export const VISIBILITY_DB = 'temporal_visibility';

export const configFile = (layout: ClusterLayout) => join(layout.dir, 'temporal.yaml');
/**
 * Visibility calls (list, count) a frontend takes per second for the namespace. Temporal's default, 10, is below one
 * Mijn werk page (its counts and list are 15 calls); beyond it calls are refused and the SDK retries them seconds
 * later. Set as the embedded dev server does (worker/dev-server.ts), per frontend.
 */
const VISIBILITY_RPS = 2000;
const dynamicConfigFile = (layout: ClusterLayout) => join(layout.dir, 'dynamicconfig.yaml');
export const serviceLog = (layout: ClusterLayout, service: ServiceName) =>
  join(layout.dir, 'logs', `temporal-${service}.log`);

function datastore(layout: ClusterLayout, database: string, maxConns: number): string {
  return `      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "127.0.0.1:${layout.ports.postgres}"
        connectProtocol: tcp
        user: ${SUPERUSER}
        password: "${layout.password}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
}

function service(name: ServiceName, ports: { grpc: number; membership: number }, extra = ''): string {
  return `  ${name}:
    rpc:
      grpcPort: ${ports.grpc}
      membershipPort: ${ports.membership}
      bindOnIP: 127.0.0.1${extra}`;
}

/** Writes the server's configuration (with the database password: owner-readable only). */
export function writeServerConfig(layout: ClusterLayout): void {
  const p = layout.ports;
  const yaml = `# Written by scripts/cluster (npm run cluster); rewritten on every start.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${layout.historyShards}
  datastores:
    postgres-default:
${datastore(layout, PERSISTENCE_DB, 20)}
    postgres-visibility:
${datastore(layout, VISIBILITY_DB, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
${service('frontend', p.frontend, `\n      httpPort: ${p.frontendHttp}`)}
${service('history', p.history)}
${service('matching', p.matching)}
${service('worker', p.worker)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:${p.frontend.grpc}"
      httpAddress: "127.0.0.1:${p.frontendHttp}"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${dynamicConfigFile(layout)}
  pollInterval: 10s
`;
  writeFileSync(configFile(layout), yaml, { mode: 0o600 });
  // New search attributes are visible at once, as on the dev server (the SDK's list filters use them right away).
  writeFileSync(
    dynamicConfigFile(layout),
    `system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.namespaceRPS.visibility:
  - value: ${VISIBILITY_RPS}
`,
  );
}

/**
 * Creates both databases and brings their schemas to the version this server needs, with the server's own schema
 * tool. Done once per cluster (a marker file records it); the tool's update step is itself idempotent.
 */
export async function setupSchema(layout: ClusterLayout, sqlTool: string, schemaDir: string): Promise<void> {
  const marker = join(layout.dir, 'schema.done');
  if (existsSync(marker)) return;
  const env = {
    PATH: process.env.PATH,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: '127.0.0.1',
    SQL_PORT: String(layout.ports.postgres),
    SQL_USER: SUPERUSER,
    SQL_PASSWORD: layout.password,
  };
  const tool = (database: string, ...args: string[]) =>
    promisify(execFile)(sqlTool, ['--db', database, ...args], { env, timeout: 120_000 }).catch(
      (err: { stderr?: string; message: string }) => {
        throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed: ${err.stderr ?? err.message}`);
      },
    );
  for (const [database, folder] of [
    [PERSISTENCE_DB, 'temporal'],
    [VISIBILITY_DB, 'visibility'],
  ] as const) {
    await tool(database, 'create-database', '--defaultdb', 'postgres').catch((err: Error) => {
      if (!/already exists/.test(err.message)) throw err;
    });
    await tool(database, 'setup-schema', '-v', '0.0');
    await tool(database, 'update-schema', '-d', join(schemaDir, folder, 'versioned'));
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
}

/** The pid of a running service of this cluster, if any. */
export function servicePid(layout: ClusterLayout, name: ServiceName): number | undefined {
  const pid = readPid(layout, name);
  return pid && isAlive(pid) && belongsTo(pid, layout.dir) ? pid : undefined;
}

/** Starts one service as its own process (if it is not running). */
export async function startService(
  layout: ClusterLayout,
  server: string,
  name: ServiceName,
): Promise<number> {
  const running = servicePid(layout, name);
  if (running) return running;
  const pid = await startDetached({
    command: server,
    args: ['--config-file', configFile(layout), '--allow-no-auth', 'start', '--service', name],
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cluster: layout.dir,
    log: serviceLog(layout, name),
    cwd: layout.dir,
  });
  writePid(layout, name, pid);
  return pid;
}

/** Stops a service: SIGTERM is Temporal's graceful shutdown (shards handed off); SIGKILL is a crash. */
export async function stopService(
  layout: ClusterLayout,
  name: ServiceName,
  signal: NodeJS.Signals,
): Promise<void> {
  const pid = servicePid(layout, name);
  if (pid) await stopProcess(pid, signal, 30_000);
}
