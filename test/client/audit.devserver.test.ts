/**
 * Auditing on a real dev server: a traject's history exported with `tidw history` replays with `tidw replay`, and its
 * timeline can be read as text, JSON or a self-contained HTML page that Chromium renders with a swimlane.
 */
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decoderFor } from '../../client/audit/timeline';
import {
  buildTimeline,
  createTenancyClient,
  readHistoryFile,
  type TenancyClient,
  type Timeline,
} from '../../client';
import { presetCovenants } from '../../machines';
import { goldenDir } from '../support/golden';
import { goldenEncryption, testKeysDir } from '../support/keys';
import { actorFor } from '../support/model';
import { sh } from '../support/processes';
import { devServerSuite } from '../support/temporal';
import { tidwWith } from '../support/cli';

const suite = devServerSuite();
let sdk: TenancyClient;
const dir = mkdtempSync(join(tmpdir(), 'tidw-audit-'));

beforeAll(async () => {
  sdk = await createTenancyClient({ address: suite.env.address });
});

afterAll(async () => {
  await sdk?.close();
});

/** Runs `tidw` in this process; a last argument that is an object is its environment. */
async function tidw(...args: Array<string | Record<string, string>>) {
  const vars = typeof args[args.length - 1] === 'object' ? (args.pop() as Record<string, string>) : {};
  const cli = tidwWith((covenants) => createTenancyClient({ address: suite.env.address, covenants }), {
    TEMPORAL_ADDRESS: 'localhost:1',
    ...vars,
  });
  return cli(...(args as string[]));
}

test('a traject run on the dev server: history exported, replayed with the current code, read as a timeline', async () => {
  const almere = presetCovenants.almere!;
  const as = (role: Parameters<typeof actorFor>[1]) => actorFor(almere, role);
  await sdk.start({
    clientRef: 'audit-0001',
    region: 'almere',
    origin: 'BW',
    registeredBy: as('zorgaanbieder'),
  });
  await sdk.send('audit-0001', { type: 'INSTEMMING_GEGEVEN' }, as('client'));
  await sdk.send('audit-0001', { type: 'URGENTIE_AANGEVRAAGD' }, as('zorgaanbieder'));
  await sdk.send('audit-0001', { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {} } }, as('gemeente'));
  await sdk.send(
    'audit-0001',
    { type: 'WONING_AANGEBODEN', data: { homeRef: 'woning-0500' } },
    as('corporatie'),
  );
  await sdk.send('audit-0001', { type: 'AANBOD_GEACCEPTEERD' }, as('client'));
  await sdk.send(
    'audit-0001',
    { type: 'CONTRACTVORM_GEADVISEERD', data: { form: 'driepartijenovereenkomst' } },
    as('zorgaanbieder'),
  );
  await sdk.send(
    'audit-0001',
    { type: 'CONTRACT_GETEKEND', data: { form: 'driepartijenovereenkomst' } },
    as('corporatie'),
  );
  const status = await sdk.status('audit-0001');
  for (let i = 0; (await sdk.status('audit-0001')).deliveriesPending > 0 && i < 100; i += 1)
    await new Promise((r) => setTimeout(r, 50));

  const file = join(dir, 'audit-0001.json');
  const exported = await tidw('history', 'audit-0001', '--out', file);
  expect(exported).toMatchObject({
    err: '',
    code: 0,
    out: `1 run(s) of traject-audit-0001 written to ${file}`,
  });
  const perRun = await tidw('history', 'audit-0001', '--out', join(dir, 'runs'));
  expect(perRun.code).toBe(0);
  expect(readdirSync(join(dir, 'runs'))).toEqual([
    expect.stringMatching(/^traject-audit-0001\.1\..+\.json$/) as string,
  ]);

  const replayed = await tidw('replay', file, join(dir, 'runs'));
  expect(replayed.code).toBe(0);
  expect(replayed.out).toMatch(/^OK\s+traject-audit-0001 run .+ \(\d+ events\)$/m);
  expect(replayed.out).toMatch(
    /2\/2 histories replay with the current workflow code \(\d+\.\d s, \d+\.\d histories\/s\)/,
  );

  const timeline = await tidw('--json', 'timeline', 'audit-0001');
  const data = JSON.parse(timeline.out) as Timeline;
  expect(data.phases.map((p) => p.phase)).toEqual([
    'aanmelding',
    'urgentie',
    'matching',
    'contractering',
    'tijdelijkContract',
  ]);
  expect(data.invitations).toEqual([
    {
      at: status.contract.startedAt,
      meeting: 'kennismakingsgesprek',
      number: 1,
      dueBy: status.meetings[0]!.dueBy,
      outcome: 'delivered',
    },
  ]);
  expect(data.verified.mismatches).toEqual([]);
  expect(data.status).toEqual(
    expect.objectContaining({ phase: 'tijdelijkContract', trajectRef: 'audit-0001' }),
  );
  expect((await tidw('timeline', file)).out).toContain('CONTRACT_GETEKEND            corporatie (Ymere)');
});

test('a history that does not replay makes tidw replay exit non-zero and say which event diverged', async () => {
  // Someone edited the recorded history: an activity of another kind in the place of the first one.
  const chain = JSON.parse(readFileSync(join(goldenDir, 'amsterdam-happy-path.json'), 'utf8')) as {
    runs: Array<{
      history: {
        events: Array<{ activityTaskScheduledEventAttributes?: { activityType: { name: string } } }>;
      };
    }>;
  };
  const first = chain.runs[0]!.history.events.find((e) => e.activityTaskScheduledEventAttributes)!;
  first.activityTaskScheduledEventAttributes!.activityType.name = 'sendEscalation';
  const tampered = join(dir, 'tampered.json');
  writeFileSync(tampered, JSON.stringify(chain));
  const result = await tidw('replay', tampered, {
    TIDW_KEYRING_FILE: join(testKeysDir, 'keyring.json'),
    TIDW_DATA_KEYS_DIR: join(testKeysDir, 'data-keys'),
  });
  expect(result.code).toBe(1);
  expect(result.out).toMatch(
    /FAILED\s+traject-golden-\d+ run .+: .*(sendEscalation|sendNotification|[Nn]ondetermin)/,
  );
  const missing = await tidw('replay', join(dir, 'nothing-here.json'));
  expect(missing.code).toBe(2);
});

test('the HTML timeline is one self-contained page that headless Chromium renders with the swimlane', async () => {
  const html = join(dir, 'almere-happy-path.html');
  const goldenKeys = {
    TIDW_KEYRING_FILE: join(testKeysDir, 'keyring.json'),
    TIDW_DATA_KEYS_DIR: join(testKeysDir, 'data-keys'),
  };
  const written = await tidw(
    'timeline',
    join(goldenDir, 'almere-happy-path.json'),
    '--format',
    'html',
    '--out',
    html,
    goldenKeys,
  );
  expect(written).toMatchObject({ err: '', code: 0 });
  const page = readFileSync(html, 'utf8');
  expect(page).not.toMatch(/(src|href)=["']?https?:/); // no CDN, nothing fetched
  const timeline = await buildTimeline(
    readHistoryFile(join(goldenDir, 'almere-happy-path.json')),
    decoderFor(goldenEncryption().codec),
  );

  const chromium = (await sh('bash scripts/chromium.sh')).stdout.trim();
  expect(existsSync(chromium)).toBe(true);
  const flags = `--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=${join(dir, 'profile')}`;
  const dom = await sh(`${chromium} ${flags} --dump-dom file://${html}`);
  const blocks = dom.stdout.match(/<rect class="phase-block"/g) ?? [];
  expect(blocks).toHaveLength(timeline.phases.length);
  expect(blocks.length).toBe(9);
  expect((dom.stdout.match(/class="marker invitation"/g) ?? []).length).toBe(timeline.invitations.length);

  const screenshot = join(dir, 'timeline.png');
  await sh(
    `${chromium} ${flags} --hide-scrollbars --window-size=1280,900 --screenshot=${screenshot} file://${html}`,
  );
  expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');
  expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  if (process.env.TIDW_KEEP_SCREENSHOT) copyFileSync(screenshot, process.env.TIDW_KEEP_SCREENSHOT);
});
