/**
 * The web app in a real browser (Debian's Chromium) against the gateway as on `npm start`, a dev server and the
 * worker: a coordinator logs in with the Ontwikkel-login, finds a traject in Mijn werk, takes one step of the Almere
 * path through a generated form, is refused with the rule, registers a client and logs out; a form without its CSRF
 * token is refused; a neighbour raises a concern and is told who answers; a party opens the covenant's evaluation
 * (Rapportage), downloads it and prints the HTML report, and `tidw report` reads the same read model the workflows
 * keep. Every page passes axe (no serious or critical violation) and leaves a screenshot.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { EvaluationReportSchema, liveReport, simulate } from '../../client/evaluation';
import { startGateway } from '../../gateway';
import { routeConcern } from '../../gateway/web/concerns';
import { halfYearsUpTo } from '../../gateway/web/pages/rapportage';
import type { Actor } from '../../machines';
import { openSqliteStore, READ_MODEL_FILE } from '../../platform/read-model';
import { tidwWith } from '../support/cli';
import { freePort } from '../support/processes';
import { startTestProvider } from './oidc-provider';
import { closePage, freshPage, screenshot, screenshotDir, seriousViolations, webSuite } from './support';

const suite = webSuite();

const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' };
const ymere: Actor = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-0003' };
const gemeente: Actor = { role: 'gemeente', organisation: 'Gemeente Almere', personId: 'gm-0001' };
const clientOf = (ref: string): Actor => ({ role: 'client', personId: ref });

let page: Page;

async function checked(name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
}

async function logIn(party: string): Promise<void> {
  await page.goto(`${suite.base}/inloggen`);
  await page.getByLabel('Ik werk als').selectOption(party);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(/\/mijn-werk/);
}

beforeAll(async () => {
  const sdk = suite.sdk;
  // web-demo runs the demo covenant: its kennismakingsgesprek, not held within 10 seconds, escalates meanwhile.
  const demo = 'web-demo';
  await sdk.start({ clientRef: demo, region: 'demo', origin: 'MO', registeredBy: kwintes });
  await sdk.send(demo, { type: 'INSTEMMING_GEGEVEN' }, clientOf(demo));
  await sdk.send(demo, { type: 'URGENTIE_AANGEVRAAGD' }, kwintes);
  await sdk.send(demo, { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {} } }, gemeente);
  await sdk.send(demo, { type: 'WONING_AANGEBODEN', data: { homeRef: 'woning-0043' } }, ymere);
  await sdk.send(demo, { type: 'AANBOD_GEACCEPTEERD' }, clientOf(demo));
  await sdk.send(demo, { type: 'CONTRACTVORM_GEADVISEERD', data: { form: 'omklapcontract' } }, kwintes);
  await sdk.send(demo, { type: 'CONTRACT_GETEKEND', data: { form: 'omklapcontract' } }, ymere);
  // web-0001 waits for the care provider's urgency request; web-0002 has a signed omklapcontract (the quick start).
  for (const ref of ['web-0001', 'web-0002']) {
    await sdk.start({ clientRef: ref, region: 'almere', origin: 'BW', registeredBy: kwintes });
    await sdk.send(ref, { type: 'INSTEMMING_GEGEVEN' }, clientOf(ref));
  }
  const ref = 'web-0002';
  await sdk.send(ref, { type: 'URGENTIE_AANGEVRAAGD' }, kwintes);
  await sdk.send(
    ref,
    { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: { districts: ['Haven'] } } },
    gemeente,
  );
  await sdk.send(ref, { type: 'WONING_AANGEBODEN', data: { homeRef: 'woning-0042' } }, ymere);
  await sdk.send(ref, { type: 'AANBOD_GEACCEPTEERD' }, clientOf(ref));
  await sdk.send(ref, { type: 'CONTRACTVORM_GEADVISEERD', data: { form: 'omklapcontract' } }, kwintes);
  await sdk.send(ref, { type: 'CONTRACT_GETEKEND', data: { form: 'omklapcontract' } }, ymere);
  page = await freshPage(suite.browser);
}, 240_000);

afterAll(async () => {
  await closePage(page);
});

describe('a coordinator', () => {
  test('logs in with the Ontwikkel-login into a session cookie (HttpOnly, SameSite=Lax)', async () => {
    await page.goto(`${suite.base}/inloggen`);
    expect(await page.getByText('Ontwikkel-login.').isVisible()).toBe(true);
    await checked('inloggen');
    await logIn('zorgaanbieder:Kwintes');
    const session = (await page.context().cookies()).find((c) => c.name === 'tidw_sessie');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    expect(await page.getByText('Ingelogd als zorgaanbieder · Kwintes').isVisible()).toBe(true);
  });

  test('sees the trajecten of its organisation in Mijn werk, with counts, filters and search', async () => {
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    // The counts on top are exact: all, escalated as the list marks them (web-demo once its kennismakingsgesprek is
    // late), and one per phase that has any, in the traject's order.
    const escalatedRows = await page.locator('tbody td strong.warn').count();
    expect(await page.locator('.counts li').allInnerTexts()).toEqual([
      '3 trajecten',
      `${escalatedRows} geëscaleerd`,
      '1 Urgentie',
      '2 Tijdelijk contract',
    ]);
    await checked('mijn-werk');
    await page.getByLabel('Fase').selectOption('tijdelijkContract');
    await page.getByRole('button', { name: 'Toon' }).click();
    await page.waitForURL(/fase=tijdelijkContract/);
    expect(await page.locator('tbody th').allInnerTexts()).toEqual(['web-0002', 'web-demo']);
    await page.goto(`${suite.base}/mijn-werk?zoek=web-0001`);
    expect(await page.locator('tbody th').allInnerTexts()).toEqual(['web-0001']);
    // At 320 px the page reflows: nothing wider than the screen but the table, which scrolls in its own region.
    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    await screenshot(page, 'mijn-werk-320');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('opens a traject and takes its next step through the generated form', async () => {
    await page.getByRole('link', { name: 'web-0001' }).click();
    await page.waitForURL(/\/trajecten\/web-0001$/);
    expect(await page.locator('h1').innerText()).toBe('Traject web-0001');
    const actions = page.locator('#acties + *, section[aria-labelledby="acties"] h3');
    expect(await actions.allInnerTexts()).toContain('Urgentie aanvragen');
    await checked('traject');
    const form = page.locator('form.action', {
      has: page.getByRole('heading', { name: 'Urgentie aanvragen' }),
    });
    await form.getByLabel('Toelichting (optioneel)').fill('Wachtlijst BW, klaar voor zelfstandig wonen');
    await form.getByRole('button', { name: 'Urgentie aanvragen' }).click();
    await page.waitForSelector('[role="status"]');
    expect(await page.getByRole('status').innerText()).toContain('Vastgelegd: Urgentie aanvragen');
    const log = await suite.sdk.events('web-0001');
    expect(log.map((e) => [e.type, e.actor?.organisation])).toContainEqual([
      'URGENTIE_AANGEVRAAGD',
      'Kwintes',
    ]);
    // What the care provider may do no longer includes asking again.
    expect(await page.locator('section[aria-labelledby="acties"] h3').allInnerTexts()).not.toContain(
      'Urgentie aanvragen',
    );
  });

  test('registers a new client (Aanmelden)', async () => {
    await page.goto(`${suite.base}/aanmelden`);
    await checked('aanmelden');
    await page.getByLabel('Cliëntreferentie').fill('web-0003');
    await page.getByLabel('Maatschappelijke opvang (MO)').check();
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForURL(/\/trajecten\/web-0003$/);
    expect((await suite.sdk.status('web-0003')).origin).toBe('MO');
  });

  test('sees the escalated trajecten, what escalated and who must act (Escalaties)', async () => {
    // The demo covenant's kennismakingsgesprek escalates 10 seconds after the contract; the list follows shortly.
    for (let tries = 0; tries < 30; tries += 1) {
      await page.goto(`${suite.base}/escalaties`);
      if ((await page.locator('main').innerText()).includes('web-demo')) break;
      await page.waitForTimeout(1000);
    }
    const main = await page.locator('main').innerText();
    expect(main).toContain('web-demo');
    expect(main).toContain('kennismakingsgesprek');
    expect(main).not.toContain('web-0001');
    await checked('escalaties');
  });

  test('sees the meetings due soonest first, the late ones marked (Agenda)', async () => {
    await page.goto(`${suite.base}/agenda`);
    const rows = await page.locator('tbody th').allInnerTexts();
    // web-demo's kennismakingsgesprek was due seconds after its contract; web-0002's within four weeks.
    expect(rows).toEqual(['web-demo', 'web-0002']);
    expect(await page.locator('tbody tr').first().innerText()).toContain('te laat');
    await checked('agenda');
  });

  test('logs out, and the pages then ask for a login', async () => {
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await page.waitForURL(/\/inloggen\?uitgelogd$/);
    expect(await page.getByRole('status').innerText()).toBe('U bent uitgelogd.');
    expect((await page.context().cookies()).find((c) => c.name === 'tidw_sessie')).toBeUndefined();
    await page.goto(`${suite.base}/mijn-werk`);
    expect(new URL(page.url()).pathname).toBe('/inloggen');
  });

  test('a corporation that agrees to omklappen before the minimum term sees the rule that refused', async () => {
    await logIn('corporatie:Ymere');
    await page.goto(`${suite.base}/trajecten/web-0002`);
    const form = page.locator('form.action', {
      has: page.getByRole('heading', { name: 'Akkoord met omklappen' }),
    });
    await form.getByRole('button').click();
    await page.waitForSelector('[role="alert"]');
    const alert = await page.getByRole('alert').innerText();
    expect(alert).toContain('Dit kan nu niet');
    expect(alert).toContain('De minimale looptijd van het tijdelijke contract is nog niet om.');
    expect(alert).toContain('Regel: terms.minimumTerm.omklapcontract');
    await checked('weigering');
    expect((await suite.sdk.status('web-0002')).phase).toBe('tijdelijkContract');
  });
});

test('the pages are no part of the API document', async () => {
  const document = (await (await fetch(`${suite.base}/v1/openapi.json`)).json()) as { paths: object };
  expect(Object.keys(document.paths).filter((path) => !path.startsWith('/v1/'))).toEqual([]);
});

test('without JavaScript the pages work the same: log in, open a traject, be refused with the rule', async () => {
  const plain = await freshPage(suite.browser, { width: 1280, height: 900 }, false);
  try {
    await plain.goto(`${suite.base}/inloggen`);
    await plain.getByLabel('Ik werk als').selectOption('corporatie:Ymere');
    await plain.getByRole('button', { name: 'Inloggen' }).click();
    await plain.waitForURL(/\/mijn-werk/);
    await plain.goto(`${suite.base}/trajecten/web-0002`);
    const form = plain.locator('form.action', {
      has: plain.getByRole('heading', { name: 'Akkoord met omklappen' }),
    });
    await form.getByRole('button').click();
    await plain.waitForURL(/\/trajecten\/web-0002$/);
    expect(await plain.getByRole('alert').innerText()).toContain('Regel: terms.minimumTerm.omklapcontract');
  } finally {
    await closePage(plain);
  }
});

test('logging in needs only the keyboard', async () => {
  const keys = await freshPage(suite.browser);
  try {
    await keys.goto(`${suite.base}/inloggen`);
    // The skip link comes first, then the navigation, then the form.
    await keys.keyboard.press('Tab');
    expect(await keys.evaluate('document.activeElement.textContent')).toBe('Naar de inhoud');
    for (let i = 0; i < 10 && (await keys.evaluate('document.activeElement.id')) !== 'party'; i += 1)
      await keys.keyboard.press('Tab');
    expect(await keys.evaluate('document.activeElement.id')).toBe('party');
    await keys.keyboard.type('Zorgaanbieder');
    await keys.keyboard.press('Tab');
    await keys.keyboard.type('mw-0042');
    await keys.keyboard.press('Enter');
    await keys.waitForURL(/\/mijn-werk/);
    expect(await keys.getByText('Ingelogd als zorgaanbieder').isVisible()).toBe(true);
  } finally {
    await closePage(keys);
  }
});

test('with an identity provider, a coordinator signs in there (authorization code with PKCE)', async () => {
  const provider = await startTestProvider({
    clientId: 'tidw-web',
    audience: 'tidw-gateway',
    person: kwintes,
  });
  const gateway = (await startGateway({
    sdk: suite.sdk,
    env: {
      TIDW_HTTP_PORT: String(await freePort()),
      TIDW_DATA_DIR: suite.dataDir,
      TIDW_OIDC_ISSUER: provider.issuer,
      TIDW_OIDC_CLIENT_ID: 'tidw-web',
    },
  }))!;
  const browser = await freshPage(suite.browser);
  try {
    await browser.goto(`${gateway.url}/inloggen`);
    expect(await browser.getByText('Ontwikkel-login').count()).toBe(0);
    await browser.getByRole('link', { name: 'Inloggen via uw organisatie' }).click();
    await browser.waitForURL(/\/mijn-werk/, { timeout: 10_000 }).catch(() => {
      throw new Error(`stuck at ${browser.url()}`);
    });
    expect(await browser.getByText('Ingelogd als zorgaanbieder · Kwintes').isVisible()).toBe(true);
    expect(provider.pkce).toEqual([true]);
    expect(await browser.locator('tbody th').allInnerTexts()).toContain('web-0001');
    // A return from the provider that this browser did not start (no flow cookie) signs nobody in.
    const forged = await fetch(`${gateway.url}/inloggen/terug?code=stolen&state=guessed`, {
      redirect: 'manual',
    });
    expect(forged.headers.get('location')).toBe('/inloggen?fout');
    expect(forged.headers.get('set-cookie') ?? '').not.toContain('tidw_sessie=ey');
  } finally {
    await closePage(browser);
    await gateway.close();
    await provider.close();
  }
});

describe('CSRF', () => {
  test.each([
    ['/inloggen', 'party=zorgaanbieder%3AKwintes'],
    ['/uitloggen', ''],
    ['/trajecten/web-0001/acties/URGENTIE_AANGEVRAAGD', ''],
    ['/meld-een-zorg', 'region=nijmegen&place=complex-12&text=Ik+maak+me+zorgen'],
  ])('a POST to %s without the token is refused', async (path, body) => {
    const answer = await fetch(`${suite.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('Dit formulier is verlopen');
  });
});

describe('a neighbour raising a concern (Nijmegen)', () => {
  const nijmegen = () => suite.sdk.covenant('nijmegen');

  test('on a Saturday it goes to the care provider on call, within a day', () => {
    const routing = routeConcern(nijmegen(), new Date('2027-03-06T14:00:00+01:00'));
    expect(routing).toEqual({
      role: 'zorgaanbieder',
      organisation: 'GGZ Nijmegen',
      duringOfficeHours: false,
      respondBy: '2027-03-07T13:00:00.000Z',
    });
  });

  test('on a Tuesday morning it goes to the corporation, within its working days', () => {
    const routing = routeConcern(nijmegen(), new Date('2027-03-09T10:00:00+01:00'));
    expect(routing).toMatchObject({ role: 'corporatie', organisation: 'Talis', duringOfficeHours: true });
    expect(routing.respondBy).toBe('2027-03-11T09:00:00.000Z');
  });

  test('the page tells who answers and by when, reveals nothing of a traject, and stores the text sealed', async () => {
    const fresh = await freshPage(suite.browser);
    try {
      await fresh.goto(`${suite.base}/meld-een-zorg`);
      expect(await seriousViolations(fresh)).toEqual([]);
      await screenshot(fresh, 'meld-een-zorg');
      await fresh.getByLabel('Gemeente').selectOption('nijmegen');
      await fresh.getByLabel('Complex- of woningnummer').fill('talis-complex-118');
      const text = 'Mijn buurvrouw op nummer 3 doet al dagen niet open';
      await fresh.getByLabel('Waar maakt u zich zorgen over?').fill(text);
      const expected = routeConcern(nijmegen(), new Date());
      await fresh.getByRole('button', { name: 'Zorg melden' }).click();
      await fresh.waitForSelector('[role="status"]');
      const told = await fresh.getByRole('status').innerText();
      expect(told).toContain(expected.organisation!);
      expect(told).toContain('reageert uiterlijk');
      expect(told).not.toMatch(/web-\d+|traject/i);
      expect(await seriousViolations(fresh)).toEqual([]);
      await screenshot(fresh, 'meld-een-zorg-bedankt');
      const stored = readFileSync(join(suite.dataDir, 'concerns', 'concerns.jsonl'), 'utf8');
      expect(stored).not.toContain('buurvrouw');
      expect(stored).not.toContain('talis-complex-118');
      expect(JSON.parse(stored.trim().split('\n').pop()!)).toMatchObject({
        region: 'nijmegen',
        routedTo: { role: expected.role },
      });
    } finally {
      await closePage(fresh);
    }
  });
});

describe('Rapportage (issue 18): the half-yearly evaluation in one click, and in one command', () => {
  // The data directory is the suite's, known once it runs: as `npx tidw report` on the machine of `npm start`.
  const tidw = (...argv: string[]) => tidwWith(undefined, { TIDW_DATA_DIR: suite.dataDir })(...argv);
  // A simulated year of Almere (July 2025 to July 2026) in the read model beside the live trajecten above, so that the
  // last complete half year has figures to show; the live ones started this half year.
  const simulated = simulate({
    covenant: 'almere',
    clients: 120,
    years: 1,
    offersPerMonth: 4,
    seed: 1,
    start: '2025-07-01',
  }).facts.map((f, i) => ({ ...f, trajectRef: `sim-${String(i).padStart(4, '0')}` }));
  const [current, lastComplete] = halfYearsUpTo(new Date());
  let reports: Page;

  beforeAll(async () => {
    const store = openSqliteStore(join(suite.dataDir, READ_MODEL_FILE));
    store.putMany(simulated.map((facts) => ({ workflowId: `traject-${facts.trajectRef}`, seq: 1, facts })));
    store.close();
    reports = await freshPage(suite.browser);
    await reports.goto(`${suite.base}/inloggen`);
    await reports.getByLabel('Ik werk als').selectOption('gemeente:Gemeente Almere');
    await reports.getByRole('button', { name: 'Inloggen' }).click();
    await reports.waitForURL(/\/mijn-werk/);
  });
  afterAll(() => closePage(reports));

  test('a party opens Rapportage: the last complete half year, its figures and its charts, accessible', async () => {
    await reports.getByRole('navigation').getByRole('link', { name: 'Rapportage' }).click();
    await reports.waitForURL(/\/rapportage$/);
    expect(await reports.getByLabel('Convenant').inputValue()).toBe('almere');
    expect(await reports.getByLabel('Periode').inputValue()).toBe(lastComplete!.label);
    const expected = liveReport(simulated, {
      region: 'almere',
      period: lastComplete!.label,
      asOf: new Date().toISOString(),
    }).scenarios[0]!.whole;
    // Each chart: an image with an accessible name (its title), drawn with bars, with its numbers in a table beside it.
    const charts = reports.locator('.report svg[role="img"]');
    expect(await charts.count()).toBeGreaterThanOrEqual(6);
    const moved = reports.getByRole('img', { name: /^Uitgestroomd per halfjaar/ });
    expect((await moved.boundingBox())!.height).toBeGreaterThan(100);
    expect(await moved.locator('rect').count()).toBe(1);
    expect(expected.flow.movedIn).toBeGreaterThan(0);
    expect(await reports.locator('#uitstroom table td').innerText()).toBe(String(expected.flow.movedIn));
    expect(await reports.locator('.report h2').first().innerText()).toContain('1e halfjaar 2026');
    expect(await seriousViolations(reports)).toEqual([]);
    await screenshot(reports, 'rapportage');
    await reports.setViewportSize({ width: 320, height: 800 });
    expect(await reports.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    await reports.setViewportSize({ width: 1280, height: 900 });
  });

  test('the report downloads as HTML, JSON and CSV, and the HTML report renders its charts and prints', async () => {
    const file = (format: string) =>
      `${suite.base}/rapportage/bestand?regio=almere&periode=${lastComplete!.label}&formaat=${format}`;
    const json = await reports.request.get(file('json'));
    expect(json.headers()['content-disposition']).toBe(
      `attachment; filename="evaluatie-almere-${lastComplete!.label}.json"`,
    );
    expect(EvaluationReportSchema.parse(await json.json())).toMatchObject({ kind: 'live', region: 'almere' });
    const csv = await reports.request.get(file('csv'));
    expect((await csv.text()).split('\n')[0]).toBe('scenario,period,figure,value');
    const html = await reports.request.get(file('html'));
    expect(html.headers()['content-type']).toMatch(/^text\/html/);
    // Offline and without scripts, as a partner opens the saved file.
    const standalone = await freshPage(suite.browser, { width: 1000, height: 900 }, false);
    try {
      await standalone.context().setOffline(true);
      await standalone.setContent(await html.text());
      const charts = standalone.locator('svg[role="img"]');
      expect(await charts.count()).toBeGreaterThanOrEqual(6);
      for (const chart of await charts.all()) {
        expect((await chart.boundingBox())!.width).toBeGreaterThan(100);
        expect(await chart.locator('title').first().textContent()).not.toBe('');
      }
      const pdf = await standalone.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(10_000);
    } finally {
      await closePage(standalone);
    }
  });

  test('a covenant the organisation is no party of is refused with the rule', async () => {
    await reports.goto(`${suite.base}/rapportage?regio=nijmegen&periode=${lastComplete!.label}`);
    const alert = await reports.getByRole('alert').innerText();
    expect(alert).toContain('Uw organisatie is geen partij van dit convenant.');
    expect(alert).toContain('Regel: parties');
    expect(await seriousViolations(reports)).toEqual([]);
  });

  test('tidw report reads the live trajecten the workflows recorded: JSON and CSV in their stable shapes', async () => {
    // This half year: web-0001, web-0002 and web-0003 registered (Almere), web-0002 moved in; the simulated year
    // ended on 1 July, so it adds no flow here.
    const simulatedFlow = liveReport(simulated, {
      region: 'almere',
      period: current!.label,
      asOf: new Date().toISOString(),
    }).scenarios[0]!.whole.flow;
    const argv = ['report', '--region', 'almere', '--period', current!.label];
    let report = EvaluationReportSchema.parse(JSON.parse((await tidw(...argv, '--format', 'json')).out));
    // The workflows hand their facts to the read model beside their work; give the last ones a moment.
    for (
      let tries = 0;
      tries < 20 && report.scenarios[0]!.whole.flow.registered < simulatedFlow.registered + 3;
      tries++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      report = EvaluationReportSchema.parse(JSON.parse((await tidw(...argv, '--format', 'json')).out));
    }
    expect(report).toMatchObject({ format: 'tidw-evaluation/1', kind: 'live', region: 'almere' });
    const whole = report.scenarios[0]!.whole;
    expect(whole.period.label).toBe(current!.label);
    expect(whole.flow.registered).toBe(simulatedFlow.registered + 3);
    expect(whole.flow.movedIn).toBe(simulatedFlow.movedIn + 1);
    const csv = await tidw(...argv, '--format', 'csv');
    expect(csv.code).toBe(0);
    const [header, ...rows] = csv.out.trimEnd().split('\n');
    expect(header).toBe('scenario,period,figure,value');
    expect(rows).toContain(`live,${current!.label},flow.registered,${whole.flow.registered}`);
    for (const row of rows) expect(row).toMatch(/^live,[^,]+,[A-Za-z0-9.]+,(-?\d+(\.\d+)?)?$/);
    const bad = await tidw('report', '--region', 'almere', '--period', '2026-H3');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('period');
  });

  test("tidw simulate --compare, as the README shows it: two scenarios' charts side by side", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tidw-compare-')), 'evaluatie.html');
    const run = await tidw(
      ...['simulate', '--covenant', 'almere', '--clients', '200', '--years', '3', '--offers-per-month', '4'],
      ...['--seed', '1', '--compare', 'offers-per-month=6', '--format', 'html', '--out', out],
    );
    expect(run.code).toBe(0);
    const compared = await freshPage(suite.browser, { width: 1000, height: 900 }, false);
    try {
      await compared.setContent(readFileSync(out, 'utf8'));
      const moved = compared.locator('#uitstroom');
      expect(await moved.locator('.legend').innerText()).toMatch(/base[\s\S]*offers-per-month=6/);
      // Two bars per half year: one per scenario.
      expect(await moved.locator('svg rect').count()).toBe(2 * 6);
      await moved.screenshot({ path: join(screenshotDir, 'vergelijking.png') });
    } finally {
      await closePage(compared);
    }
  });
});
