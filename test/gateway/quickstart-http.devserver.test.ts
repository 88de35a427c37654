/**
 * The README's HTTP quick start, run literally: the block between the quickstart-http markers runs as one bash script
 * (as a user pastes it, stopping at the first failing line) against a dev server with the worker and the gateway with
 * its development issuer, which `npx tidw token` mints tokens for.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTenancyClient, type TenancyClient } from '../../client';
import { startGateway, type RunningGateway } from '../../gateway';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { freshEncryption } from '../support/keys';
import { freePort, root, sh } from '../support/processes';
import { devServerEnvironment, recordingActivities, startWorker } from '../support/temporal';

let env: TestWorkflowEnvironment;
let stopWorker: () => Promise<void>;
let sdk: TenancyClient;
let gateway: RunningGateway;
const settings: Record<string, string> = {};

beforeAll(async () => {
  const encryption = freshEncryption();
  env = await devServerEnvironment();
  ({ stop: stopWorker } = await startWorker(
    env,
    await bundleTenancyWorkflows(),
    recordingActivities().activities,
    {
      payloadCodecs: [encryption.codec],
    },
  ));
  sdk = await createTenancyClient({ address: env.address, encryption });
  settings.TIDW_HTTP_PORT = String(await freePort());
  settings.TIDW_DATA_DIR = mkdtempSync(join(tmpdir(), 'tidw-quickstart-http-'));
  // As on `npm start`: no TEMPORAL_ADDRESS, so the development issuer runs.
  gateway = (await startGateway({ sdk, env: settings }))!;
});

afterAll(async () => {
  await gateway?.close();
  await sdk?.close();
  await stopWorker?.();
  await env?.teardown();
});

test('the README HTTP quick start runs as written', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = readme
    .split('<!-- quickstart-http:start -->')[1]!
    .split('<!-- quickstart-http:end -->')[0]!
    .split('```sh')[1]!
    .split('```')[0]!;
  expect(block.match(/^curl /gm)?.length).toBeGreaterThanOrEqual(8);
  const run = await sh(`set -euo pipefail\n${block}`, settings);
  if (run.code !== 0)
    throw new Error(`the quick start stopped (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  const out = run.stdout;
  expect(out).toContain('"phase":"matching"');
  expect(out).toMatch(/"type":"URGENTIE_TOEGEKEND","dataSchema":\{/);
  expect(out).toContain('"code":"RoleNotPermitted","rule":"permissions.URGENTIE_AFGEWEZEN"');
  expect(out).toContain('"clientRef":"demo-0101"');
  const log = JSON.parse(out.trim().split('\n').pop()!) as { records: Array<{ operation: string }> };
  expect(log.records.map((r) => r.operation)).toEqual([
    'traject.start',
    'traject.send',
    'traject.send',
    'traject.may-do-now',
    'traject.send',
    'traject.send',
    'traject.status',
  ]);
}, 180_000);
