/**
 * Renewing a session with its refresh token, at the door, fast: the gateway with inject() (an SDK that knows only its
 * covenants and key ring: Zorgen van buren reads the concern store, never the engine) and the small OIDC provider on
 * real HTTP. The refresh token is kept only sealed and only when the provider gave one and a key ring seals it; the
 * requests that find the session expired together share one refresh; a cookie that does not open renews nothing;
 * logging out clears the cookies and, where the provider offers it, ends the session at the provider too (RP-initiated
 * logout). The browser test (zorgen.devserver.test.ts) shows the same in Chromium.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TenancyClient } from '../../client';
import { buildGateway, createVerifier, loadGatewayConfig } from '../../gateway';
import { presetCovenants } from '../../machines';
import { ProcessingLog } from '../../platform/processing-log';
import { freshEncryption } from '../support/keys';
import { startTestProvider, type TestProvider } from './oidc-provider';

const person = { role: 'zorgaanbieder' as const, organisation: 'Kwintes', personId: 'zb-0017' };

async function gateway(provider: TestProvider, withKeyRing = true): Promise<FastifyInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidw-refresh-'));
  const config = loadGatewayConfig({
    TIDW_DATA_DIR: dataDir,
    TIDW_OIDC_ISSUER: provider.issuer,
    TIDW_OIDC_CLIENT_ID: 'tidw-web',
  });
  const sdk = {
    regions: ['almere'],
    covenant: () => presetCovenants.almere!,
    ...(withKeyRing ? { encryption: freshEncryption() } : {}),
  } as unknown as TenancyClient;
  return buildGateway({
    config,
    sdk,
    verify: createVerifier(config.auth, provider.issuer),
    processingLog: new ProcessingLog(config.processingLogDir),
  });
}

/** A browser's cookies for one site: set by answers, cleared by Max-Age=0. */
class Jar {
  readonly values = new Map<string, string>();
  take(header: string | string[] | undefined): void {
    for (const line of [header ?? []].flat()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const [name = '', ...value] = pair.split('=');
      const cleared = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      if (cleared) this.values.delete(name);
      else this.values.set(name, value.join('='));
    }
  }
  get header(): string {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Signs in through the provider as a browser does: to the provider, straight back with the code. */
async function signIn(app: FastifyInstance): Promise<Jar> {
  const jar = new Jar();
  const begin = await app.inject({ url: '/inloggen/organisatie' });
  jar.take(begin.headers['set-cookie']);
  const atProvider = await fetch(begin.headers.location as string, { redirect: 'manual' });
  const back = new URL(atProvider.headers.get('location')!);
  const done = await app.inject({ url: `${back.pathname}${back.search}`, headers: { cookie: jar.header } });
  expect(done.headers.location).toBe('/mijn-werk');
  jar.take(done.headers['set-cookie']);
  return jar;
}

/** Logs out through the page's form, as the Uitloggen button does; returns the answer. */
async function logOut(app: FastifyInstance, jar: Jar) {
  const form = await app.inject({ url: '/zorgen', headers: { cookie: jar.header } });
  jar.take(form.headers['set-cookie']);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const out = await app.inject({
    method: 'POST',
    url: '/uitloggen',
    headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf }).toString(),
  });
  jar.take(out.headers['set-cookie']);
  return out;
}

let provider: TestProvider;
beforeAll(async () => {
  provider = await startTestProvider({
    clientId: 'tidw-web',
    audience: 'tidw-gateway',
    person,
    refreshTokens: true,
  });
});
afterAll(() => provider.close());

test('the refresh token is kept sealed; pages that find the session expired together renew it once', async () => {
  const app = await gateway(provider);
  try {
    const jar = await signIn(app);
    const sealed = jar.values.get('tidw_vernieuwing')!;
    expect(sealed).toBeDefined();
    expect(decodeURIComponent(sealed)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/); // no raw token
    // The access token no longer holds (here: it is not one at all); three requests at once, as a page and its polls.
    jar.values.set('tidw_sessie', 'verlopen');
    const before = provider.refreshes.length;
    const answers = await Promise.all(
      [1, 2, 3].map(() => app.inject({ url: '/zorgen', headers: { cookie: jar.header } })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(answers[0]!.body).toContain('Ingelogd als zorgaanbieder · Kwintes');
    expect(provider.refreshes.slice(before)).toEqual([true]);
    jar.take(answers[0]!.headers['set-cookie']);
    expect(jar.values.get('tidw_sessie')).toMatch(/^ey/);
    expect(jar.values.get('tidw_vernieuwing')).not.toBe(sealed);
    // Logging out clears them all.
    const out = await logOut(app, jar);
    expect([...jar.values.keys()]).not.toContain('tidw_sessie');
    expect([...jar.values.keys()]).not.toContain('tidw_vernieuwing');
    expect([...jar.values.keys()]).not.toContain('tidw_id');
    // This provider has no end-session endpoint: the session ends at the gateway only.
    expect(out.headers.location).toBe('/inloggen?uitgelogd');
  } finally {
    await app.close();
  }
});

test('logging out ends the session at a provider that offers RP-initiated logout, and says so on return', async () => {
  const withLogout = await startTestProvider({
    clientId: 'tidw-web',
    audience: 'tidw-gateway',
    person,
    refreshTokens: true,
    endSession: true,
  });
  const app = await gateway(withLogout);
  try {
    const jar = await signIn(app);
    const idToken = withLogout.idTokens.at(-1)!;
    expect(jar.values.get('tidw_id')).toBe(idToken);
    const out = await logOut(app, jar);
    expect([...jar.values.keys()].filter((name) => name.startsWith('tidw_'))).toEqual([]);
    // To the provider's end-session endpoint, naming the session by its ID token and the way back.
    const atProvider = new URL(out.headers.location as string);
    expect(`${atProvider.origin}${atProvider.pathname}`).toBe(`${withLogout.issuer}/logout`);
    expect(atProvider.searchParams.get('id_token_hint')).toBe(idToken);
    const back = await fetch(atProvider, { redirect: 'manual' });
    expect(withLogout.logouts).toEqual([
      { idTokenHint: idToken, postLogoutRedirectUri: 'http://localhost:80/uitgelogd' },
    ]);
    const returned = new URL(back.headers.get('location')!);
    const landing = await app.inject({ url: returned.pathname });
    expect(landing.headers.location).toBe('/inloggen?uitgelogd');
    const login = await app.inject({ url: '/inloggen?uitgelogd' });
    expect(login.body).toContain('U bent uitgelogd.');
    // A page asked with the cookies the browser has left asks for a login.
    const after = await app.inject({ url: '/zorgen', headers: { cookie: jar.header } });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/inloggen/);
  } finally {
    await app.close();
    await withLogout.close();
  }
});

test('a refresh cookie that does not open (altered, or sealed by another key ring) renews nothing: sessie verlopen', async () => {
  const app = await gateway(provider);
  const other = await gateway(provider);
  try {
    const jar = await signIn(app);
    const foreign = (await signIn(other)).values.get('tidw_vernieuwing')!;
    const before = provider.refreshes.length;
    for (const cookie of [foreign, `${jar.values.get('tidw_vernieuwing')!.slice(0, -4)}AAAA`]) {
      const answer = await app.inject({
        url: '/zorgen',
        headers: { cookie: `tidw_sessie=verlopen; tidw_vernieuwing=${cookie}` },
      });
      expect(answer.statusCode).toBe(303);
      expect(answer.headers.location).toBe('/inloggen?verlopen');
      const cleared = new Jar();
      cleared.values.set('tidw_sessie', 'x').set('tidw_vernieuwing', 'x');
      cleared.take(answer.headers['set-cookie']);
      expect([...cleared.values.keys()]).toEqual([]);
    }
    expect(provider.refreshes.length).toBe(before); // the provider was never asked
  } finally {
    await app.close();
    await other.close();
  }
});

test('without a key ring to seal it, no refresh token is kept: the session lasts as long as its token', async () => {
  const app = await gateway(provider, false);
  try {
    const jar = await signIn(app);
    expect(jar.values.get('tidw_sessie')).toMatch(/^ey/);
    expect(jar.values.has('tidw_vernieuwing')).toBe(false);
  } finally {
    await app.close();
  }
});
