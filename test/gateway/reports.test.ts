/**
 * GET /v1/reports/{region}/{period}, fast, with `inject()`: the seven hand-made Almere trajects of
 * test/evaluation/event-logs.ts in a real SQLite read model (the file the gateway reads), their half-year report as
 * JSON, CSV and HTML (by ?format and by Accept), and the refusals: another covenant's party, a neighbour and a client
 * 403 with the rule, a bad period 400 naming it, an unknown covenant 404. The report needs no workflow, so the SDK
 * stands in for an engine that is not asked.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TenancyClient } from '../../client';
import { EvaluationReportSchema, factsFromEventLog } from '../../client/evaluation';
import { buildGateway, createVerifier, loadGatewayConfig } from '../../gateway';
import { presetCovenants, type Actor } from '../../machines';
import { devIssuerUrl, loadDevIssuerKey, mintDevToken } from '../../platform/dev-issuer';
import { ProcessingLog } from '../../platform/processing-log';
import { openSqliteStore, READ_MODEL_FILE } from '../../platform/read-model';
import { AS_OF, handMadeLogs } from '../evaluation/event-logs';

const sdk = {
  regions: ['almere', 'nijmegen'],
  covenant: (id: string) => presetCovenants[id]!,
} as unknown as TenancyClient;

const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' };
const ymere: Actor = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-0003' };
const talis: Actor = { role: 'corporatie', organisation: 'Talis', personId: 'wb-0101' };
const auditor: Actor = { role: 'auditor', organisation: 'Auditdienst', personId: 'au-0001' };
const neighbour: Actor = { role: 'buurtbewoner', personId: 'bb-0001' };
const client: Actor = { role: 'client', personId: 'almere-a' };

let app: FastifyInstance;
let dataDir: string;
let token: (actor: Actor) => Promise<string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tidw-reports-'));
  const store = openSqliteStore(join(dataDir, READ_MODEL_FILE));
  store.putMany(
    handMadeLogs.map((log, i) => ({
      workflowId: `traject-${log.registration.trajectRef}`,
      seq: i + 1,
      facts: factsFromEventLog(log, { asOf: AS_OF }),
    })),
  );
  store.close();
  const config = loadGatewayConfig({ TIDW_DATA_DIR: dataDir });
  const key = await loadDevIssuerKey(dataDir, true);
  const issuer = devIssuerUrl(config.host, config.port);
  app = await buildGateway({
    config,
    sdk,
    verify: createVerifier(config.auth, issuer, key.publicJwk),
    processingLog: new ProcessingLog(config.processingLogDir),
    devIssuer: { key, issuer },
  });
  token = (actor) => mintDevToken(key, actor, { issuer });
});
afterAll(() => app?.close());

async function get(actor: Actor, url: string, accept?: string) {
  return app.inject({
    url,
    headers: { authorization: `Bearer ${await token(actor)}`, ...(accept ? { accept } : {}) },
  });
}

test('JSON by default: the tidw-evaluation/1 shape with the hand-computed figures of 2026-H1', async () => {
  const answer = await get(kwintes, '/v1/reports/almere/2026-H1');
  expect(answer.statusCode).toBe(200);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const report = EvaluationReportSchema.parse(answer.json());
  expect(report).toMatchObject({ format: 'tidw-evaluation/1', kind: 'live', region: 'almere' });
  expect(report.scenarios.map((s) => s.name)).toEqual(['live']);
  const whole = report.scenarios[0]!.whole;
  expect(whole.period.label).toBe('2026-H1');
  // As test/evaluation/figures.test.ts works them out by hand.
  expect(whole.trajects).toBe(7);
  expect(whole.flow).toMatchObject({ registered: 4, movedIn: 2, converted: 1, ended: 1, withdrawn: 1 });
  expect(answer.body).not.toMatch(/almere-[a-g]\b/); // counts only, never a reference
});

test.each([
  ['?format=csv', '?format=csv', undefined],
  ['Accept: text/csv', '', 'text/csv'],
])('CSV by %s: the fixed columns scenario,period,figure,value', async (_by, query, accept) => {
  const answer = await get(ymere, `/v1/reports/almere/2026-H1${query}`, accept);
  expect(answer.statusCode).toBe(200);
  expect(answer.headers['content-type']).toMatch(/^text\/csv/);
  const [header, ...rows] = answer.body.trimEnd().split('\n');
  expect(header).toBe('scenario,period,figure,value');
  expect(rows).toContain('live,2026-H1,flow.movedIn,2');
  for (const row of rows) expect(row).toMatch(/^live,2026-H1,[A-Za-z0-9.]+,(-?\d+(\.\d+)?)?$/);
});

test.each([
  ['?format=html', '?format=html', undefined],
  ['Accept: text/html', '', 'text/html,application/xhtml+xml'],
])('HTML by %s: one self-contained page with its charts', async (_by, query, accept) => {
  const answer = await get(auditor, `/v1/reports/almere/2026-H1${query}`, accept);
  expect(answer.statusCode).toBe(200);
  expect(answer.headers['content-type']).toMatch(/^text\/html/);
  expect(answer.body).toMatch(/^<!doctype html>/);
  expect(answer.body).not.toMatch(/<script|<link/);
  expect((answer.body.match(/<svg [^>]*role="img"/g) ?? []).length).toBeGreaterThanOrEqual(6);
});

test.each([
  ['a party of another covenant', talis, 'parties'],
  ['a neighbour', neighbour, 'reads.buurtbewoner'],
  ['a client', client, 'reports.client'],
])('%s is refused with 403 and the rule', async (_who, actor, rule) => {
  const answer = await get(actor, '/v1/reports/almere/2026-H1');
  expect(answer.statusCode).toBe(403);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.json()).toMatchObject({ status: 403, code: 'RoleNotPermitted', rule });
});

test('a bad period is 400 and names it; an unknown covenant is 404', async () => {
  const bad = await get(kwintes, '/v1/reports/almere/2026-H3');
  expect(bad.statusCode).toBe(400);
  expect(bad.json()).toMatchObject({
    code: 'InvalidInput',
    issues: [{ field: 'period', message: expect.stringContaining('2026-H1') }],
  });
  expect(bad.json<{ detail: string }>().detail).toContain('2026-H3');
  const unknown = await get(kwintes, '/v1/reports/utrecht/2026-H1');
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json()).toMatchObject({ code: 'NotFound' });
});

test('every read and every refusal is in the processing log, as report.read', () => {
  const dir = join(dataDir, 'processing-log');
  const records = readdirSync(dir)
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
    .map((line) => JSON.parse(line) as { operation: string; outcome: string; activity: string });
  const reads = records.filter((r) => r.operation === 'report.read');
  expect(reads.length).toBeGreaterThanOrEqual(9);
  expect(new Set(reads.map((r) => r.activity))).toEqual(new Set(['evaluatie']));
  expect(reads.map((r) => r.outcome)).toEqual(expect.arrayContaining(['ok', 'refused']));
});
