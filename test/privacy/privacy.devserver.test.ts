/**
 * Privacy by construction, end to end on `npm start` (the embedded server with its SQLite file, the worker with its
 * key ring): free text with a fake name, address and citizen number never appears in the database, the worker's log,
 * the outbox or the search attributes; with the key the timeline shows it; erasure destroys one traject's key and
 * nothing else; the codec server decrypts for readers only.
 */
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  createTenancyClient,
  KeyNotAvailable,
  RoleNotPermitted,
  TrajectErased,
  type TenancyClient,
} from '../../client';
import { startCodecServer, type CodecServer } from '../../platform/privacy/codec-server';
import { loadEncryption, type Encryption } from '../../platform/privacy/config';
import { presetCovenants, type Role } from '../../machines';
import { actorFor } from '../support/model';
import { freePort, run, type Running } from '../support/processes';
import pino from 'pino';
import { tidwWith } from '../support/cli';

/** Made-up personal data in free-text fields: none of it may be readable outside the encrypted payloads. */
const markers = {
  name: 'Jantine Markerink',
  address: 'Proefstraat 42, 1234 XY Almere',
  citizenNumber: '999990019',
  refused: 'Weigeraar Vandaag',
};

const almere = presetCovenants.almere!;
const as = (role: Role) => actorFor(almere, role);
const dataDir = mkdtempSync(join(tmpdir(), 'tidw-privacy-'));
let port: number;
let engine: Running;
let keys: Encryption;
let sdk: TenancyClient;

beforeAll(async () => {
  port = await freePort();
  engine = run('npm', ['start'], {
    TIDW_DATA_DIR: dataDir,
    TIDW_DEV_SERVER_PORT: String(port),
    TIDW_UI_PORT: String(await freePort()),
    TIDW_METRICS_PORT: '0',
    TIDW_HTTP_PORT: String(await freePort()),
    TIDW_LOG_LEVEL: 'debug',
  });
  await engine.waitFor('worker running');
  keys = loadEncryption({}, { dataDir, root: dataDir, embedded: true })!;
  sdk = await createTenancyClient({ address: `127.0.0.1:${port}`, encryption: keys });

  // Traject A carries the markers in every kind of free text: notes of updates, of a signal, of a refused event.
  await sdk.start({
    clientRef: 'privacy-a',
    region: 'almere',
    origin: 'BW',
    registeredBy: as('zorgaanbieder'),
  });
  await sdk.send('privacy-a', { type: 'INSTEMMING_GEGEVEN' }, as('client'));
  await sdk.send(
    'privacy-a',
    { type: 'URGENTIE_AANGEVRAAGD', data: { note: `${markers.name} woont aan de ${markers.address}` } },
    as('zorgaanbieder'),
  );
  await expect(
    sdk.send(
      'privacy-a',
      { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {}, note: markers.refused } },
      as('corporatie'),
    ),
  ).rejects.toBeInstanceOf(RoleNotPermitted);
  await sdk.send(
    'privacy-a',
    { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {}, note: `BSN ${markers.citizenNumber}` } },
    as('gemeente'),
  );
  // Traject B: the same kind of traject, untouched by what happens to A.
  await sdk.start({
    clientRef: 'privacy-b',
    region: 'almere',
    origin: 'MO',
    registeredBy: as('zorgaanbieder'),
  });
  await sdk.send('privacy-b', { type: 'INSTEMMING_GEGEVEN' }, as('client'));
  await sdk.send(
    'privacy-b',
    { type: 'URGENTIE_AANGEVRAAGD', data: { note: `${markers.name} (B)` } },
    as('zorgaanbieder'),
  );
  for (
    let i = 0;
    i < 100 &&
    ((await sdk.status('privacy-a')).deliveriesPending > 0 ||
      (await sdk.status('privacy-b')).deliveriesPending > 0);
    i += 1
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
}, 180_000);

afterAll(async () => {
  await sdk?.close();
  await engine?.interrupt();
  if (process.env.TIDW_SHOW_ENGINE)
    console.log(
      engine
        .output()
        .split('\n')
        .filter((l) => /"level":(40|50)|rror/.test(l))
        .slice(0, 8)
        .join('\n'),
    );
});

function containsMarker(text: string): string[] {
  return Object.values(markers).filter((m) => text.includes(m));
}

test('the database, the worker log, the outbox and the search attributes hold none of the personal data', async () => {
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  const described = await new Client({ connection }).workflow.getHandle('traject-privacy-a').describe();
  expect(JSON.stringify(described.searchAttributes)).toContain('matching'); // codes are there...
  expect(containsMarker(JSON.stringify(described.searchAttributes))).toEqual([]); // ...personal data is not
  // Without the key, the recorded history is ciphertext.
  const raw = JSON.stringify(
    await new Client({ connection }).workflow.getHandle('traject-privacy-a').fetchHistory(),
    (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v),
  );
  expect(containsMarker(raw)).toEqual([]);
  await connection.close();

  const database = readdirSync(dataDir)
    .filter((f) => f.startsWith('temporal.db'))
    .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
    .join('');
  expect(database).toContain('traject-privacy-a'); // the file is read: the pseudonymous id is there
  expect(containsMarker(database)).toEqual([]);

  const outbox = readdirSync(join(dataDir, 'outbox')).map((f) =>
    readFileSync(join(dataDir, 'outbox', f), 'utf8'),
  );
  expect(outbox.length).toBeGreaterThan(0);
  expect(containsMarker(outbox.join('\n'))).toEqual([]);

  expect(engine.output()).toContain('event written to outbox'); // the log is read: debug and info lines are there
  expect(containsMarker(engine.output())).toEqual([]);
});

test('with the key, the timeline and the access export show what was written; the refused event is nowhere', async () => {
  const timeline = await sdk.timeline('privacy-a');
  const notes = JSON.stringify(timeline.entries.map((e) => e.data));
  expect(notes).toContain(markers.name);
  expect(notes).toContain(markers.address);
  expect(notes).toContain(markers.citizenNumber);
  expect(notes).not.toContain(markers.refused);

  const exported = await sdk.export('privacy-b');
  expect(exported).toMatchObject({
    format: 'tidw-access-export/1',
    clientRef: 'privacy-b',
    dataKey: { state: 'active' },
  });
  expect(JSON.stringify(exported.events)).toContain(`${markers.name} (B)`);
  const ofA = await sdk.export('privacy-a');
  expect(ofA.deliveries).toContainEqual(
    expect.objectContaining({ type: 'notifyParties', about: 'URGENTIE_TOEGEKEND', outcome: 'delivered' }),
  );
});

describe('the codec server', () => {
  let server: CodecServer;
  const tokens = {
    'auditor-token-0123456789': { role: 'auditor' as const },
    'corporatie-token-01234567': { role: 'corporatie' as const },
  };
  const origin = 'http://localhost:8233';

  beforeAll(async () => {
    server = await startCodecServer({
      port: 0,
      origin,
      tokens,
      readers: ['auditor'],
      codec: keys.codec,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(() => server?.close());

  /** The first payload of traject B's history, as the Web UI would send it. */
  async function payloadOfB() {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    const history = await new Client({ connection }).workflow.getHandle('traject-privacy-b').fetchHistory();
    await connection.close();
    const { payloadToJSON } = await import('@temporalio/common/lib/proto-utils');
    const update = history.events!.find(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.length,
    )!;
    return payloadToJSON(
      update.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]!,
    );
  }

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        origin,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });

  test('an auditor with a valid token sees the decrypted payload', async () => {
    const response = await post('/decode', { payloads: [await payloadOfB()] }, 'auditor-token-0123456789');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    const { payloads } = (await response.json()) as { payloads: Array<{ data: string }> };
    expect(Buffer.from(payloads[0]!.data, 'base64').toString()).toContain('INSTEMMING_GEGEVEN');
  });

  test('no token: 401; a role that may not read: 403; the browser preflight is answered', async () => {
    expect((await post('/decode', { payloads: [await payloadOfB()] })).status).toBe(401);
    expect(
      (await post('/decode', { payloads: [await payloadOfB()] }, 'not-a-known-token-at-all')).status,
    ).toBe(401);
    const forbidden = await post('/decode', { payloads: [await payloadOfB()] }, 'corporatie-token-01234567');
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(await forbidden.json())).not.toContain('INSTEMMING');
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});

describe('erasure', () => {
  const tidw = tidwWith((covenants) =>
    createTenancyClient({ address: `127.0.0.1:${port}`, covenants, encryption: keys }),
  );

  test('a role the covenant does not name may not erase', async () => {
    const refused = await tidw('erase', 'privacy-a', '--as', 'corporatie:Ymere');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(
      'a corporatie may not erase trajecten under covenant almere; allowed: gemeente, zorgaanbieder',
    );
    expect((await sdk.status('privacy-a')).phase).toBe('matching');
  });

  test('tidw erase destroys the traject key: status, events and timeline say so, the data cannot be recovered, B is untouched', async () => {
    const erased = await tidw('erase', 'privacy-a', '--as', 'gemeente:Gemeente Almere');
    expect(erased.code).toBe(0);
    expect(erased.out).toMatch(/traject privacy-a erased on \d{4}-/);

    await expect(sdk.status('privacy-a')).rejects.toBeInstanceOf(TrajectErased);
    await expect(sdk.events('privacy-a')).rejects.toBeInstanceOf(TrajectErased);
    await expect(sdk.timeline('privacy-a')).rejects.toBeInstanceOf(TrajectErased);
    for (const command of ['status', 'events', 'timeline']) {
      const result = await tidw(command, 'privacy-a');
      expect(result.code).toBe(2);
      expect(result.err).toMatch(
        /the data of traject privacy-a was erased on .+; only event types and times remain/,
      );
    }

    // What remains is the history as Temporal records it: event types and times, and ciphertext no key opens.
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    const handle = new Client({ connection }).workflow.getHandle('traject-privacy-a');
    expect((await handle.describe()).status.name).toBe('COMPLETED'); // it took the erasure and ended
    const history = await handle.fetchHistory();
    await connection.close();
    const payloads = history.events!.flatMap(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? [],
    );
    expect(payloads.length).toBeGreaterThan(0);
    const fresh = loadEncryption({}, { dataDir, root: dataDir, embedded: true })!; // every key there is, read anew
    await expect(fresh.codec.decode(payloads)).rejects.toBeInstanceOf(KeyNotAvailable);

    expect((await sdk.status('privacy-b')).phase).toBe('urgentie');
    expect(JSON.stringify((await sdk.timeline('privacy-b')).entries)).toContain(markers.name);
  });
});
