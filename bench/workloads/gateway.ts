/**
 * Workload 7, the HTTP door: what the gateway costs on top of the SDK. On a SQLite dev server with the engine's worker
 * (payloads plain, as the engine rows):
 *   - the update round trip through the gateway (HTTP, token check, party check, processing log) against the SDK
 *     directly, one coordinator at a time so that the figures are the door's cost and not queueing; trajecten
 *     alternate between the two paths (ABBA);
 *   - status reads per second through the gateway at C concurrent clients, against the SDK directly at the same C.
 */
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../../activities';
import { createTenancyClient } from '../../client';
import { startGateway } from '../../gateway';
import type { Actor } from '../../machines';
import { loadDevIssuerKey, mintDevToken } from '../../platform/dev-issuer';
import { freePort } from '../../test/support/processes';
import { bundleTenancyWorkflows, createTenancyWorker } from '../../worker/worker';
import { TASK_QUEUE } from '../../workflows/messages';
import { scratchDir, startServer, type Teardown } from '../environment';

const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' };
const gemeente: Actor = { role: 'gemeente', organisation: 'Gemeente Almere', personId: 'gm-0001' };
const ymere: Actor = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-0003' };

/** The updates timed per traject: aanmelding to an accepted offer, five updates by four roles. */
const steps = (ref: string): Array<{ as: Actor; type: string; data?: Record<string, unknown> }> => [
  { as: { role: 'client', personId: ref }, type: 'INSTEMMING_GEGEVEN' },
  { as: kwintes, type: 'URGENTIE_AANGEVRAAGD' },
  { as: gemeente, type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {} } },
  { as: ymere, type: 'WONING_AANGEBODEN', data: { homeRef: 'woning-0001' } },
  { as: { role: 'client', personId: ref }, type: 'AANBOD_GEACCEPTEERD' },
];

export interface GatewayOptions {
  /** Seconds of update round trips per path, and of status reads per path. */
  seconds: number;
  /** Concurrent clients reading status. */
  clients: number;
  /** Where the processing log goes (default: a scratch directory on disk); tmpfs shows what its sync costs. */
  logDir?: string;
}

export interface GatewayResult {
  options: GatewayOptions;
  latenciesMs: { gateway: number[]; sdk: number[] };
  statusReadsPerSecond: { gateway: number; sdk: number };
}

export async function runGatewayWorkload(
  teardown: Teardown,
  options: GatewayOptions,
  logger: Logger,
): Promise<GatewayResult> {
  const { seconds, clients } = options;
  const server = await startServer(teardown, 'sqlite', undefined, logger);
  const connection = await NativeConnection.connect({ address: server.server.address });
  teardown.add('close worker connection', () => connection.close());
  const worker = await createTenancyWorker({
    connection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: await bundleTenancyWorkflows(),
    activities: createActivities({
      delivery: { endpoints: {}, outboxDir: scratchDir(teardown, 'outbox'), timeoutMs: 5000 },
      logger: logger.child({ component: 'activities' }, { level: 'warn' }),
    }),
  });
  const running = worker.run();
  teardown.add('stop worker', async () => {
    worker.shutdown();
    await running;
  });
  const sdk = await createTenancyClient({ address: server.server.address, encryption: false });
  teardown.add('close sdk', () => sdk.close());
  const dataDir = scratchDir(teardown, 'gateway');
  const gateway = (await startGateway({
    sdk,
    env: {
      TIDW_HTTP_PORT: String(await freePort()),
      TIDW_DATA_DIR: dataDir,
      TIDW_HTTP_RATE_LIMIT: '1000000',
      ...(options.logDir ? { TIDW_PROCESSING_LOG_DIR: options.logDir } : {}),
    },
  }))!;
  teardown.add('close gateway', () => gateway.close());
  const key = await loadDevIssuerKey(dataDir);
  const tokens = new Map<string, string>();
  const bearer = async (actor: Actor) => {
    const id = `${actor.role}:${actor.organisation ?? ''}:${actor.personId}`;
    if (!tokens.has(id)) tokens.set(id, await mintDevToken(key, actor, { issuer: gateway.url }));
    return `Bearer ${tokens.get(id)!}`;
  };
  const api = `${gateway.url}/v1`;

  const viaGateway = async (ref: string, step: ReturnType<typeof steps>[number]) => {
    const response = await fetch(`${api}/trajecten/${ref}/events`, {
      method: 'POST',
      headers: { authorization: await bearer(step.as), 'content-type': 'application/json' },
      body: JSON.stringify({ type: step.type, ...(step.data ? { data: step.data } : {}) }),
    });
    if (response.status !== 200)
      throw new Error(`${step.type}: HTTP ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  const viaSdk = (ref: string, step: ReturnType<typeof steps>[number]) =>
    sdk.send(ref, { type: step.type as never, ...(step.data ? { data: step.data } : {}) }, step.as);

  logger.info({ 'bench.seconds': seconds }, 'update round trips');
  const latencies = { gateway: [] as number[], sdk: [] as number[] };
  const deadline = performance.now() + 2 * seconds * 1000;
  for (let i = 0; performance.now() < deadline; i++) {
    const path = i % 4 === 0 || i % 4 === 3 ? 'gateway' : 'sdk'; // ABBA
    const ref = `bench-gw-${i}`;
    await sdk.start({ clientRef: ref, region: 'almere', origin: 'BW', registeredBy: kwintes });
    for (const step of steps(ref)) {
      const started = performance.now();
      await (path === 'gateway' ? viaGateway(ref, step) : viaSdk(ref, step));
      latencies[path].push(performance.now() - started);
    }
  }

  logger.info({ 'bench.clients': clients }, 'status reads');
  const refs = Array.from({ length: 20 }, (_, i) => `bench-gw-${i}`);
  const authorization = await bearer(kwintes);
  const reads = async (read: (ref: string) => Promise<void>) => {
    let done = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let n = c; performance.now() < until; n++) {
          await read(refs[n % refs.length]!);
          done++;
        }
      }),
    );
    return done / seconds;
  };
  const gatewayReads = await reads(async (ref) => {
    const response = await fetch(`${api}/trajecten/${ref}`, { headers: { authorization } });
    if (response.status !== 200) throw new Error(`status: HTTP ${response.status}`);
    await response.arrayBuffer();
  });
  const sdkReads = await reads(async (ref) => {
    await sdk.status(ref);
  });

  return {
    options,
    latenciesMs: latencies,
    statusReadsPerSecond: { gateway: gatewayReads, sdk: sdkReads },
  };
}
