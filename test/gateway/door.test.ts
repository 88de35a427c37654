/**
 * The door's own behaviour, fast, with `inject()` and an SDK that stands in for an engine that is down: the
 * development issuer and `tidw token`, Keycloak's claim shapes, hardening (body limit, rate limit per caller, security
 * headers, CORS closed by default), 503 with Retry-After, and configuration errors that name their variable.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TenancyClient } from '../../client';
import { actorFromClaims, buildGateway, createVerifier, loadGatewayConfig } from '../../gateway';
import { demoCovenant, presetCovenants, type Actor } from '../../machines';
import { ConfigError } from '../../platform/config';
import { devIssuerUrl, loadDevIssuerKey, mintDevToken, type DevIssuerKey } from '../../platform/dev-issuer';
import { ProcessingLog } from '../../platform/processing-log';
import { tidwWith } from '../support/cli';

const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' };

/** An engine that is down: Temporal refuses the connection, or never answers. */
const downSdk = {
  regions: ['almere', 'demo'],
  covenant: (id: string) => (id === 'demo' ? demoCovenant : presetCovenants[id]!),
  status: () =>
    Promise.reject(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })),
  list: () => new Promise(() => undefined),
} as unknown as TenancyClient;

interface Door {
  app: FastifyInstance;
  dataDir: string;
  key: DevIssuerKey;
  issuer: string;
  token: (actor: Actor) => Promise<string>;
}

async function door(env: Record<string, string> = {}): Promise<Door> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidw-door-'));
  const config = loadGatewayConfig({ TIDW_DATA_DIR: dataDir, TIDW_HTTP_ENGINE_TIMEOUT_MS: '300', ...env });
  const key = await loadDevIssuerKey(dataDir, true);
  const issuer = devIssuerUrl(config.host, config.port);
  const app = await buildGateway({
    config,
    sdk: downSdk,
    verify: createVerifier(config.auth, issuer, key.publicJwk),
    processingLog: new ProcessingLog(config.processingLogDir),
    devIssuer: { key, issuer },
  });
  return { app, dataDir, key, issuer, token: (actor) => mintDevToken(key, actor, { issuer }) };
}

let d: Door;
beforeAll(async () => {
  d = await door({ TIDW_HTTP_BODY_LIMIT: '2048' });
});
afterAll(() => d.app.close());

test('the development issuer serves discovery and its JWKS; a token from `tidw token` opens the door', async () => {
  const discovery = await d.app.inject({ url: '/.well-known/openid-configuration' });
  expect(discovery.json()).toMatchObject({ issuer: d.issuer, jwks_uri: `${d.issuer}/.well-known/jwks.json` });
  const jwks = await d.app.inject({ url: '/.well-known/jwks.json' });
  expect(jwks.json<{ keys: Array<Record<string, string>> }>().keys).toEqual([
    expect.objectContaining({ kid: d.key.kid, kty: 'EC', alg: 'ES256' }),
  ]);
  expect(JSON.stringify(jwks.json())).not.toContain('"d"'); // the private part stays in the data directory

  const tidw = tidwWith(undefined, { TIDW_DATA_DIR: d.dataDir });
  const minted = await tidw('token', '--as', 'corporatie:Ymere:wb-0003');
  expect(minted.code).toBe(0);
  const answer = await d.app.inject({
    url: '/v1/covenants',
    headers: { authorization: `Bearer ${minted.out}` },
  });
  expect(answer.statusCode).toBe(200);
  const refused = await tidw('token', '--as', 'directeur:Ymere');
  expect(refused.code).toBe(2);
  expect(refused.err).toContain('unknown role directeur');
});

test('a token that opened the door once is refused once it expires, and a forged copy never opens it', async () => {
  const lifetimeSeconds = 60;
  const token = await mintDevToken(d.key, kwintes, { issuer: d.issuer, lifetimeSeconds });
  const covenants = (bearer: string) =>
    d.app.inject({ url: '/v1/covenants', headers: { authorization: `Bearer ${bearer}` } });
  expect((await covenants(token)).statusCode).toBe(200);
  expect((await covenants(token)).statusCode).toBe(200);
  const [header, payload] = token.split('.');
  const forged = `${header}.${payload}.${Buffer.alloc(64, 7).toString('base64url')}`;
  expect((await covenants(forged)).statusCode).toBe(401);

  const { clockToleranceSeconds } = loadGatewayConfig({ TIDW_DATA_DIR: d.dataDir }).auth;
  jest.useFakeTimers({
    doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'setInterval'],
  });
  try {
    jest.setSystemTime(Date.now() + (lifetimeSeconds + clockToleranceSeconds + 1) * 1000);
    const expired = await covenants(token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({
      code: 'Unauthenticated',
      detail: 'invalid token (ERR_JWT_EXPIRED)',
    });
  } finally {
    jest.useRealTimers();
  }
});

test("Keycloak's claim shapes: realm roles, client roles, an organisation attribute, a service account", () => {
  const realm = { roles: ['realm_access.roles'], organisation: 'organisation', person: ['sub', 'azp'] };
  expect(
    actorFromClaims(
      { sub: 'f3a1c2d4', realm_access: { roles: ['offline_access', 'corporatie'] }, organisation: 'Ymere' },
      realm,
    ),
  ).toEqual({ role: 'corporatie', organisation: 'Ymere', personId: 'f3a1c2d4' });
  const client = { ...realm, roles: ['resource_access.tidw-gateway.roles'], organisation: 'org' };
  expect(
    actorFromClaims(
      {
        azp: 'kwintes-ecd',
        resource_access: { 'tidw-gateway': { roles: ['zorgaanbieder'] } },
        org: ['Kwintes'],
      },
      client,
    ),
  ).toEqual({ role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'kwintes-ecd' });
  expect(() => actorFromClaims({ sub: 'x-1', realm_access: { roles: ['admin'] } }, realm)).toThrow(
    'the token names no known role',
  );
  expect(() => actorFromClaims({ sub: 'x-1', realm_access: { roles: ['corporatie'] } }, realm)).toThrow(
    'a partner acts for an organisation',
  );
});

test('an identity provider that cannot be reached is a 503, not a 401', async () => {
  const config = loadGatewayConfig({ TIDW_OIDC_ISSUER: 'http://127.0.0.1:9/realms/gone' });
  const verify = createVerifier(config.auth, 'http://127.0.0.1:9/realms/gone');
  const token = await mintDevToken(d.key, kwintes, { issuer: 'http://127.0.0.1:9/realms/gone' });
  await expect(verify(`Bearer ${token}`)).rejects.toMatchObject({ code: 'IdentityProviderUnavailable' });
});

test('an engine that is down answers 503 with Retry-After, whether it refuses or does not answer', async () => {
  const authorization = `Bearer ${await d.token(kwintes)}`;
  const refused = await d.app.inject({ url: '/v1/trajecten/gw-0001', headers: { authorization } });
  expect(refused.statusCode).toBe(503);
  expect(refused.headers['retry-after']).toBe('5');
  expect(refused.json()).toMatchObject({ code: 'EngineUnavailable' });
  const silent = await d.app.inject({ url: '/v1/trajecten', headers: { authorization } });
  expect(silent.statusCode).toBe(503);
  expect(silent.json()).toMatchObject({
    code: 'EngineUnavailable',
    detail: expect.stringContaining('300 ms'),
  });
});

test('a body over the limit is refused with 413 before it is read', async () => {
  const answer = await d.app.inject({
    method: 'POST',
    url: '/v1/trajecten/gw-0001/events',
    headers: { authorization: `Bearer ${await d.token(kwintes)}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ type: 'URGENTIE_AANGEVRAAGD', data: { note: 'x'.repeat(4000) } }),
  });
  expect(answer.statusCode).toBe(413);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.json()).toMatchObject({ code: 'PayloadTooLarge' });
});

test('security headers, API-Version, CORS closed by default, docs and the document without a token', async () => {
  const answer = await d.app.inject({
    url: '/v1/openapi.json',
    headers: { origin: 'https://evil.example' },
  });
  expect(answer.statusCode).toBe(200);
  expect(answer.headers['api-version']).toBe('1.0.0');
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
  expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  const docs = await d.app.inject({ url: '/v1/docs/' });
  expect(docs.statusCode).toBe(200);
  expect(docs.headers['content-type']).toMatch(/^text\/html/);

  const open = await door({ TIDW_HTTP_CORS_ORIGINS: 'https://portaal.almere.nl' });
  const preflight = await open.app.inject({
    method: 'OPTIONS',
    url: '/v1/trajecten',
    headers: { origin: 'https://portaal.almere.nl', 'access-control-request-method': 'GET' },
  });
  expect(preflight.headers['access-control-allow-origin']).toBe('https://portaal.almere.nl');
  await open.app.close();
});

test('the rate limit is per caller: 429 with Retry-After for one, the next caller still served', async () => {
  const limited = await door({ TIDW_HTTP_RATE_LIMIT: '3' });
  const first = `Bearer ${await limited.token(kwintes)}`;
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++)
    statuses.push(
      (await limited.app.inject({ url: '/v1/covenants', headers: { authorization: first } })).statusCode,
    );
  expect(statuses).toEqual([200, 200, 200, 429]);
  const last = await limited.app.inject({ url: '/v1/covenants', headers: { authorization: first } });
  expect(last.json()).toMatchObject({ code: 'TooManyRequests', status: 429 });
  expect(last.headers['retry-after']).toBeDefined();
  const other = `Bearer ${await limited.token({ ...kwintes, personId: 'zb-0018' })}`;
  expect(
    (await limited.app.inject({ url: '/v1/covenants', headers: { authorization: other } })).statusCode,
  ).toBe(200);
  await limited.app.close();
});

test('configuration: the development issuer refuses a cluster unless enabled; wrong values are named', () => {
  expect(() => loadGatewayConfig({ TEMPORAL_ADDRESS: 'temporal.example.nl:7233' })).toThrow(
    /TIDW_OIDC_ISSUER: on a cluster the gateway trusts your identity provider/,
  );
  expect(
    loadGatewayConfig({ TEMPORAL_ADDRESS: 'temporal.example.nl:7233', TIDW_DEV_ISSUER: 'true' }).auth
      .devIssuer,
  ).toBe(true);
  // A worker beside the one that serves the door needs no issuer.
  expect(loadGatewayConfig({ TEMPORAL_ADDRESS: 'temporal.example.nl:7233', TIDW_HTTP_PORT: '0' }).port).toBe(
    0,
  );
  const external = loadGatewayConfig({
    TEMPORAL_ADDRESS: 'temporal.example.nl:7233',
    TIDW_OIDC_ISSUER: 'https://sso.almere.nl/realms/tidw/',
  });
  expect(external.auth).toMatchObject({ issuer: 'https://sso.almere.nl/realms/tidw', devIssuer: false });
  let error: unknown;
  try {
    loadGatewayConfig({ TIDW_HTTP_PORT: 'http', TIDW_OIDC_ISSUER: 'sso', TIDW_HTTP_CORS_ORIGINS: '*' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const variables = (error as ConfigError).problems.map((p) => p.variable);
  expect(variables).toEqual(
    expect.arrayContaining(['TIDW_HTTP_PORT', 'TIDW_OIDC_ISSUER', 'TIDW_HTTP_CORS_ORIGINS']),
  );
});
