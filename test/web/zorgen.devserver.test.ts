/**
 * The coordinator's remaining pieces in a real browser (Debian's Chromium) against the gateway as on `npm start`:
 * a neighbour's concern raised on a Saturday (the gateway's clock fixed there) goes to the care provider on call, who
 * takes it up and handles it on Zorgen van buren, after which it has left the open queue; another organisation of the
 * covenant is refused, by the page and by the API; and a session signed in through an identity provider outlives its
 * short access token through the refresh token, until the provider ends it, when the login says the session ended.
 * Every new page state passes axe and leaves a screenshot in test-artifacts/web/zorgen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startGateway, type RunningGateway } from '../../gateway';
import type { Actor } from '../../machines';
import { devIssuerUrl, loadDevIssuerKey, mintDevToken } from '../../platform/dev-issuer';
import { freePort } from '../support/processes';
import { startTestProvider, type TestProvider } from './oidc-provider';
import { closePage, freshPage, screenshot, seriousViolations, webSuite } from './support';

const suite = webSuite();
const saturday = new Date('2027-03-06T14:00:00+01:00');
const talis: Actor = { role: 'corporatie', organisation: 'Talis', personId: 'wb-0102' };
const place = 'talis-complex-301';
const text = 'Mijn bovenbuurvrouw huilt al dagen en doet niet open';

async function checked(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, `zorgen/${name}`);
}

async function logIn(base: string, party: string): Promise<Page> {
  const page = await freshPage(suite.browser);
  await page.goto(`${base}/inloggen`);
  await page.getByLabel('Ik werk als').selectOption(party);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(/\/mijn-werk/);
  return page;
}

/** The main part of the page, as a reader sees it. */
const mainText = (page: Page) => page.locator('main').innerText();

describe('a Saturday concern, answered by the care provider on call', () => {
  let saturdayGateway: RunningGateway;
  let concernId: string;
  let ggz: Page;
  let corporatie: Page;

  beforeAll(async () => {
    // The same engine and data directory, with the clock of the concern routing on a Saturday afternoon.
    saturdayGateway = (await startGateway({
      sdk: suite.sdk,
      env: { TIDW_HTTP_PORT: String(await freePort()), TIDW_DATA_DIR: suite.dataDir },
      now: () => saturday,
    }))!;
  });
  afterAll(async () => {
    await closePage(ggz);
    await closePage(corporatie);
    await saturdayGateway?.close();
  });

  test('the neighbour is told the care provider on call answers, within a day', async () => {
    const neighbour = await freshPage(suite.browser);
    try {
      await neighbour.goto(`${saturdayGateway.url}/meld-een-zorg`);
      await neighbour.getByLabel('Gemeente').selectOption('nijmegen');
      await neighbour.getByLabel('Complex- of woningnummer').fill(place);
      await neighbour.getByLabel('Waar maakt u zich zorgen over?').fill(text);
      await neighbour.getByRole('button', { name: 'Zorg melden' }).click();
      await neighbour.waitForSelector('[role="status"]');
      const told = await neighbour.getByRole('status').innerText();
      expect(told).toContain('Zorgaanbieder · GGZ Nijmegen');
      expect(told).toContain('(dienst buiten kantoortijden)');
      expect(told).toContain('7 maart 2027');
      expect(told).not.toMatch(/traject/i);
    } finally {
      await closePage(neighbour);
    }
    const lines = readFileSync(join(suite.dataDir, 'concerns', 'concerns.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const stored = JSON.parse(lines.pop()!) as { id: string; routedTo: unknown; at: string };
    expect(stored).toMatchObject({
      routedTo: { role: 'zorgaanbieder', organisation: 'GGZ Nijmegen' },
      at: saturday.toISOString(),
    });
    concernId = stored.id;
  });

  test('another organisation of the covenant sees nothing of it and is refused by the page and by the API', async () => {
    corporatie = await logIn(suite.base, 'corporatie:Talis');
    await corporatie.goto(`${suite.base}/zorgen`);
    expect(await mainText(corporatie)).toContain('Er zijn geen zorgen van buren voor uw organisatie.');
    // A form posted with the concern's id (found elsewhere), with this session's own CSRF token.
    await corporatie.evaluate(`(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/zorgen/${concernId}/antwoord';
      const fields = { _csrf: document.querySelector('input[name="_csrf"]').value, status: 'afgehandeld', outcome: 'geen-actie-nodig' };
      for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    })()`);
    await corporatie.waitForSelector('[role="alert"]');
    const alert = await corporatie.getByRole('alert').innerText();
    expect(alert).toContain('Dit mag uw rol niet');
    expect(alert).toContain('Alleen de organisatie waar deze zorg naartoe is gestuurd, handelt hem af.');
    expect(alert).toContain('Regel: concerns.routedTo');
    expect(alert).not.toMatch(/GGZ|talis-complex|bovenbuurvrouw/);
    expect(await mainText(corporatie)).not.toContain(place);
    await checked(corporatie, 'andere-organisatie-geweigerd');
    // The API answers the same, as problem+json.
    const key = await loadDevIssuerKey(suite.dataDir);
    const { config } = suite.gateway;
    const token = await mintDevToken(key, talis, { issuer: devIssuerUrl(config.host, config.port) });
    const answer = await fetch(`${suite.base}/v1/concerns/${concernId}/answer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'opgepakt' }),
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await answer.json()).toMatchObject({ code: 'RoleNotPermitted', rule: 'concerns.routedTo' });
  });

  test('the care provider on call reads it, takes it up, and handles it: it leaves the open queue', async () => {
    ggz = await logIn(suite.base, 'zorgaanbieder:GGZ Nijmegen');
    await ggz.getByRole('navigation').getByRole('link', { name: 'Zorgen van buren' }).click();
    await ggz.waitForURL(/\/zorgen$/);
    const open = ggz.locator('ul[aria-labelledby="open"] li.card', { hasText: place });
    // Still open: the refusal above changed nothing.
    expect(await open.innerText()).toContain(text);
    expect(await open.innerText()).toContain('Reageer uiterlijk 7 maart 2027');
    await checked(ggz, 'open');

    await open.getByRole('button', { name: 'Oppakken' }).click();
    await ggz.waitForSelector('[role="status"]');
    expect(await ggz.getByRole('status').innerText()).toBe('Vastgelegd: zorg opgepakt.');
    expect(await open.innerText()).toContain('Opgepakt op');
    expect(await open.getByRole('button', { name: 'Oppakken' }).count()).toBe(0);
    await checked(ggz, 'opgepakt');

    // Handling asks for an outcome from the list; without one, the page says so and nothing changes.
    await ggz.evaluate(
      "document.querySelectorAll('select[name=outcome]').forEach((s) => s.removeAttribute('required'))",
    );
    await open.getByRole('button', { name: 'Afhandelen' }).click();
    await ggz.waitForSelector('[role="alert"]');
    expect(await ggz.getByRole('alert').innerText()).toContain('Kies de uitkomst.');
    expect(await open.count()).toBe(1);

    await open.getByLabel('Uitkomst').selectOption('contact-gelegd');
    await open.getByRole('button', { name: 'Afhandelen' }).click();
    await ggz.waitForSelector('[role="status"]');
    expect(await ggz.getByRole('status').innerText()).toBe(
      'Vastgelegd: zorg afgehandeld (Contact gelegd en opgevolgd).',
    );
    expect(await open.count()).toBe(0);
    const handled = ggz.locator('ul[aria-labelledby="afgehandeld"] li.card', { hasText: place });
    expect(await handled.innerText()).toContain('Contact gelegd en opgevolgd');
    // Handled, its text is no longer shown.
    expect(await handled.innerText()).not.toContain(text);
    expect(await mainText(ggz)).toContain('Er staan geen zorgen van buren open voor uw organisatie.');
    await checked(ggz, 'afgehandeld');
    await ggz.setViewportSize({ width: 320, height: 800 });
    expect(await ggz.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
  });
});

test('an answer posted without the CSRF token of its form is refused', async () => {
  const answer = await fetch(`${suite.base}/zorgen/6f1c1f55-8a3b-4c55-9a57-2f9b1b1d3e0a/antwoord`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'status=opgepakt',
    redirect: 'manual',
  });
  expect(answer.status).toBe(403);
  expect(await answer.text()).toContain('Dit formulier is verlopen');
});

describe('a session through the identity provider', () => {
  let provider: TestProvider;
  let gateway: RunningGateway;
  let page: Page;

  beforeAll(async () => {
    // Access tokens of four seconds, so that the test sees them expire; the provider gives refresh tokens.
    provider = await startTestProvider({
      clientId: 'tidw-web',
      audience: 'tidw-gateway',
      person: { role: 'zorgaanbieder', organisation: 'GGZ Nijmegen', personId: 'zb-0101' },
      refreshTokens: true,
      accessSeconds: 4,
    });
    gateway = (await startGateway({
      sdk: suite.sdk,
      env: {
        TIDW_HTTP_PORT: String(await freePort()),
        TIDW_DATA_DIR: suite.dataDir,
        TIDW_OIDC_ISSUER: provider.issuer,
        TIDW_OIDC_CLIENT_ID: 'tidw-web',
        TIDW_OIDC_CLOCK_TOLERANCE_S: '0',
      },
    }))!;
    page = await freshPage(suite.browser);
  });
  afterAll(async () => {
    await closePage(page);
    await gateway?.close();
    await provider?.close();
  });

  const cookie = async (name: string) => (await page.context().cookies()).find((c) => c.name === name)?.value;

  /** Waits (no assertion on time) until the session's access token has expired. */
  async function untilExpired(token: string): Promise<void> {
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    while (Date.now() <= exp * 1000 + 250) await page.waitForTimeout(250);
  }

  test('is renewed with the refresh token when its access token expires, and the coordinator works on', async () => {
    await page.goto(`${gateway.url}/inloggen`);
    await page.getByRole('link', { name: 'Inloggen via uw organisatie' }).click();
    await page.waitForURL(/\/mijn-werk/);
    // A page that does not poll, so that only the reload below finds the token expired.
    await page.goto(`${gateway.url}/zorgen`);
    const token = (await cookie('tidw_sessie'))!;
    const sealed = (await cookie('tidw_vernieuwing'))!;
    expect(sealed).toBeDefined();
    // The browser holds the refresh token only sealed: not in a form the provider would take.
    expect(decodeURIComponent(sealed)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await untilExpired(token);
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/zorgen');
    expect(await page.locator('h1').innerText()).toBe('Zorgen van buren');
    expect(await page.getByText('Ingelogd als zorgaanbieder · GGZ Nijmegen').isVisible()).toBe(true);
    expect(await cookie('tidw_sessie')).not.toBe(token);
    expect(await cookie('tidw_vernieuwing')).not.toBe(sealed); // the provider rotated it
    expect(provider.refreshes.length).toBeGreaterThan(0);
    expect(provider.refreshes.every(Boolean)).toBe(true);
    await checked(page, 'sessie-vernieuwd');
  });

  test('ends with "sessie verlopen" once the provider no longer renews it', async () => {
    provider.revokeRefreshTokens();
    await untilExpired((await cookie('tidw_sessie'))!);
    await page.goto(`${gateway.url}/zorgen`);
    expect(new URL(page.url()).pathname).toBe('/inloggen');
    expect(await page.getByRole('status').innerText()).toBe('Uw sessie is verlopen. Log opnieuw in.');
    expect(provider.refreshes.at(-1)).toBe(false);
    const names = (await page.context().cookies()).map((c) => c.name);
    expect(names).not.toContain('tidw_sessie');
    expect(names).not.toContain('tidw_vernieuwing');
    await checked(page, 'sessie-niet-vernieuwd');
  });
});
