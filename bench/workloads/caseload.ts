/**
 * Workload 8, the caseload page: Mijn werk (GET /mijn-werk, the web app's page, with a session cookie) for one
 * organisation with N open trajecten, on a SQLite dev server with the engine's worker. The trajecten are opened with
 * concurrent starts (how long that takes is reported too); once the engine has run their first workflow tasks, the
 * page is requested one request at a time, and its round trip on localhost (server time plus a loopback hop) is
 * compared with the baseline: the SDK calls the page needs (the counts and the first 25, at once), called directly.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';
import type { TenancyClient } from '../../client';
import type { Actor } from '../../machines';
import { isParty } from '../../gateway/access';
import { loadDevIssuerKey, mintDevToken } from '../../platform/dev-issuer';
import type { Teardown } from '../environment';
import { startGatewayStack } from '../gateway-stack';
import { TASK_QUEUE } from '../../workflows/messages';

const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' };
/** Starts in flight at once while opening the caseload. */
const STARTS_IN_FLIGHT = 64;
/** How long the visibility store may take to show every traject opened. */
const VISIBLE_WITHIN_MS = 15 * 60_000;
/** How long the engine may take to run the first workflow tasks of the trajecten opened. */
const IDLE_WITHIN_MS = 15 * 60_000;
/** Seconds in a row that the task queue must show no backlog before the engine counts as idle. */
const IDLE_SECONDS = 3;

export interface CaseloadOptions {
  /** Open trajecten of the organisation. */
  trajects: number;
  /** Page requests measured (and as many baseline calls). */
  requests: number;
}

export interface CaseloadResult {
  options: CaseloadOptions;
  /** Seconds to open the trajecten, and the start rate. */
  openSeconds: number;
  /** Round trips of GET /mijn-werk, and of the SDK's calls for it directly. */
  latenciesMs: { page: number[]; sdk: number[] };
}

/**
 * Waits until the engine has run what the opening gave it to do: no workflow or activity task waiting on the task
 * queue, for some seconds in a row. A start returns once its first workflow task is scheduled, not run; on a busy
 * machine thousands are still waiting when the last start returns, and every one of them writes to the same SQLite
 * file the page's counts read. Timing the page then would time the opening too.
 */
async function waitUntilIdle(client: Client, logger: Logger): Promise<void> {
  const { TaskQueueType } = temporal.api.enums.v1;
  const backlog = async (taskQueueType: temporal.api.enums.v1.TaskQueueType) => {
    const described = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: TASK_QUEUE },
      taskQueueType,
      reportStats: true,
    });
    return Number(described.stats?.approximateBacklogCount ?? 0);
  };
  let idle = 0;
  for (const until = performance.now() + IDLE_WITHIN_MS; idle < IDLE_SECONDS;) {
    if (performance.now() > until) throw new Error('the engine still had tasks waiting after the starts');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const waiting =
      (await backlog(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)) +
      (await backlog(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY));
    idle = waiting === 0 ? idle + 1 : 0;
    if (waiting > 0) logger.debug({ 'bench.tasksWaiting': waiting }, 'engine still busy with the starts');
  }
}

/**
 * The SDK calls the page makes through the API, for an organisation that is a party of these covenants, at once as
 * the page asks them: the counts (all, escalated, per phase, in one go over its covenants) and the first page of 25
 * of its first covenant.
 */
async function callLikeThePage(sdk: TenancyClient, regions: string[]): Promise<void> {
  await Promise.all([sdk.counts({ regions }), sdk.list({ region: regions[0]!, pageSize: 25 })]);
}

export async function runCaseloadWorkload(
  teardown: Teardown,
  options: CaseloadOptions,
  logger: Logger,
): Promise<CaseloadResult> {
  const { sdk, gateway, dataDir, client } = await startGatewayStack(teardown, logger);

  logger.info({ 'bench.trajects': options.trajects }, 'opening the caseload');
  const opening = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: STARTS_IN_FLIGHT }, async () => {
      for (let i = next++; i < options.trajects; i = next++) {
        await sdk.start({ clientRef: `case-${i}`, region: 'almere', origin: 'BW', registeredBy: kwintes });
      }
    }),
  );
  const openSeconds = (performance.now() - opening) / 1000;
  logger.info(
    { 'bench.trajects': options.trajects, 'bench.seconds': Math.round(openSeconds) },
    'caseload open',
  );
  // The visibility store follows the starts, later the busier the server is; a server still busy with the starts'
  // first workflow tasks may not answer in time: then ask again. Timing a page that counts fewer would measure less.
  let visible = 0;
  for (const until = performance.now() + VISIBLE_WITHIN_MS; visible < options.trajects;) {
    if (performance.now() > until)
      throw new Error(`only ${visible} of ${options.trajects} trajecten visible after the starts`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    visible = await sdk.count().catch((err: unknown) => {
      logger.warn({ err }, 'counting the caseload failed; again');
      return 0;
    });
  }

  const waiting = performance.now();
  await waitUntilIdle(client, logger);
  logger.info(
    { 'bench.seconds': Math.round((performance.now() - waiting) / 1000) },
    'engine idle after the starts',
  );

  const regions = sdk.regions.filter((r) => isParty(sdk.covenant(r), kwintes.organisation));
  const key = await loadDevIssuerKey(dataDir);
  const session = await mintDevToken(key, kwintes, { issuer: gateway.url, lifetimeSeconds: 3600 });
  const page = async () => {
    const response = await fetch(`${gateway.url}/mijn-werk`, {
      headers: { cookie: `tidw_sessie=${session}` },
    });
    const body = await response.text();
    // The counts are exact: the page must say how many were opened.
    const counted = />(\d+)<\/span> trajecten/.exec(body)?.[1];
    if (response.status !== 200 || !body.includes('case-') || counted !== String(options.trajects))
      throw new Error(`mijn-werk: HTTP ${response.status}, ${counted ?? 'no'} trajecten counted`);
  };
  await page(); // warm: the first request compiles the page's code paths
  const latencies = { page: [] as number[], sdk: [] as number[] };
  for (let i = 0; i < options.requests; i += 1) {
    // ABBA, so that a drift of the shared machine weighs on both alike.
    for (const path of i % 2 === 0 ? (['page', 'sdk'] as const) : (['sdk', 'page'] as const)) {
      const started = performance.now();
      await (path === 'page' ? page() : callLikeThePage(sdk, regions));
      latencies[path].push(performance.now() - started);
    }
  }
  return { options, openSeconds, latenciesMs: latencies };
}
