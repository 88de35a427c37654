/**
 * Behind a TLS-terminating proxy (TIDW_HTTP_TRUST_PROXY): the session cookie is Secure and the OIDC redirect URI is
 * the public https address, when the request came through a proxy the gateway trusts; a proxy header from anyone
 * else changes nothing. With inject() (its requests come from 127.0.0.1) and an SDK that only knows its covenants:
 * the login pages never reach the engine.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TenancyClient } from '../../client';
import { buildGateway, createVerifier, loadGatewayConfig } from '../../gateway';
import { presetCovenants } from '../../machines';
import { ConfigError } from '../../platform/config';
import { devIssuerUrl, loadDevIssuerKey } from '../../platform/dev-issuer';
import { ProcessingLog } from '../../platform/processing-log';
import { startTestProvider } from './oidc-provider';

const covenantsOnly = {
  regions: ['almere'],
  covenant: () => presetCovenants.almere!,
} as unknown as TenancyClient;

const behindProxy = {
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'portaal.example.nl',
  'x-forwarded-for': '203.0.113.7',
};

async function gateway(env: Record<string, string>): Promise<FastifyInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidw-proxy-'));
  const config = loadGatewayConfig({ TIDW_DATA_DIR: dataDir, ...env });
  const key = config.auth.devIssuer ? await loadDevIssuerKey(dataDir, true) : undefined;
  const issuer = config.auth.issuer ?? devIssuerUrl(config.host, config.port);
  return buildGateway({
    config,
    sdk: covenantsOnly,
    verify: createVerifier(config.auth, issuer, key?.publicJwk),
    processingLog: new ProcessingLog(config.processingLogDir),
    ...(key ? { devIssuer: { key, issuer } } : {}),
  });
}

const setCookies = (header: string | string[] | undefined): string[] => [header ?? []].flat();

/** Signs in with the development login as a browser would: the form's CSRF token, then the post. */
async function devLogin(app: FastifyInstance, headers: Record<string, string>): Promise<string> {
  const form = await app.inject({ url: '/inloggen', headers });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const cookie = setCookies(form.headers['set-cookie'])
    .map((c) => c.split(';')[0])
    .join('; ');
  const answer = await app.inject({
    method: 'POST',
    url: '/inloggen',
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, party: 'zorgaanbieder:Kwintes' }).toString(),
  });
  expect(answer.statusCode).toBe(303);
  return setCookies(answer.headers['set-cookie']).find((c) => c.startsWith('tidw_sessie='))!;
}

test('unset, no proxy is believed: a forwarded https does not make the session cookie Secure', async () => {
  const app = await gateway({});
  try {
    expect(await devLogin(app, behindProxy)).not.toMatch(/;\s*Secure/i);
  } finally {
    await app.close();
  }
});

test('a trusted proxy that ended TLS: the session cookie is Secure', async () => {
  const app = await gateway({ TIDW_HTTP_TRUST_PROXY: '127.0.0.1' });
  try {
    const session = await devLogin(app, behindProxy);
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    // The same gateway, reached without the proxy: plain http, no Secure.
    expect(await devLogin(app, {})).not.toMatch(/;\s*Secure/i);
  } finally {
    await app.close();
  }
});

test('a proxy at another address is not believed', async () => {
  const app = await gateway({ TIDW_HTTP_TRUST_PROXY: '10.0.0.0/8' });
  try {
    expect(await devLogin(app, behindProxy)).not.toMatch(/;\s*Secure/i);
  } finally {
    await app.close();
  }
});

test('the OIDC redirect URI is the public https address the proxy forwarded', async () => {
  const provider = await startTestProvider({
    clientId: 'tidw-web',
    audience: 'tidw-gateway',
    person: { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' },
  });
  const trusted = await gateway({
    TIDW_OIDC_ISSUER: provider.issuer,
    TIDW_OIDC_CLIENT_ID: 'tidw-web',
    TIDW_HTTP_TRUST_PROXY: '1',
  });
  const untrusted = await gateway({ TIDW_OIDC_ISSUER: provider.issuer, TIDW_OIDC_CLIENT_ID: 'tidw-web' });
  try {
    const begin = async (app: FastifyInstance) => {
      const answer = await app.inject({ url: '/inloggen/organisatie', headers: behindProxy });
      expect(answer.statusCode).toBe(303);
      const location = new URL(answer.headers.location as string);
      const flow = setCookies(answer.headers['set-cookie']).find((c) => c.startsWith('tidw_oidc='))!;
      return { redirectUri: location.searchParams.get('redirect_uri'), flow };
    };
    const behind = await begin(trusted);
    expect(behind.redirectUri).toBe('https://portaal.example.nl/inloggen/terug');
    expect(behind.flow).toMatch(/;\s*Secure/i);
    const direct = await begin(untrusted);
    expect(direct.redirectUri).toBe('http://localhost:80/inloggen/terug');
    expect(direct.flow).not.toMatch(/;\s*Secure/i);
  } finally {
    await trusted.close();
    await untrusted.close();
    await provider.close();
  }
});

test('a value that is no address, range, hop count or flag is named by its variable', () => {
  expect(loadGatewayConfig({ TIDW_HTTP_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  expect(loadGatewayConfig({ TIDW_HTTP_TRUST_PROXY: '2' }).trustProxy).toBe(2);
  expect(loadGatewayConfig({ TIDW_HTTP_TRUST_PROXY: '10.0.0.0/8, ::1' }).trustProxy).toEqual([
    '10.0.0.0/8',
    '::1',
  ]);
  expect(loadGatewayConfig({}).trustProxy).toBe(false);
  for (const wrong of ['proxy.example.nl', '10.0.0.0/33', '10.0.0.1/8/8']) {
    let error: unknown;
    try {
      loadGatewayConfig({ TIDW_HTTP_TRUST_PROXY: wrong });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      { variable: 'TIDW_HTTP_TRUST_PROXY', message: expect.stringContaining(`not an address: ${wrong}`) },
    ]);
  }
});
