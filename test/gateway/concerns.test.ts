/**
 * Neighbours' concerns at the API, fast, with `inject()`: a concern raised on a Saturday under Nijmegen's covenant goes
 * to the care provider on call (GGZ Nijmegen); only that organisation reads it and answers it (opgepakt, then
 * afgehandeld with an outcome code), after which it has left its open list; another organisation of the same covenant,
 * an auditor and a neighbour are refused with a typed problem and change nothing; every answer is in the processing
 * log, and nothing of what the neighbour wrote is stored or logged in the clear. Concerns need no Temporal: the SDK
 * here is the covenants and the key ring only.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TenancyClient } from '../../client';
import { ConcernStore, routeConcern } from '../../client/concerns';
import { buildGateway, createVerifier, loadGatewayConfig } from '../../gateway';
import { presetCovenants, type Actor } from '../../machines';
import { devIssuerUrl, loadDevIssuerKey, mintDevToken } from '../../platform/dev-issuer';
import { ProcessingLog, readProcessingLog } from '../../platform/processing-log';
import { freshEncryption } from '../support/keys';
import { contractProblems } from './support';

const ggz: Actor = { role: 'zorgaanbieder', organisation: 'GGZ Nijmegen', personId: 'zb-0101' };
const talis: Actor = { role: 'corporatie', organisation: 'Talis', personId: 'wb-0102' };
const auditor: Actor = { role: 'auditor', organisation: 'Rekenkamer', personId: 'au-0001' };
const neighbour: Actor = { role: 'buurtbewoner', personId: 'bb-0001' };

const saturday = new Date('2027-03-06T14:00:00+01:00');
const text = 'Mijn buurvrouw op nummer 3 doet al dagen niet open';
const place = 'talis-complex-118';

let app: FastifyInstance;
let dataDir: string;
let processingLogDir: string;
let token: (actor: Actor) => Promise<string>;
let concernId: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tidw-concerns-'));
  const config = loadGatewayConfig({ TIDW_DATA_DIR: dataDir });
  processingLogDir = config.processingLogDir;
  const key = await loadDevIssuerKey(dataDir, true);
  const issuer = devIssuerUrl(config.host, config.port);
  const encryption = freshEncryption();
  const sdk = {
    regions: Object.keys(presetCovenants),
    covenant: (id: string) => presetCovenants[id]!,
    encryption,
  } as unknown as TenancyClient;
  app = await buildGateway({
    config,
    sdk,
    verify: createVerifier(config.auth, issuer, key.publicJwk),
    processingLog: new ProcessingLog(processingLogDir),
    devIssuer: { key, issuer },
  });
  token = (actor) => mintDevToken(key, actor, { issuer });
  // As Meld een zorg stores it on a Saturday afternoon.
  const store = new ConcernStore(dataDir, encryption.keyring);
  const routing = routeConcern(presetCovenants.nijmegen!, saturday);
  concernId = store.add({ region: 'nijmegen', place, text }, routing, saturday);
});
afterAll(() => app.close());

const exchanges: Array<{ method: string; path: string; status: number; contentType: string; body: unknown }> =
  [];

async function call(method: 'GET' | 'POST', url: string, as: Actor, body?: unknown) {
  const response = await app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${await token(as)}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  const answer = {
    status: response.statusCode,
    type: String(response.headers['content-type'] ?? ''),
    body: response.json<Record<string, unknown>>(),
  };
  exchanges.push({ method, path: url, status: answer.status, contentType: answer.type, body: answer.body });
  return answer;
}

const items = async (as: Actor, state = 'alle') =>
  (await call('GET', `/v1/concerns?state=${state}`, as)).body.items as Array<Record<string, unknown>>;

test('the Saturday concern is routed to the care provider on call, which alone reads it', async () => {
  expect(routeConcern(presetCovenants.nijmegen!, saturday)).toMatchObject({
    role: 'zorgaanbieder',
    organisation: 'GGZ Nijmegen',
    duringOfficeHours: false,
  });
  expect(await items(ggz)).toEqual([
    expect.objectContaining({ id: concernId, region: 'nijmegen', place, text, state: 'open' }),
  ]);
  expect(await items(talis)).toEqual([]);
  const refused = await call('GET', '/v1/concerns', neighbour);
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ code: 'RoleNotPermitted', rule: 'reads.buurtbewoner' });
});

test('another organisation, an auditor and a neighbour may not answer it; nothing changes', async () => {
  const answer = { status: 'afgehandeld', outcome: 'geen-actie-nodig' };
  const byTalis = await call('POST', `/v1/concerns/${concernId}/answer`, talis, answer);
  expect(byTalis.status).toBe(403);
  expect(byTalis.type).toMatch(/^application\/problem\+json/);
  expect(byTalis.body).toMatchObject({ code: 'RoleNotPermitted', rule: 'concerns.routedTo' });
  // The refusal names no organisation and nothing of the concern.
  expect(JSON.stringify(byTalis.body)).not.toMatch(/GGZ|talis-complex|buurvrouw/);
  const byAuditor = await call('POST', `/v1/concerns/${concernId}/answer`, auditor, answer);
  expect(byAuditor.body).toMatchObject({ code: 'RoleNotPermitted', rule: 'writes.auditor' });
  const byNeighbour = await call('POST', `/v1/concerns/${concernId}/answer`, neighbour, answer);
  expect(byNeighbour.status).toBe(403);
  expect(await items(ggz, 'open')).toEqual([expect.objectContaining({ id: concernId, state: 'open' })]);
});

test('bad input is refused with a typed problem: free text, an unknown outcome, an unknown or malformed id', async () => {
  const url = `/v1/concerns/${concernId}/answer`;
  const freeText = await call('POST', url, ggz, { status: 'afgehandeld', outcome: 'overig', note: 'x' });
  expect(freeText.status).toBe(400);
  expect(freeText.body).toMatchObject({ code: 'ValidationFailed', rule: 'schema' });
  const unknownOutcome = await call('POST', url, ggz, { status: 'afgehandeld', outcome: 'opgelost' });
  expect(unknownOutcome.status).toBe(400);
  const noOutcome = await call('POST', url, ggz, { status: 'afgehandeld' });
  expect(noOutcome.status).toBe(400);
  const unknown = await call('POST', '/v1/concerns/6f1c1f55-8a3b-4c55-9a57-2f9b1b1d3e0a/answer', ggz, {
    status: 'opgepakt',
  });
  expect(unknown.status).toBe(404);
  expect(unknown.body).toMatchObject({ code: 'ConcernNotFound' });
  const malformed = await call('POST', '/v1/concerns/nummer-3/answer', ggz, { status: 'opgepakt' });
  expect(malformed.status).toBe(400);
  expect(await items(ggz, 'open')).toEqual([expect.objectContaining({ id: concernId, state: 'open' })]);
});

test('the care provider takes it up, then handles it: it leaves the open list', async () => {
  const url = `/v1/concerns/${concernId}/answer`;
  const taken = await call('POST', url, ggz, { status: 'opgepakt' });
  expect(taken.status).toBe(200);
  expect(taken.body).toMatchObject({ id: concernId, answer: { status: 'opgepakt', by: ggz } });
  expect(await items(ggz, 'open')).toEqual([expect.objectContaining({ id: concernId, state: 'opgepakt' })]);
  const handled = await call('POST', url, ggz, { status: 'afgehandeld', outcome: 'contact-gelegd' });
  expect(handled.status).toBe(200);
  expect(handled.body).toMatchObject({ answer: { status: 'afgehandeld', outcome: 'contact-gelegd' } });
  expect(await items(ggz, 'open')).toEqual([]);
  expect(await items(ggz, 'afgehandeld')).toEqual([
    expect.objectContaining({
      id: concernId,
      state: 'afgehandeld',
      answer: expect.objectContaining({ outcome: 'contact-gelegd' }),
    }),
  ]);
  // The same answer again (a double click) changes nothing; another answer to a handled concern is refused.
  const again = await call('POST', url, ggz, { status: 'afgehandeld', outcome: 'contact-gelegd' });
  expect(again.status).toBe(200);
  expect(again.body.answer).toEqual(handled.body.answer);
  const other = await call('POST', url, ggz, { status: 'afgehandeld', outcome: 'overig' });
  expect(other.status).toBe(409);
  expect(other.body).toMatchObject({ code: 'NotAllowedInPhase', rule: 'concerns.handled' });
  expect((await call('POST', url, ggz, { status: 'opgepakt' })).status).toBe(409);
  expect((await items(ggz, 'afgehandeld'))[0]).toMatchObject({ answer: { outcome: 'contact-gelegd' } });
});

test('the store holds only sealed text and outcome codes; the processing log records each answer, without them', () => {
  const stored = readFileSync(join(dataDir, 'concerns', 'concerns.jsonl'), 'utf8');
  expect(stored).not.toContain('buurvrouw');
  expect(stored).not.toContain(place);
  const answers = stored
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.kind === 'answer');
  expect(answers.map((a) => [a.status, a.outcome ?? null])).toEqual([
    ['opgepakt', null],
    ['afgehandeld', 'contact-gelegd'],
  ]);
  const records = readProcessingLog(processingLogDir).filter((r) => r.operation === 'concerns.answer');
  expect(records.map((r) => [r.actor.organisation ?? r.actor.role, r.outcome])).toContainEqual([
    'Talis',
    'refused',
  ]);
  expect(records.map((r) => [r.actor.organisation, r.outcome])).toContainEqual(['GGZ Nijmegen', 'ok']);
  expect(records.every((r) => r.activity === 'signalen-buren' && r.trajectRef === null)).toBe(true);
  expect(JSON.stringify(readProcessingLog(processingLogDir))).not.toMatch(/buurvrouw|talis-complex/);
});

test('the routes are in the OpenAPI document, and every answer above validates against it', async () => {
  const document = (await app.inject({ url: '/v1/openapi.json' })).json<
    Parameters<typeof contractProblems>[0]
  >();
  expect(Object.keys(document.paths)).toEqual(
    expect.arrayContaining(['/v1/concerns', '/v1/concerns/{id}/answer']),
  );
  expect(exchanges.length).toBeGreaterThan(15);
  expect(exchanges.flatMap((e) => contractProblems(document, e))).toEqual([]);
});
