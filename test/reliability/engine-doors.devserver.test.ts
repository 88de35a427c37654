/**
 * What a hostile caller found at the engine's doors, on the real dev server (its SQLite file, its payload limits) with
 * a worker that encrypts: a flood of oversized and malformed events leaves the traject responsive; a payload sent
 * without the key ring is refused before it is stored, and a client configured for a cluster without the key ring
 * does not send at all; an idempotency key is bound to its event; erasure is decided by the traject, takes effect in
 * every process at once, and an erased reference cannot be started again.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import {
  createTenancyClient,
  IdempotencyKeyReused,
  InvalidEventData,
  TenancyClient,
  TrajectErased,
} from '../../client';
import { presetCovenants, type Actor, type Role } from '../../machines';
import { simulate } from '../../client/evaluation';
import { ConfigError } from '../../platform/config';
import { openSqliteStore, READ_MODEL_FILE } from '../../platform/read-model';
import { startCodecServer, type CodecServer } from '../../platform/privacy/codec-server';
import { loadEncryption } from '../../platform/privacy/config';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { PAYLOAD_NOT_ENCRYPTED, TASK_QUEUE, workflowIdFor } from '../../workflows/messages';
import { eventTypes } from '../support/history';
import { encryptingClient, freshEncryption } from '../support/keys';
import { actorFor } from '../support/model';
import { tidwWith } from '../support/cli';
import { devServerEnvironment, recordingActivities, startWorker } from '../support/temporal';

const almere = presetCovenants.almere!;
const as = (role: Role): Actor => actorFor(almere, role);
const dataDir = mkdtempSync(join(tmpdir(), 'tidw-doors-'));
const dbFile = join(dataDir, 'temporal.db');
/** The evaluation's read model, as the worker keeps it: erasure must take a traject's facts out of it too. */
const readModel = openSqliteStore(join(dataDir, READ_MODEL_FILE));
const keys = freshEncryption();
/** Made-up personal data a careless or hostile caller sends: none of it may end up stored in clear text. */
const marker = 'Jantine Markerink, Proefstraat 42, BSN 999990019';

let env: TestWorkflowEnvironment;
let stopWorker: () => Promise<void>;
let sdk: TenancyClient;
let plain: Client;

beforeAll(async () => {
  env = await devServerEnvironment(dbFile);
  const { activities } = recordingActivities();
  ({ stop: stopWorker } = await startWorker(env, await bundleTenancyWorkflows(), activities, {
    payloadCodecs: [keys.codec.forWorker()],
  }));
  const namespace = env.namespace ?? 'default';
  sdk = new TenancyClient(
    encryptingClient(env, keys),
    env.connection,
    { taskQueue: TASK_QUEUE, namespace },
    [],
    keys,
    () => openSqliteStore(join(dataDir, READ_MODEL_FILE)),
  );
  plain = new Client({ connection: env.connection, namespace });
}, 120_000);

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  readModel.close();
});

/** The test's SDK for an in-process tidw, which closes what it connected: this one it may not close. */
const borrowed = (): TenancyClient =>
  Object.assign(Object.create(sdk) as TenancyClient, { close: () => Promise.resolve() });

async function started(clientRef: string) {
  await sdk.start({ clientRef, region: 'almere', origin: 'BW', registeredBy: as('zorgaanbieder') });
  await sdk.send(clientRef, { type: 'INSTEMMING_GEGEVEN' }, as('client'));
  return clientRef;
}

async function failedWorkflowTasks(clientRef: string): Promise<number> {
  const history = await env.client.workflow.getHandle(workflowIdFor(clientRef)).fetchHistory();
  return eventTypes(history).filter((t) => t === 'EVENT_TYPE_WORKFLOW_TASK_FAILED').length;
}

/** The failure a raw update came back with (its type and message), or 'taken'. */
async function rawUpdate(client: Client, clientRef: string, args: unknown, name = 'sendEvent') {
  try {
    await client.workflow.getHandle(workflowIdFor(clientRef)).executeUpdate(name, { args: [args] });
    return { type: 'taken', message: '' };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
      return { type: err.cause.type, message: err.cause.message };
    throw err;
  }
}

/** Everything the server wrote to disk so far. */
const stored = () =>
  [dbFile, `${dbFile}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('');

test('a flood of oversized and malformed events is refused, and the traject keeps answering (item 4)', async () => {
  const ref = await started('flood-0001');
  const huge = 'x'.repeat(3 * 1024 * 1024);
  const cyclic: Record<string, unknown> = { searchProfile: {} };
  cyclic.self = cyclic;
  // Through the SDK: refused before anything is sent.
  for (const data of [
    { note: huge },
    { note: huge, extra: huge },
    cyclic,
    { searchProfile: {}, maxRent: BigInt(900) },
  ]) {
    const sent = sdk.send(ref, { type: 'URGENTIE_AANGEVRAAGD', data }, as('zorgaanbieder'));
    await expect(sent).rejects.toBeInstanceOf(InvalidEventData);
    await expect(sent).rejects.toMatchObject({ rule: 'eventData' });
  }
  // Through the raw update (an encrypting client of its own): refused by the traject, the refusal small and clean.
  const raw = encryptingClient(env, keys);
  const bad: unknown[] = [
    ...Array.from({ length: 6 }, () => ({
      event: {
        type: 'URGENTIE_AANGEVRAAGD',
        actor: as('zorgaanbieder'),
        data: { note: 'y'.repeat(256 * 1024) },
      },
    })),
    ...Array.from({ length: 6 }, (_, i) => ({
      event: { type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder'), data: { [`${marker} ${i}`]: 1 } },
    })),
    {
      event: JSON.parse(
        `{"type":"URGENTIE_AANGEVRAAGD","actor":${JSON.stringify(as('zorgaanbieder'))},"data":{"__proto__":{"x":1}}}`,
      ),
    },
    { event: { type: marker, actor: as('zorgaanbieder') } },
    { [marker]: true },
  ];
  // One after another: Temporal hands a refused update's request back to the server with the refusal, so many
  // megabytes refused in one workflow task would exceed its message limit, whatever the workflow does (README).
  for (const args of bad) {
    const outcome = await rawUpdate(raw, ref, args);
    expect(outcome.type).toBe('InvalidEventData');
    expect(outcome.message).not.toContain('Markerink');
    expect(outcome.message.length).toBeLessThan(1000);
  }
  // A legitimate event and a query still get through, and no workflow task failed on the way.
  const status = await sdk.send(ref, { type: 'URGENTIE_AANGEVRAAGD' }, as('zorgaanbieder'));
  expect(status.phase).toBe('urgentie');
  expect((await sdk.status(ref)).counters.events).toBe(3);
  expect(await failedWorkflowTasks(ref)).toBe(0);
});

test('a payload sent without the key ring is refused before it is stored (item 5)', async () => {
  const ref = await started('plain-0001');
  // What `temporal workflow update execute --name sendEvent` or a client without TIDW_KEYRING_FILE sends.
  const outcome = await rawUpdate(plain, ref, {
    event: { type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder'), data: { note: marker } },
  });
  expect(outcome.type).toBe(PAYLOAD_NOT_ENCRYPTED);
  expect(outcome.message).toContain('TIDW_KEYRING_FILE');
  await expect(rawUpdate(plain, ref, { actor: as('gemeente') }, 'erase')).resolves.toMatchObject({
    type: PAYLOAD_NOT_ENCRYPTED,
  });
  // A feed's signal without the key ring is counted as refused; the traject carries on.
  await plain.workflow.getHandle(workflowIdFor(ref)).signal('reportEvent', {
    event: { type: 'OVERLAST_GEMELD', actor: as('buurtbewoner'), data: { severity: 'laag' } },
  });
  for (let i = 0; i < 50 && (await sdk.status(ref)).counters.refusedSignals === 0; i += 1)
    await new Promise((r) => setTimeout(r, 100));
  expect((await sdk.status(ref)).counters.refusedSignals).toBe(1);
  expect((await sdk.status(ref)).phase).toBe('urgentie');
  expect((await sdk.events(ref)).map((e) => e.type)).toEqual(['AANMELDING', 'INSTEMMING_GEGEVEN']);
  expect(await failedWorkflowTasks(ref)).toBe(0);
  expect(stored()).not.toContain('Markerink');

  // A traject started without the key ring fails at once with the same typed failure, rather than running plain.
  const start = await plain.workflow.start('tenancyWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor('plain-0002'),
    args: [
      {
        aanmelding: {
          trajectRef: 'plain-0002',
          origin: 'BW',
          covenant: almere,
          registeredBy: as('zorgaanbieder'),
        },
      },
    ],
  });
  await expect(start.result()).rejects.toMatchObject({ cause: { type: PAYLOAD_NOT_ENCRYPTED } });
});

test('a client configured for a cluster without the key ring fails before it sends, naming TIDW_KEYRING_FILE (item 5)', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { TEMPORAL_ADDRESS: env.address });
  delete process.env.TIDW_KEYRING_FILE;
  delete process.env.TIDW_KEYRING;
  try {
    await expect(createTenancyClient()).rejects.toBeInstanceOf(ConfigError);
    await expect(createTenancyClient()).rejects.toThrow(/TIDW_KEYRING_FILE/);
    const cli = await tidwWith(undefined, process.env)(
      'send',
      'plain-0001',
      'URGENTIE_AANGEVRAAGD',
      '--as',
      'zorgaanbieder:Kwintes',
      '--data',
      JSON.stringify({ note: marker }),
    );
    expect(cli.code).toBe(2);
    expect(cli.err).toContain('TIDW_KEYRING_FILE');
  } finally {
    process.env = saved;
  }
  expect((await sdk.events('plain-0001')).map((e) => e.type)).toEqual(['AANMELDING', 'INSTEMMING_GEGEVEN']);
});

test('an idempotency key is bound to the event it was first used for (item 7)', async () => {
  const ref = await started('idem-0002');
  const kwintes = as('zorgaanbieder');
  await sdk.send(ref, { type: 'URGENTIE_AANGEVRAAGD' }, kwintes, { idempotencyKey: 'aanvraag-1' });
  // A retry of the same event is taken once.
  await sdk.send(ref, { type: 'URGENTIE_AANGEVRAAGD' }, kwintes, { idempotencyKey: 'aanvraag-1' });
  // Another party reusing the key for another event is refused, not told it succeeded.
  const reused = sdk.send(ref, { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {} } }, as('gemeente'), {
    idempotencyKey: 'aanvraag-1',
  });
  await expect(reused).rejects.toBeInstanceOf(IdempotencyKeyReused);
  await expect(reused).rejects.toMatchObject({ code: 'IdempotencyKeyReused', rule: 'idempotencyKey' });
  expect((await sdk.events(ref)).map((e) => e.type)).toEqual([
    'AANMELDING',
    'INSTEMMING_GEGEVEN',
    'URGENTIE_AANGEVRAAGD',
  ]);
  // The CLI says so with exit code 2.
  const cli = tidwWith(() => Promise.resolve(borrowed()));
  const again = await cli(
    'send',
    ref,
    'URGENTIE_TOEGEKEND',
    '--as',
    'gemeente:Gemeente Almere',
    '--data',
    '{"searchProfile":{}}',
    '--key',
    'aanvraag-1',
  );
  expect(again.code).toBe(2);
  expect(again.err).toContain('IdempotencyKeyReused');
});

describe('erasure (items 6 and 10)', () => {
  let codecServer: CodecServer;
  const token = 'auditor-token-0123456789';
  beforeAll(async () => {
    // The codec server as another process on this machine: its own key store, reading the same directory.
    const own = loadEncryption(
      { TIDW_KEYRING_FILE: keys.keyringFile, TIDW_DATA_KEYS_DIR: keys.dataKeysDir },
      { dataDir: keys.dataKeysDir, root: keys.dataKeysDir, embedded: false },
    )!;
    codecServer = await startCodecServer({
      port: 0,
      origin: 'http://localhost:8233',
      tokens: { [token]: { role: 'auditor' } },
      readers: ['auditor'],
      codec: own.codec,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await codecServer?.close();
  });
  const decode = (payloads: unknown[]) =>
    fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads }),
    });

  test('erasure is decided by the traject: no party of the covenant, no erasure', async () => {
    const ref = await started('wis-0001');
    const stranger = { role: 'gemeente', organisation: 'Gemeente Nergenshuizen', personId: 'x-1' } as const;
    await expect(sdk.erase(ref, stranger)).rejects.toMatchObject({
      code: 'RoleNotPermitted',
      rule: 'parties.gemeente',
    });
    // The same through the raw door, past the SDK.
    const raw = encryptingClient(env, keys);
    await expect(rawUpdate(raw, ref, { actor: stranger }, 'erase')).resolves.toMatchObject({
      type: 'RoleNotPermitted',
    });
    await expect(rawUpdate(raw, ref, { actor: as('corporatie') }, 'erase')).resolves.toMatchObject({
      type: 'RoleNotPermitted',
      message: expect.stringContaining('a corporatie may not erase trajecten under covenant almere'),
    });
    expect((await sdk.status(ref)).phase).toBe('urgentie');
  });

  test('after erasure the codec server opens nothing of it at once, and the reference cannot be started again', async () => {
    const ref = await started('wis-0002');
    const history = await env.client.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
    const payloads = history
      .events!.flatMap(
        (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? [],
      )
      .map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(p.data ?? []).toString('base64'),
      }));
    expect((await decode(payloads)).status).toBe(200); // the codec server now holds the key in memory
    // Its facts in the read model, as the worker's activity writes them (this test's worker keeps none itself).
    const [facts] = simulate({ clients: 1, years: 1, offersPerMonth: 3, seed: 2 }).facts;
    expect(
      readModel.put({ workflowId: workflowIdFor(ref), seq: 1, facts: { ...facts!, trajectRef: ref } }),
    ).toBe('stored');

    const erased = await sdk.erase(ref, as('gemeente'));
    expect(erased.erasedAt).toMatch(/^\d{4}-/);
    expect((await decode(payloads)).status).toBe(400);
    expect(readModel.factsOf('almere').map((f) => f.trajectRef)).not.toContain(ref);
    expect(
      readModel.put({ workflowId: workflowIdFor(ref), seq: 2, facts: { ...facts!, trajectRef: ref } }),
    ).toBe('erased');
    const { status } = await env.client.workflow.getHandle(workflowIdFor(ref)).describe();
    expect(status.name).toBe('COMPLETED');

    await expect(
      sdk.start({ clientRef: ref, region: 'almere', origin: 'BW', registeredBy: as('zorgaanbieder') }),
    ).rejects.toBeInstanceOf(TrajectErased);
    const cli = await tidwWith(() => Promise.resolve(borrowed()))(
      'start',
      '--client',
      ref,
      '--region',
      'almere',
      '--origin',
      'BW',
      '--as',
      'zorgaanbieder:Kwintes',
    );
    expect(cli.code).toBe(2);
    expect(cli.err).toContain(`the data of traject ${ref} was erased`);
  });
});

test('a role string with more than three parts is refused by tidw (item 9)', async () => {
  const cli = await tidwWith(() => Promise.resolve(borrowed()))(
    'send',
    'flood-0001',
    'URGENTIE_AANGEVRAAGD',
    '--as',
    'zorgaanbieder:Kwintes:zb-1:extra',
  );
  expect(cli.code).toBe(2);
  expect(cli.err).toContain('at most three parts');
});

test('start refuses a reference that looks like a citizen number, saying why (item 9)', async () => {
  await expect(
    sdk.start({ clientRef: '123456782', region: 'almere', origin: 'BW', registeredBy: as('zorgaanbieder') }),
  ).rejects.toThrow(/citizen number/);
});
