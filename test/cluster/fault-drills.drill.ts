/**
 * Fault drills on a real cluster (npm run test:cluster): PostgreSQL, the four Temporal services as processes, two
 * tenancy workers. Each drill walks trajects of the demo covenant (timers of seconds) while one part fails, then checks
 * that nothing was lost or doubled and that the histories still replay. One cluster serves all drills, in a temporary
 * directory, torn down at the end whatever happened.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { createTenancyClient, loadEncryption, type Encryption, type TenancyClient } from '../../client';
import { bundleWorkflows } from '../../client/audit/replay';
import { projectRoot } from '../../platform/paths';
import { Cluster, clusterBinaries, NAMESPACE } from '../../scripts/cluster';
import {
  inspectHistory,
  KENNISMAKING_TIMER,
  register,
  replayFailures,
  signalArrears,
  sleep,
  waitForTimer,
  walk,
  type WalkedTraject,
} from './drills';

/** Trajects in flight per drill. */
const TRAJECTS = 6;
/** Between two events of one traject: the walk of seven events takes a few seconds, so the fault meets it midway. */
const PAUSE_MS = 400;
/** When the fault strikes, after the walks began. */
const FAULT_AFTER_MS = 1_500;
/** Kennismaking falls due 10 s after signing; after a fault, tasks also wait out a 10 s sticky or task timeout. */
const TIMER_WAIT_MS = 120_000;

let dir: string;
let cluster: Cluster;
let tidw: TenancyClient;
let signaller: Client;
let signalConnection: Connection;
let bundle: WorkflowBundle;
const logger = pino({ level: process.env.TIDW_DRILL_LOG ?? 'warn' });

beforeAll(async () => {
  // The drills talk to the engine through the SDK; the cluster's HTTP gateway would only hold a port.
  process.env.TIDW_HTTP_PORT = '0';
  dir = mkdtempSync(join(tmpdir(), 'tidw-cluster-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user and must reach its data directory
  cluster = await Cluster.open({
    dir,
    workers: 2,
    historyShards: 4,
    binaries: await clusterBinaries(),
    logger,
  });
  await cluster.up();
  const encryption = loadEncryption(cluster.clientEnv, {
    dataDir: dir,
    root: projectRoot(),
    embedded: false,
  }) as Encryption;
  tidw = await createTenancyClient({ address: cluster.address, namespace: NAMESPACE, encryption });
  signalConnection = await Connection.connect({ address: cluster.address });
  signaller = new Client({
    connection: signalConnection,
    namespace: NAMESPACE,
    dataConverter: { payloadCodecs: [encryption.codec] },
  });
  bundle = await bundleWorkflows();
}, 600_000);

afterAll(async () => {
  await tidw?.close().catch(() => undefined);
  await signalConnection?.close().catch(() => undefined);
  await cluster?.down();
  if (dir && !process.env.TIDW_DRILL_KEEP) rmSync(dir, { recursive: true, force: true });
}, 180_000);

/** Runs the walks with `fault` striking in the middle, then checks the outcome. */
async function drill(
  name: string,
  fault: () => Promise<void>,
  options: { afterWalk?: (trajects: WalkedTraject[]) => Promise<void> } = {},
): Promise<void> {
  const retries = { count: 0 };
  const started = Date.now();
  const trajects = await Promise.all(
    Array.from({ length: TRAJECTS }, (_, i) => register(tidw, `${name}-${i + 1}`, retries)),
  );
  let walksDoneAt = 0;
  const walks = Promise.all(trajects.map((t) => walk(tidw, t, { pauseMs: PAUSE_MS }, retries))).then(() => {
    walksDoneAt = Date.now();
  });
  await sleep(FAULT_AFTER_MS);
  const faultAt = Date.now();
  await Promise.all([walks, fault()]);
  // The fault met trajects in flight: some events were still to be sent when it struck.
  expect(walksDoneAt).toBeGreaterThan(faultAt);
  await options.afterWalk?.(trajects);
  for (const t of trajects) await waitForTimer(tidw, t.ref, KENNISMAKING_TIMER, TIMER_WAIT_MS);

  const chains = [];
  for (const t of trajects) {
    const log = await tidw.events(t.ref);
    // Every accepted event exactly once, in the order it was accepted.
    expect({
      ref: t.ref,
      events: log.filter((e) => e.source === 'update' || e.source === 'signal').map((e) => e.type),
    }).toEqual({ ref: t.ref, events: t.accepted });
    // The kennismaking timer fired once, whatever failed around it.
    expect(log.filter((e) => e.source === 'timer' && e.type === KENNISMAKING_TIMER)).toHaveLength(1);
    chains.push(await tidw.history(t.ref));
  }
  for (const chain of chains) {
    const findings = inspectHistory(chain);
    expect({
      workflowId: chain.workflowId,
      ...findings,
      timersFired: undefined,
      workflowTaskTimeouts: undefined,
    }).toEqual({
      workflowId: chain.workflowId,
      workflowTaskFailures: [],
      firedTwice: [],
      dueNotFired: [],
      timersFired: undefined,
      workflowTaskTimeouts: undefined,
    });
  }
  expect(await replayFailures(tidw, chains, bundle)).toEqual([]);
  logger.info(
    {
      'drill.name': name,
      'drill.ms': Date.now() - started,
      'drill.retries': retries.count,
      'drill.workflowTaskTimeouts': chains.reduce((n, c) => n + inspectHistory(c).workflowTaskTimeouts, 0),
    },
    'drill done',
  );
}

describe('a cluster with trajects in flight', () => {
  test('loses and doubles nothing when one of two workers is killed', async () => {
    await drill('wk-kill', async () => {
      await cluster.stopWorker(2, 'SIGKILL');
    });
    await cluster.startWorker(2);
  });

  test('loses and doubles nothing when the history service is killed and restarted', async () => {
    await drill('hs-kill', async () => {
      await cluster.stopService('history', 'SIGKILL');
      await sleep(2_000);
      await cluster.startService('history');
    });
  });

  test('loses and doubles nothing when PostgreSQL restarts', async () => {
    await drill('pg-restart', async () => {
      await cluster.stopPostgres();
      await sleep(2_000);
      await cluster.startPostgres();
    });
  });

  test('fires every timer that fell due while no worker ran, once, and keeps the signals sent meanwhile', async () => {
    // The walk completes first; then both workers stop, and the kennismaking timers (10 s) fall due with none running.
    // 20 s without workers outlasts every timeout in play (the 10 s timer, the 10 s sticky and task timeouts); a
    // full minute would hold the same state three times as long and tell nothing more.
    await drill('wk-down', () => Promise.resolve(), {
      afterWalk: async (trajects) => {
        await Promise.all([cluster.stopWorker(1, 'SIGTERM'), cluster.stopWorker(2, 'SIGTERM')]);
        const retries = { count: 0 };
        for (const t of trajects) await signalArrears(signaller, t, retries);
        await sleep(20_000);
        await Promise.all([cluster.startWorker(1), cluster.startWorker(2)]);
      },
    });
  });
});
