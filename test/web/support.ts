/**
 * For the web app's tests: a dev server with the worker, the gateway as on `npm start` (its development issuer, so the
 * Ontwikkel-login is there; the read model in its data directory), and Debian's Chromium through playwright-core. Screenshots go to test-artifacts/web, or
 * to TIDW_SCREENSHOTS_DIR (scripts/screenshots.sh points it at docs/screenshots).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTenancyClient, type TenancyClient } from '../../client';
import type { Covenant } from '../../machines';
import { startGateway, type RunningGateway } from '../../gateway';
import { openSqliteStore, READ_MODEL_FILE, type FactsStore } from '../../platform/read-model';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { freshEncryption } from '../support/keys';
import { freePort, root, sh } from '../support/processes';
import { devServerEnvironment, recordingActivities, startWorker } from '../support/temporal';

export interface WebSuite {
  env: TestWorkflowEnvironment;
  sdk: TenancyClient;
  gateway: RunningGateway;
  dataDir: string;
  base: string;
  browser: Browser;
}

export const screenshotDir = process.env.TIDW_SCREENSHOTS_DIR
  ? join(root, process.env.TIDW_SCREENSHOTS_DIR)
  : join(root, 'test-artifacts', 'web');

/**
 * A dev server, worker, gateway with the development issuer, and a browser, for one test file; `covenants` are
 * served besides the presets (a covenant with its terms in seconds, for a whole path).
 */
export function webSuite(options: { covenants?: Covenant[] } = {}): WebSuite {
  const suite = {} as WebSuite;
  let stopWorker: (() => Promise<void>) | undefined;
  let readModel: FactsStore | undefined;
  beforeAll(async () => {
    const encryption = freshEncryption();
    suite.dataDir = mkdtempSync(join(tmpdir(), 'tidw-web-'));
    suite.env = await devServerEnvironment();
    // As on `npm start`: the worker keeps the read model in the data directory, where the gateway reads its reports.
    readModel = openSqliteStore(join(suite.dataDir, READ_MODEL_FILE));
    ({ stop: stopWorker } = await startWorker(
      suite.env,
      await bundleTenancyWorkflows(),
      recordingActivities({}, readModel).activities,
      { payloadCodecs: [encryption.codec] },
    ));
    suite.sdk = await createTenancyClient({
      address: suite.env.address,
      encryption,
      ...(options.covenants ? { covenants: options.covenants } : {}),
    });
    // As on `npm start`: no TEMPORAL_ADDRESS and no TIDW_OIDC_ISSUER, so the development issuer runs.
    suite.gateway = (await startGateway({
      sdk: suite.sdk,
      env: { TIDW_HTTP_PORT: String(await freePort()), TIDW_DATA_DIR: suite.dataDir },
    }))!;
    suite.base = suite.gateway.url;
    const executablePath = (await sh('bash scripts/chromium.sh')).stdout.trim();
    suite.browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    mkdirSync(screenshotDir, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.gateway?.close();
    await suite.sdk?.close();
    await stopWorker?.();
    readModel?.close();
    await suite.env?.teardown();
  });
  return suite;
}

/** Axe's serious and critical violations of WCAG 2.1 A and AA on the page, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Saves a full-page screenshot under its name (a name may hold a folder: almere-pad/01-aanmelden). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(screenshotDir, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}

/** A page in a fresh browser context of its own (axe needs one; its cookies are its own). */
export async function freshPage(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
  javaScriptEnabled = true,
): Promise<Page> {
  const context = await browser.newContext({ viewport, javaScriptEnabled });
  return context.newPage();
}

/** Closes a page with its context. */
export async function closePage(page: Page | undefined): Promise<void> {
  await page?.context().close();
}
