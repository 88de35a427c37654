/**
 * `node dist/bench/gateway.js [--seconds 20] [--clients 50] [--log-dir /dev/shm/…]`: what the HTTP door costs. On a SQLite dev server with the
 * engine's worker (payloads plain, as the engine rows of `npm run bench`):
 *   - the update round trip through the gateway (HTTP, token check, party check, processing log) against the SDK
 *     directly, one coordinator at a time so that the figures are the door's cost and not queueing; trajecten
 *     alternate between the two paths;
 *   - status reads per second through the gateway at C concurrent clients, against the SDK directly at the same C.
 * Prints a table on stdout and writes bench/results/gateway.json. Progress goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../activities';
import { createTenancyClient } from '../client';
import { startGateway } from '../gateway';
import type { Actor } from '../machines';
import { loadDevIssuerKey, mintDevToken } from '../platform/dev-issuer';
import { projectRoot } from '../platform/paths';
import { freePort } from '../test/support/processes';
import { createLogger } from '../worker/logger';
import { bundleTenancyWorkflows, createTenancyWorker } from '../worker/worker';
import { TASK_QUEUE } from '../workflows/messages';
import { installRuntime, scratchDir, startServer, Teardown } from './environment';
import { median, percentile } from './stats';
import { describeMachine } from './system';

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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '20' },
      clients: { type: 'string', default: '50' },
      // A processing log on tmpfs (/dev/shm) shows what its sync to disk costs.
      'log-dir': { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const clients = Number(values.clients);
  const logger = createLogger('info', pino.destination(2));
  installRuntime(logger);
  const teardown = new Teardown(logger);
  try {
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

    const figure = (values: number[]) => ({
      p50: median(values),
      p99: percentile(values, 99),
      count: values.length,
    });
    const results = {
      startedAt: new Date().toISOString(),
      machine: describeMachine(),
      options: { seconds, clients, logDir: values['log-dir'] ?? null },
      updateRoundTripMs: { gateway: figure(latencies.gateway), sdk: figure(latencies.sdk) },
      statusReadsPerSecond: { gateway: gatewayReads, sdk: sdkReads },
    };
    const dir = join(projectRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, values['log-dir'] ? 'gateway-log-on-tmpfs.json' : 'gateway.json'),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    const r = results.updateRoundTripMs;
    const row = (name: string, g: number, s: number) =>
      `| ${name.padEnd(40)} | ${g.toFixed(1).padStart(8)} | ${s.toFixed(1).padStart(8)} | ${(g / s).toFixed(2).padStart(6)}× |`;
    console.log(
      [
        `| ${'figure'.padEnd(40)} | ${'gateway'.padStart(8)} | ${'SDK'.padStart(8)} | ${'ratio'.padStart(7)} |`,
        `| ${'-'.repeat(40)} | -------: | -------: | ------: |`,
        row(`Update round trip p50 (ms), n=${r.gateway.count}/${r.sdk.count}`, r.gateway.p50, r.sdk.p50),
        row('Update round trip p99 (ms)', r.gateway.p99, r.sdk.p99),
        row(`Status reads/s at ${clients} clients`, gatewayReads, sdkReads),
      ].join('\n'),
    );
  } finally {
    await teardown.unwind();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
