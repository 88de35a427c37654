/**
 * `tidw` and the SDK when part of the engine is missing (issue 16, items 3 and 12): a stopped server, a server
 * without a worker or without the search attributes, a server that cannot list, a made-up page token, and a traject
 * that continued as new. Each is said within seconds, in words and under --json, with the documented exit code.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTenancyClient, EngineUnavailable, ListingUnavailable, type TenancyClient } from '../../client';
import { presetCovenants } from '../../machines';
import { FileDataKeyStore } from '../../platform/privacy/data-keys';
import { generateKeyRing } from '../../platform/privacy/keyring';
import { temporalBinaries } from '../../worker/binaries';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { actorFor } from '../support/model';
import { freePort, sh } from '../support/processes';
import { quietRuntime, recordingActivities, startWorker, timeSkippingEnvironment } from '../support/temporal';

const almere = presetCovenants.almere!;

/** The installed `tidw`, timed, against a Temporal at `address`. */
async function tidw(address: string, ...args: string[]) {
  const started = Date.now();
  // The test servers' workers do not encrypt, so tidw is told to talk plain (else it stops first: no key ring).
  const result = await sh(`node dist/client/cli/main.js ${args.map((a) => `'${a}'`).join(' ')}`, {
    TEMPORAL_ADDRESS: address,
    TIDW_PLAINTEXT_PAYLOADS: 'true',
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

describe('with no server at the address', () => {
  let address: string;
  beforeAll(async () => {
    address = `127.0.0.1:${await freePort()}`;
  });

  test('every command says within seconds that the server does not answer, with exit code 3', async () => {
    for (const args of [['status', 'geen-0001'], ['events', 'geen-0001'], ['list']]) {
      const result = await tidw(address, ...args);
      expect(result.code).toBe(3);
      expect(result.seconds).toBeLessThan(8);
      expect(result.stderr).toContain(`the Temporal server at ${address} does not answer`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('--json gives the same as a JSON error object', async () => {
    const result = await tidw(address, '--json', 'status', 'geen-0001');
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({
      error: expect.objectContaining({ code: 'EngineUnavailable', down: 'server', where: address }),
    });
  });

  test('a made-up page token is refused before any call (exit 2)', async () => {
    // No server answers at this address: had tidw called it first, it would have said so with exit 3.
    const result = await tidw(address, 'list', '--page', 'garbage');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a page token as a previous list printed it');
  });

  test('the SDK throws EngineUnavailable', async () => {
    await expect(createTenancyClient({ address, encryption: false })).rejects.toBeInstanceOf(
      EngineUnavailable,
    );
  });
});

describe('a server without search attributes and, at first, without a worker', () => {
  let env: TestWorkflowEnvironment;
  let sdk: TenancyClient;
  beforeAll(async () => {
    quietRuntime();
    const { cli } = await temporalBinaries();
    // As a cluster before the first worker ran: no search attributes registered.
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: cli } },
    });
    sdk = await createTenancyClient({ address: env.address, encryption: false, historyLimit: 12 });
  });
  afterAll(async () => {
    await sdk?.close();
    await env?.teardown();
  });

  test('a traject starts before any worker registered the search attributes', async () => {
    await sdk.start({
      clientRef: 'vroeg-0001',
      region: 'almere',
      origin: 'BW',
      registeredBy: actorFor(almere, 'zorgaanbieder'),
    });
  });

  test('with no worker, status says so within seconds (exit 3), also under --json', async () => {
    const result = await tidw(env.address, 'status', 'vroeg-0001');
    expect(result).toMatchObject({ code: 3 });
    expect(result.seconds).toBeLessThan(10);
    expect(result.stderr).toContain('no worker polls task queue thuis-in-de-wijk');
    const json = await tidw(env.address, '--json', 'events', 'vroeg-0001');
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'EngineUnavailable', down: 'worker' });
    expect(json.code).toBe(3);
    await expect(sdk.status('vroeg-0001')).rejects.toBeInstanceOf(EngineUnavailable);
  });

  test('list shows one row per traject, however often it continued as new', async () => {
    const worker = await startWorker(env, await bundleTenancyWorkflows(), recordingActivities().activities);
    try {
      await sdk.start({
        clientRef: 'lang-0001',
        region: 'almere',
        origin: 'BW',
        registeredBy: actorFor(almere, 'zorgaanbieder'),
      });
      for (const type of ['INSTEMMING_GEGEVEN', 'URGENTIE_AANGEVRAAGD'] as const)
        await sdk.send(
          'lang-0001',
          { type },
          actorFor(almere, type === 'INSTEMMING_GEGEVEN' ? 'client' : 'zorgaanbieder'),
        );
      await sdk.send(
        'lang-0001',
        { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {} } },
        actorFor(almere, 'gemeente'),
      );
      await sdk.send(
        'lang-0001',
        { type: 'WONING_AANGEBODEN', data: { homeRef: 'woning-0001' } },
        actorFor(almere, 'corporatie'),
      );
      expect((await sdk.history('lang-0001')).runs.length).toBeGreaterThan(1);
      // Visibility follows the runs within a moment: wait until it shows the last phase.
      let rows: string[] = [];
      for (let i = 0; i < 50; i++) {
        const page = await sdk.list({ region: 'almere' });
        rows = page.items.map((t) => `${t.clientRef}:${t.phase}`);
        if (rows.includes('lang-0001:matching')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(rows.filter((r) => r.startsWith('lang-0001'))).toEqual(['lang-0001:matching']);
      const cli = await tidw(env.address, '--json', 'list', '--region', 'almere');
      expect(
        (JSON.parse(cli.stdout) as { items: Array<{ clientRef: string }> }).items.filter(
          (t) => t.clientRef === 'lang-0001',
        ),
      ).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });

  test('a page token of another filter is refused', async () => {
    await sdk.start({
      clientRef: 'vroeg-0002',
      region: 'almere',
      origin: 'MO',
      registeredBy: actorFor(almere, 'zorgaanbieder'),
    });
    let token: string | undefined;
    for (let i = 0; i < 50 && !token; i++) {
      token = (await sdk.list({ pageSize: 1 })).nextPageToken;
      if (!token) await new Promise((r) => setTimeout(r, 200));
    }
    expect(token).toBeDefined();
    await expect(sdk.list({ pageSize: 1, region: 'amsterdam', nextPageToken: token! })).rejects.toThrow(
      'this page token belongs to a list with other filters',
    );
  });
});

test('a server that cannot list says what it lacks: ListingUnavailable', async () => {
  const env = await timeSkippingEnvironment();
  try {
    const sdk = await createTenancyClient({ address: env.address, encryption: false });
    await expect(sdk.list()).rejects.toBeInstanceOf(ListingUnavailable);
    await expect(sdk.list()).rejects.toThrow('it needs advanced visibility');
    await sdk.close();
  } finally {
    await env.teardown();
  }
});

test('a missing data key is named by its traject, never by where the keys are kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidw-keys-'));
  const store = new FileDataKeyStore(dir, generateKeyRing());
  expect(() => store.keyFor('traject-zonder-sleutel', false)).toThrow(
    'no data key for traject-zonder-sleutel',
  );
  expect(() => store.keyFor('traject-zonder-sleutel', false)).not.toThrow(dir);
});
