/**
 * The migration routes' door, fast, with `inject()` and an SDK that stands in for the engine: who is refused and how
 * (no token 401, a corporatie 403 with the covenant's migration rule, an auditor may not start one), a missing reason
 * or an unknown version 400 with the field, an unknown migration 404 MigrationNotFound. The engine is never reached
 * by a refusal (the stand-in fails any call it was not meant to get).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TenancyClient } from '../../client';
import { MigrationNotFound } from '../../client/errors';
import { buildGateway, createVerifier, loadGatewayConfig } from '../../gateway';
import { demoCovenant, presetCovenants, type Actor } from '../../machines';
import { devIssuerUrl, loadDevIssuerKey, mintDevToken } from '../../platform/dev-issuer';
import { ProcessingLog } from '../../platform/processing-log';

const gemeente: Actor = { role: 'gemeente', organisation: 'Gemeente Almere', personId: 'gm-0001' };
const ymere: Actor = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-0003' };
const auditor: Actor = { role: 'auditor', organisation: 'Rekenkamer', personId: 'au-0001' };

const untouched = () => Promise.reject(new Error('a refusal reached the engine'));
/** Knows the covenants; no migration exists; anything else must not be asked. */
const sdk = {
  regions: ['almere', 'demo'],
  covenant: (id: string) => (id === 'demo' ? demoCovenant : presetCovenants[id]!),
  covenantMigration: (id: string) => Promise.reject(new MigrationNotFound(id)),
  list: untouched,
  migrationState: untouched,
  startCovenantMigration: untouched,
} as unknown as TenancyClient;

let app: FastifyInstance;
let token: (actor: Actor) => Promise<string>;
beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidw-migrations-'));
  const config = loadGatewayConfig({ TIDW_DATA_DIR: dataDir, TIDW_HTTP_ENGINE_TIMEOUT_MS: '300' });
  const key = await loadDevIssuerKey(dataDir, true);
  const issuer = devIssuerUrl(config.host, config.port);
  app = await buildGateway({
    config,
    sdk,
    verify: createVerifier(config.auth, issuer, key.publicJwk),
    processingLog: new ProcessingLog(config.processingLogDir),
  });
  token = (actor) => mintDevToken(key, actor, { issuer });
});
afterAll(() => app.close());

const body = { region: 'almere', to: 'almere@2023-01', reason: 'new covenant signed' };
const post = async (url: string, as: Actor | undefined, payload: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: as ? { authorization: `Bearer ${await token(as)}` } : {},
    payload: payload as Record<string, unknown>,
  });

test.each(['/v1/migrations/dry-run', '/v1/migrations'])('%s without a token: 401 problem', async (url) => {
  const answer = await post(url, undefined, body);
  expect(answer.statusCode).toBe(401);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.json()).toMatchObject({ code: 'Unauthenticated' });
  const status = await app.inject({ url: '/v1/migrations/covenant-migration-almere-almere-2023-01' });
  expect(status.statusCode).toBe(401);
});

test.each(['/v1/migrations/dry-run', '/v1/migrations'])(
  "%s as a corporatie: 403 with the covenant's migration rule",
  async (url) => {
    const answer = await post(url, ymere, body);
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toMatchObject({
      code: 'RoleNotPermitted',
      rule: 'migration',
      allowed: ['gemeente'],
    });
  },
);

test('an auditor may not start a migration, nor a corporatie read one', async () => {
  const started = await post('/v1/migrations', auditor, body);
  expect(started.statusCode).toBe(403);
  expect(started.json()).toMatchObject({ code: 'RoleNotPermitted', rule: 'writes.auditor' });
  const read = await app.inject({
    url: '/v1/migrations/covenant-migration-almere-almere-2023-01',
    headers: { authorization: `Bearer ${await token(ymere)}` },
  });
  expect(read.statusCode).toBe(403);
  expect(read.json()).toMatchObject({ code: 'RoleNotPermitted', rule: 'migration' });
});

test('a missing reason, an unknown version or a version of another region: 400 naming the field', async () => {
  const { reason: _reason, ...noReason } = body;
  const missing = await post('/v1/migrations', gemeente, noReason);
  expect(missing.statusCode).toBe(400);
  expect(missing.json()).toMatchObject({ code: 'ValidationFailed', rule: 'schema' });
  expect(JSON.stringify(missing.json().issues)).toContain('body.reason');

  const unknown = await post('/v1/migrations/dry-run', gemeente, { ...body, to: 'almere@1999-01' });
  expect(unknown.statusCode).toBe(400);
  expect(unknown.json()).toMatchObject({ code: 'InvalidInput', issues: [{ field: 'body.to' }] });

  const other = await post('/v1/migrations/dry-run', gemeente, { ...body, to: 'demo' });
  expect(other.statusCode).toBe(400);
  expect(other.json()).toMatchObject({ code: 'InvalidInput', issues: [{ field: 'body.to' }] });
});

test('an unknown migration: 404 MigrationNotFound, to the gemeente and to an auditor', async () => {
  for (const [as, id] of [
    [gemeente, 'covenant-migration-almere-almere-2099-01'],
    [auditor, 'covenant-migration-nowhere-nowhere-2023-01'],
  ] as const) {
    const answer = await app.inject({
      url: `/v1/migrations/${id}`,
      headers: { authorization: `Bearer ${await token(as)}` },
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.json()).toMatchObject({ code: 'MigrationNotFound' });
  }
});
