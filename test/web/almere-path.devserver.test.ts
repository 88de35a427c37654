/**
 * A whole Almere path in the browser, from aanmelding to omklappen, as three people of three organisations (the care
 * provider Kwintes, the municipality, the corporation Ymere), each in a browser of their own and only through the
 * pages' "Wat mag ik nu doen" forms. The covenant is Almere's rules with the terms in seconds (a minimum term of 20
 * seconds instead of a year), so the path takes well under a minute. Also: Mijn werk showing a change made elsewhere
 * without a reload, an escalation resolved from the Escalaties queue, a neighbour's concern read by the party it was
 * routed to (and no other), an expired session, logout. Every page passes
 * axe and leaves a screenshot in test-artifacts/web/almere-pad.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { presetCovenants, type Actor, type Covenant } from '../../machines';
import { routeConcern } from '../../gateway/web/concerns';
import { devIssuerUrl, loadDevIssuerKey } from '../../platform/dev-issuer';
import { readProcessingLog } from '../../platform/processing-log';
import { secondsCovenant } from '../support/covenants';
import { closePage, freshPage, screenshot, seriousViolations, webSuite } from './support';

/** Almere in seconds: only the minimum term is short; nothing else falls due while the path is walked. */
const snel: Covenant = {
  ...secondsCovenant(presetCovenants.almere!, {
    minimumTerm: 20,
    urgencyDecision: 3600,
    offerReminder: 3600,
    offerEscalation: 7200,
    kennismakingsgesprekWithin: 3600,
    evaluatiegesprekInterval: 3600,
    evaluatiegesprekWithin: 600,
    waakvlamCheckIn: 3600,
  }),
  name: 'Almere in seconden (test)',
};

/** Almere in seconds where the kennismakingsgesprek escalates 3 seconds after the contract, and nothing else does. */
const escalerend: Covenant = {
  ...secondsCovenant(presetCovenants.almere!, {
    ...{ minimumTerm: 3600, urgencyDecision: 3600, offerReminder: 3600, offerEscalation: 7200 },
    ...{ kennismakingsgesprekWithin: 3, evaluatiegesprekInterval: 3600, evaluatiegesprekWithin: 600 },
  }),
  id: 'almere-escalerend',
  name: 'Almere, escalerend (test)',
};

const suite = webSuite({ covenants: [snel, escalerend] });
const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' };
const ymere: Actor = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-0003' };
const gemeente: Actor = { role: 'gemeente', organisation: 'Gemeente Almere', personId: 'gm-0001' };
const clientOf = (ref: string): Actor => ({ role: 'client', personId: ref });

const REF = 'pad-0001';
let shot = 0;

/** Axe on the page as it is now, and its screenshot as the next artefact of the walk. */
async function checked(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  shot += 1;
  await screenshot(page, `almere-pad/${String(shot).padStart(2, '0')}-${name}`);
}

async function logIn(party: string): Promise<Page> {
  const page = await freshPage(suite.browser);
  await page.goto(`${suite.base}/inloggen`);
  await page.getByLabel('Ik werk als').selectOption(party);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(/\/mijn-werk/);
  return page;
}

/**
 * Takes one action of "Wat mag ik nu doen" on the traject page: fills its form, sends it, and waits for the page to
 * say it was recorded (a refusal fails the test with what the page said).
 */
async function act(
  page: Page,
  action: string,
  fill: (form: ReturnType<Page['locator']>) => Promise<unknown> = () => Promise.resolve(),
): Promise<void> {
  // What the page said after the previous action goes, so that what it says next is about this one.
  await page.evaluate(
    'document.querySelectorAll(\'[role="status"], [role="alert"]\').forEach((e) => e.remove())',
  );
  const form = page.locator('form.action', { has: page.getByRole('heading', { name: action, exact: true }) });
  await fill(form);
  await form.getByRole('button', { name: action }).click();
  const said = page.locator('[role="status"], [role="alert"]').first();
  await said.waitFor();
  expect(await said.innerText()).toBe(`Vastgelegd: ${action}.`);
}

async function openTraject(page: Page, name: string): Promise<void> {
  await page.goto(`${suite.base}/mijn-werk?zoek=${REF}`);
  await page.getByRole('link', { name: REF }).click();
  await page.waitForURL(new RegExp(`/trajecten/${REF}$`));
  await checked(page, name);
}

const phaseOnPage = async (page: Page) =>
  page.locator('dt', { hasText: 'Fase' }).locator('xpath=following-sibling::dd[1]').innerText();

let zorg: Page;
let corporatie: Page;
let gemeentePage: Page;

beforeAll(async () => {
  // A kennismakingsgesprek not held within 3 seconds of the contract escalates.
  const demo = 'pad-demo';
  await suite.sdk.start({ clientRef: demo, region: escalerend.id, origin: 'MO', registeredBy: kwintes });
  await suite.sdk.send(demo, { type: 'INSTEMMING_GEGEVEN' }, clientOf(demo));
  await suite.sdk.send(demo, { type: 'URGENTIE_AANGEVRAAGD' }, kwintes);
  await suite.sdk.send(demo, { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {} } }, gemeente);
  await suite.sdk.send(demo, { type: 'WONING_AANGEBODEN', data: { homeRef: 'woning-0077' } }, ymere);
  await suite.sdk.send(demo, { type: 'AANBOD_GEACCEPTEERD' }, clientOf(demo));
  await suite.sdk.send(demo, { type: 'CONTRACTVORM_GEADVISEERD', data: { form: 'omklapcontract' } }, kwintes);
  await suite.sdk.send(demo, { type: 'CONTRACT_GETEKEND', data: { form: 'omklapcontract' } }, ymere);
  zorg = await logIn('zorgaanbieder:Kwintes');
  gemeentePage = await logIn('gemeente:Gemeente Almere');
  corporatie = await logIn('corporatie:Ymere');
}, 240_000);

afterAll(async () => {
  for (const page of [zorg, gemeentePage, corporatie]) await closePage(page);
});

describe('a whole Almere path in the browser, as Kwintes, the municipality and Ymere', () => {
  test('Kwintes registers the client and asks for urgency', async () => {
    await checked(zorg, 'mijn-werk-kwintes');
    await zorg.getByRole('link', { name: 'Aanmelden' }).click();
    await zorg.waitForURL(/\/aanmelden$/);
    await checked(zorg, 'aanmelden');
    await zorg.getByLabel('Cliëntreferentie').fill(REF);
    await zorg.getByLabel('Beschermd wonen (BW)').check();
    await zorg.getByLabel('Convenant').selectOption(snel.id);
    await zorg.getByRole('button', { name: 'Aanmelden' }).click();
    await zorg.waitForURL(new RegExp(`/trajecten/${REF}$`));
    await checked(zorg, 'traject-aangemeld');
    await act(zorg, 'Instemming vastleggen');
    await act(zorg, 'Urgentie aanvragen', (f) =>
      f.getByLabel('Toelichting (optioneel)').fill('Klaar voor zelfstandig wonen'),
    );
    expect(await phaseOnPage(zorg)).toBe('Urgentie');
    await checked(zorg, 'urgentie-aangevraagd');
  });

  test('the municipality grants urgency with a search profile', async () => {
    await openTraject(gemeentePage, 'traject-gemeente');
    await act(gemeentePage, 'Urgentie toekennen', (f) =>
      f.getByLabel('Wijken (met komma’s gescheiden)').fill('Haven, Stad'),
    );
    expect(await phaseOnPage(gemeentePage)).toBe('Zoeken naar een woning');
    await checked(gemeentePage, 'urgentie-toegekend');
  });

  test('Ymere offers a home; Kwintes records the acceptance and advises an omklapcontract; Ymere signs', async () => {
    await openTraject(corporatie, 'traject-ymere');
    await act(corporatie, 'Woning aanbieden', async (f) => {
      await f.getByLabel('Woningreferentie').fill('woning-0101');
      await f.getByLabel('Wijkbeheerder geraadpleegd').check();
    });
    await openTraject(zorg, 'traject-aanbod');
    await act(zorg, 'Aanbod geaccepteerd');
    await act(zorg, 'Contractvorm adviseren', (f) =>
      f.getByLabel('Contractvorm').selectOption('omklapcontract'),
    );
    await checked(zorg, 'contractvorm-geadviseerd');
    await corporatie.reload();
    await act(corporatie, 'Contract getekend', (f) =>
      f.getByLabel('Contractvorm').selectOption('omklapcontract'),
    );
    expect(await phaseOnPage(corporatie)).toBe('Tijdelijk contract');
    await checked(corporatie, 'contract-getekend');
  });

  test('Kwintes plans and holds the kennismakingsgesprek', async () => {
    await zorg.reload();
    // The invitation goes out with the contract; until it did, the meeting cannot be planned.
    for (let tries = 0; tries < 20; tries += 1) {
      const open = await zorg.locator('form.action h3', { hasText: 'Gesprek plannen' }).count();
      if (open) break;
      await zorg.waitForTimeout(500);
      await zorg.reload();
    }
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await act(zorg, 'Gesprek plannen', async (f) => {
      await f.getByLabel('Gesprek', { exact: true }).selectOption('kennismakingsgesprek');
      await f.getByLabel('Datum en tijd').fill(`${tomorrow}T10:00`);
    });
    await act(zorg, 'Gesprek gevoerd', (f) =>
      f.getByLabel('Gesprek', { exact: true }).selectOption('kennismakingsgesprek'),
    );
    await checked(zorg, 'kennismaking-gevoerd');
  });

  test('after the minimum term Ymere and Kwintes agree, and the lease is converted to the client’s name', async () => {
    const earliest = (await suite.sdk.status(REF)).contract.earliestConversion!;
    await corporatie.waitForTimeout(Math.max(0, Date.parse(earliest) - Date.now() + 500));
    await corporatie.reload();
    await act(corporatie, 'Akkoord met omklappen');
    expect(await phaseOnPage(corporatie)).toBe('Omklappen naar eigen naam');
    await checked(corporatie, 'omklappen-akkoord-ymere');
    await zorg.reload();
    await act(zorg, 'Akkoord met omklappen');
    expect(await phaseOnPage(zorg)).toBe('Huurcontract op eigen naam');
    await checked(zorg, 'omgeklapt');
    const log = await suite.sdk.events(REF);
    expect(log.map((e) => [e.type, e.actor?.organisation ?? e.actor?.role])).toEqual([
      ['AANMELDING', 'Kwintes'],
      ['INSTEMMING_GEGEVEN', 'Kwintes'],
      ['URGENTIE_AANGEVRAAGD', 'Kwintes'],
      ['URGENTIE_TOEGEKEND', 'Gemeente Almere'],
      ['WONING_AANGEBODEN', 'Ymere'],
      ['AANBOD_GEACCEPTEERD', 'Kwintes'],
      ['CONTRACTVORM_GEADVISEERD', 'Kwintes'],
      ['CONTRACT_GETEKEND', 'Ymere'],
      ['GESPREK_GEPLAND', 'Kwintes'],
      ['GESPREK_GEVOERD', 'Kwintes'],
      ['OMKLAPPEN_AKKOORD', 'Ymere'],
      ['OMKLAPPEN_AKKOORD', 'Kwintes'],
    ]);
  });
});

test('Mijn werk shows a change made elsewhere (through the SDK) without a reload', async () => {
  const ref = 'pad-live';
  await suite.sdk.start({ clientRef: ref, region: snel.id, origin: 'MO', registeredBy: kwintes });
  await zorg.goto(`${suite.base}/mijn-werk`);
  const phase = zorg
    .locator('tbody tr', { has: zorg.locator('th', { hasText: ref }) })
    .locator('td')
    .first();
  expect(await phase.innerText()).toBe('Aanmelding');
  await zorg.evaluate('window.notReloaded = true');
  await suite.sdk.send(ref, { type: 'INSTEMMING_GEGEVEN' }, clientOf(ref));
  await expect(phase.filter({ hasText: 'Urgentie' }).waitFor({ timeout: 30_000 })).resolves.toBeUndefined();
  expect(await zorg.evaluate('window.notReloaded')).toBe(true);
  expect(new URL(zorg.url()).pathname).toBe('/mijn-werk');
  await checked(zorg, 'mijn-werk-bijgewerkt');
});

test('an escalation appears in the Escalaties queue and is resolved from there', async () => {
  // pad-demo's kennismakingsgesprek was due 3 seconds after its contract; the list follows the escalation shortly.
  for (let tries = 0; tries < 30; tries += 1) {
    await zorg.goto(`${suite.base}/escalaties`);
    if ((await zorg.locator('main').innerText()).includes('pad-demo')) break;
    await zorg.waitForTimeout(1000);
  }
  const card = zorg.locator('li.card', { has: zorg.getByRole('link', { name: 'pad-demo' }) });
  expect(await card.innerText()).toContain('kennismakingsgesprekGemist');
  await checked(zorg, 'escalaties');
  const escalation = card.locator('li', { hasText: 'kennismakingsgesprekGemist' });
  await escalation.getByRole('button', { name: 'Gesprek gevoerd' }).click();
  await zorg.waitForSelector('[role="status"]');
  expect(await zorg.getByRole('status').innerText()).toBe('Vastgelegd: Gesprek gevoerd.');
  expect(new URL(zorg.url()).pathname).toBe('/escalaties');
  expect(await zorg.getByRole('link', { name: 'pad-demo' }).count()).toBe(0);
  expect((await suite.sdk.status('pad-demo')).escalations).toEqual([]);
  await checked(zorg, 'escalatie-opgelost');
});

test('an expired session sends the coordinator to the login, which says so', async () => {
  const page = await freshPage(suite.browser);
  try {
    const key = await loadDevIssuerKey(suite.dataDir);
    const { config } = suite.gateway;
    const now = Math.floor(Date.now() / 1000);
    // A session token from yesterday's working day: issued nine hours ago, expired one hour ago.
    const stale = await new SignJWT({ realm_access: { roles: ['corporatie'] }, organisation: 'Ymere' })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(devIssuerUrl(config.host, config.port))
      .setAudience(config.auth.audience)
      .setSubject('wb-0003')
      .setIssuedAt(now - 9 * 3600)
      .setNotBefore(now - 9 * 3600)
      .setExpirationTime(now - 3600)
      .setJti(randomUUID())
      .sign(key.privateKey);
    await page.context().addCookies([{ name: 'tidw_sessie', value: stale, url: suite.base }]);
    await page.goto(`${suite.base}/trajecten/${REF}`);
    expect(new URL(page.url()).pathname).toBe('/inloggen');
    expect(await page.getByRole('status').innerText()).toBe('Uw sessie is verlopen. Log opnieuw in.');
    expect((await page.context().cookies()).find((c) => c.name === 'tidw_sessie')).toBeUndefined();
    expect(await page.locator('main').innerText()).not.toContain(REF);
    await checked(page, 'sessie-verlopen');
  } finally {
    await closePage(page);
  }
});

test('the party a neighbour’s concern is routed to reads it (keyboard only); no other party does; the read is logged', async () => {
  const neighbour = await freshPage(suite.browser);
  const text = 'De buurman op nummer 5 roept al twee nachten om hulp';
  const routing = routeConcern(suite.sdk.covenant('almere'), new Date());
  try {
    await neighbour.goto(`${suite.base}/meld-een-zorg`);
    await neighbour.getByLabel('Gemeente').selectOption('almere');
    await neighbour.getByLabel('Complex- of woningnummer').fill('ymere-complex-204');
    await neighbour.getByLabel('Waar maakt u zich zorgen over?').fill(text);
    await neighbour.getByRole('button', { name: 'Zorg melden' }).click();
    await neighbour.waitForSelector('[role="status"]');
  } finally {
    await closePage(neighbour);
  }
  // Office hours: Ymere's wijkbeheerder; evenings and weekends: Kwintes on call.
  const responder = routing.role === 'corporatie' ? corporatie : zorg;
  await responder.goto(`${suite.base}/mijn-werk`);
  await responder.locator('body').focus();
  for (let i = 0; i < 15; i += 1) {
    await responder.keyboard.press('Tab');
    if ((await responder.evaluate('document.activeElement.textContent')) === 'Zorgen van buren') break;
  }
  await responder.keyboard.press('Enter');
  await responder.waitForURL(/\/zorgen$/);
  const card = responder.locator('li.card', { hasText: 'ymere-complex-204' });
  expect(await card.innerText()).toContain(text);
  expect(await card.innerText()).toContain('Reageer uiterlijk');
  await checked(responder, 'zorgen-van-buren');
  // The municipality, a party of the same covenant but not the one it was routed to, sees none of it.
  await gemeentePage.goto(`${suite.base}/zorgen`);
  expect(await gemeentePage.locator('main').innerText()).not.toContain('ymere-complex-204');
  expect(await gemeentePage.locator('main').innerText()).toContain('Er zijn geen zorgen van buren');
  const reads = readProcessingLog(suite.gateway.config.processingLogDir).filter(
    (r) => r.operation === 'concerns.read',
  );
  expect(reads.map((r) => [r.actor.organisation, r.outcome])).toEqual([
    [routing.organisation, 'ok'],
    ['Gemeente Almere', 'ok'],
  ]);
  expect(JSON.stringify(reads)).not.toContain('ymere-complex-204');
});

test('logging out ends the session in that browser only; the page it left asks for a login again', async () => {
  await corporatie.goto(`${suite.base}/trajecten/${REF}`);
  await corporatie.getByRole('button', { name: 'Uitloggen' }).click();
  await corporatie.waitForURL(/\/inloggen\?uitgelogd$/);
  // A logout is no expired session.
  expect(await corporatie.getByRole('status').innerText()).toBe('U bent uitgelogd.');
  await corporatie.goBack();
  await corporatie.reload();
  expect(new URL(corporatie.url()).pathname).toBe('/inloggen');
  // The others are still signed in.
  await gemeentePage.goto(`${suite.base}/trajecten/${REF}`);
  expect(await gemeentePage.locator('h1').innerText()).toBe(`Traject ${REF}`);
});
