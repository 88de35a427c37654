/**
 * Workload 7, the HTTP door: what the gateway costs on top of the SDK. On a SQLite dev server with the engine's worker
 * (payloads plain, as the engine rows):
 *   - the update round trip through the gateway (HTTP, token check, party check, processing log) against the SDK
 *     directly, one coordinator at a time so that the figures are the door's cost and not queueing; trajecten
 *     alternate between the two paths (ABBA);
 *   - status reads per second through the gateway at C concurrent clients, against the SDK directly at the same C.
 */
import type { Logger } from 'pino';

import type { Actor } from '../../machines';
import { loadDevIssuerKey, mintDevToken } from '../../platform/dev-issuer';
import type { Teardown } from '../environment';
import { startGatewayStack } from '../gateway-stack';

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
  const { sdk, gateway, dataDir } = await startGatewayStack(
    teardown,
    logger,
    options.logDir ? { TIDW_PROCESSING_LOG_DIR: options.logDir } : {},
  );
  const key = await loadDevIssuerKey(dataDir);
  const tokens = new Map<string, string>();
  const bearer = async (actor: Actor) => {
    const id = `${actor.role}:${actor.organisation ?? ''}:${actor.personId}`;
    if (!tokens.has(id)) tokens.set(id, await mintDevToken(key, actor, { issuer: gateway.url }));
    return `Bearer ${tokens.get(id)!}`;
  };
  const api = `${gateway.url}/v1`;

  const viaGateway = async (ref: string, step: ReturnType<typeof steps>[number], authorization: string) => {
    const response = await fetch(`${api}/trajecten/${ref}/events`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
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
  const opened: string[] = [];
  for (let i = 0; performance.now() < deadline; i++) {
    const path = i % 4 === 0 || i % 4 === 3 ? 'gateway' : 'sdk'; // ABBA
    const ref = `bench-gw-${i}`;
    await sdk.start({ clientRef: ref, region: 'almere', origin: 'BW', registeredBy: kwintes });
    opened.push(ref);
    for (const step of steps(ref)) {
      // A caller holds its token before it calls, as the SDK's caller holds its actor: minting is not the door's cost.
      const authorization = path === 'gateway' ? await bearer(step.as) : '';
      const started = performance.now();
      await (path === 'gateway' ? viaGateway(ref, step, authorization) : viaSdk(ref, step));
      latencies[path].push(performance.now() - started);
    }
  }

  logger.info({ 'bench.clients': clients }, 'status reads');
  const refs = opened.slice(0, 20); // a short --duration may open fewer than 20
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
