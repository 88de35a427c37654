/**
 * The SDK and `tidw` against a real dev server: bad input of every kind gets its clear message and exit code and
 * leaves the traject's status and history as they were; `list` returns exactly the matching trajecten.
 */
import {
  createTenancyClient,
  InvalidEventData,
  InvalidInput,
  NotAllowedInPhase,
  RoleNotPermitted,
  TrajectAlreadyExists,
  TrajectNotFound,
  type TenancyClient,
  type TrajectSummary,
} from '../../client';
import { presetCovenants, type Actor } from '../../machines';
import { eventTypes } from '../support/history';
import { actorFor } from '../support/model';
import { devServerSuite } from '../support/temporal';
import { tidwWith } from '../support/cli';

const suite = devServerSuite();
let sdk: TenancyClient;
const almere = presetCovenants.almere!;
const as = (role: Parameters<typeof actorFor>[1]): Actor => actorFor(almere, role);

beforeAll(async () => {
  sdk = await createTenancyClient({ address: suite.env.address });
});

afterAll(async () => {
  await sdk?.close();
});

/** Runs `tidw` in this process against the test server. */
const tidw = tidwWith((covenants) => createTenancyClient({ address: suite.env.address, covenants }));

/** What a traject looks like from outside: its status and its recorded history. */
async function snapshot(ref: string) {
  const status = await sdk.status(ref);
  const history = await suite.env.client.workflow.getHandle(`traject-${ref}`).fetchHistory();
  return { status, events: eventTypes(history).filter((t) => !t.startsWith('EVENT_TYPE_WORKFLOW_TASK')) };
}

describe('bad input', () => {
  beforeAll(async () => {
    await sdk.start({
      clientRef: 'fout-0001',
      region: 'almere',
      origin: 'BW',
      registeredBy: as('zorgaanbieder'),
    });
    await sdk.send('fout-0001', { type: 'INSTEMMING_GEGEVEN' }, as('client'));
  });

  test.each([
    [
      'unknown event',
      ['send', 'fout-0001', 'HUIS_GEKOCHT', '--as', 'zorgaanbieder:Kwintes'],
      'refused (InvalidEventData, rule schema): unknown event HUIS_GEKOCHT',
    ],
    [
      'bad JSON',
      ['send', 'fout-0001', 'URGENTIE_AANGEVRAAGD', '--as', 'zorgaanbieder:Kwintes', '--data', '{nope'],
      '--data is not valid JSON',
    ],
    [
      'data of the wrong shape',
      ['send', 'fout-0001', 'URGENTIE_AANGEVRAAGD', '--as', 'zorgaanbieder:Kwintes', '--data', '{"note":5}'],
      'data.note',
    ],
    [
      'missing --as',
      ['send', 'fout-0001', 'URGENTIE_AANGEVRAAGD'],
      "required option '--as <actor>' not specified",
    ],
    [
      'an unknown role',
      ['send', 'fout-0001', 'URGENTIE_AANGEVRAAGD', '--as', 'directeur:Kwintes'],
      'unknown role directeur',
    ],
    [
      'a partner without organisation',
      ['send', 'fout-0001', 'URGENTIE_AANGEVRAAGD', '--as', 'zorgaanbieder'],
      'a zorgaanbieder acts for an organisation',
    ],
    [
      'wrong role',
      ['send', 'fout-0001', 'URGENTIE_AANGEVRAAGD', '--as', 'corporatie:Ymere'],
      'refused (RoleNotPermitted, rule permissions.URGENTIE_AANGEVRAAGD): a corporatie may not send URGENTIE_AANGEVRAAGD under covenant almere; allowed: zorgaanbieder',
    ],
    [
      'wrong phase',
      [
        'send',
        'fout-0001',
        'CONTRACT_GETEKEND',
        '--as',
        'corporatie:Ymere',
        '--data',
        '{"form":"omklapcontract"}',
      ],
      'CONTRACT_GETEKEND is not possible in phase urgentie; possible now: INGETROKKEN, URGENTIE_AANGEVRAAGD',
    ],
    ['unknown client', ['status', 'niemand-0001'], 'no traject for client reference niemand-0001'],
    [
      'duplicate start',
      [
        'start',
        '--client',
        'fout-0001',
        '--region',
        'almere',
        '--origin',
        'BW',
        '--as',
        'zorgaanbieder:Kwintes',
      ],
      'a traject for client reference fout-0001 already exists',
    ],
    [
      'invalid date',
      ['list', '--meeting-before', '31-02-2027'],
      'expected a date such as 2027-01-31, got 31-02-2027',
    ],
    [
      'an unknown region',
      [
        'start',
        '--client',
        'fout-0002',
        '--region',
        'utrecht',
        '--origin',
        'BW',
        '--as',
        'zorgaanbieder:Kwintes',
      ],
      'unknown region utrecht',
    ],
    [
      'a name as client reference',
      [
        'start',
        '--client',
        'Jan de Vries',
        '--region',
        'almere',
        '--origin',
        'BW',
        '--as',
        'zorgaanbieder:Kwintes',
      ],
      'clientRef: expected a pseudonymous reference',
    ],
  ])('%s: exit 2, a clear message, nothing changed', async (_name, argv, message) => {
    const before = await snapshot('fout-0001');
    const result = await tidw(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(await snapshot('fout-0001')).toEqual(before);
  });

  test('--json gives the refusal as data on stdout', async () => {
    const result = await tidw(
      '--json',
      'send',
      'fout-0001',
      'URGENTIE_AANGEVRAAGD',
      '--as',
      'gemeente:Gemeente Almere',
    );
    expect(result.code).toBe(2);
    expect(JSON.parse(result.out)).toEqual({
      error: {
        code: 'RoleNotPermitted',
        message: 'a gemeente may not send URGENTIE_AANGEVRAAGD under covenant almere; allowed: zorgaanbieder',
        rule: 'permissions.URGENTIE_AANGEVRAAGD',
        allowed: ['zorgaanbieder'],
      },
    });
  });

  test('the SDK throws the same refusals as typed errors, and nothing changes', async () => {
    const before = await snapshot('fout-0001');
    await expect(
      sdk.send('fout-0001', { type: 'HUIS_GEKOCHT' as never }, as('zorgaanbieder')),
    ).rejects.toBeInstanceOf(InvalidEventData);
    await expect(
      sdk.send('fout-0001', { type: 'URGENTIE_AANGEVRAAGD', data: { note: 5 } }, as('zorgaanbieder')),
    ).rejects.toMatchObject({
      code: 'InvalidEventData',
      issues: [{ field: 'data.note', message: expect.stringContaining('expected string') as string }],
    });
    await expect(
      sdk.send('fout-0001', { type: 'URGENTIE_AANGEVRAAGD' }, as('corporatie')),
    ).rejects.toBeInstanceOf(RoleNotPermitted);
    const phase = await sdk
      .send('fout-0001', { type: 'OMKLAPPEN_AKKOORD' }, as('corporatie'))
      .catch((e: unknown) => e);
    expect(phase).toBeInstanceOf(NotAllowedInPhase);
    expect(phase).toMatchObject({
      rule: 'phase',
      phase: 'urgentie',
      allowed: ['INGETROKKEN', 'URGENTIE_AANGEVRAAGD'],
    });
    await expect(sdk.status('niemand-0002')).rejects.toBeInstanceOf(TrajectNotFound);
    // The region the gateway checks an update against is read from the traject's record, not asked of a worker.
    expect(await sdk.region('fout-0001')).toBe('almere');
    await expect(sdk.region('niemand-0002')).rejects.toBeInstanceOf(TrajectNotFound);
    await expect(
      sdk.send('niemand-0002', { type: 'INSTEMMING_GEGEVEN' }, as('client')),
    ).rejects.toBeInstanceOf(TrajectNotFound);
    await expect(
      sdk.start({
        clientRef: 'fout-0001',
        region: 'almere',
        origin: 'BW',
        registeredBy: as('zorgaanbieder'),
      }),
    ).rejects.toBeInstanceOf(TrajectAlreadyExists);
    await expect(
      sdk.start({
        clientRef: 'fout-0003',
        region: 'almere',
        origin: 'XX' as 'BW',
        registeredBy: as('zorgaanbieder'),
      }),
    ).rejects.toBeInstanceOf(InvalidInput);
    await expect(sdk.list({ meetingBefore: 'morgen' })).rejects.toBeInstanceOf(InvalidInput);
    expect(await snapshot('fout-0001')).toEqual(before);
  });

  test('a send retried with its idempotency key changes the traject once', async () => {
    await sdk.start({
      clientRef: 'idem-0001',
      region: 'almere',
      origin: 'MO',
      registeredBy: as('zorgaanbieder'),
    });
    await sdk.send('idem-0001', { type: 'INSTEMMING_GEGEVEN' }, as('client'));
    const first = await sdk.send('idem-0001', { type: 'URGENTIE_AANGEVRAAGD' }, as('zorgaanbieder'), {
      idempotencyKey: 'k-1',
    });
    const retry = await sdk.send('idem-0001', { type: 'URGENTIE_AANGEVRAAGD' }, as('zorgaanbieder'), {
      idempotencyKey: 'k-1',
    });
    expect(retry.counters.events).toBe(first.counters.events);
    expect((await sdk.events('idem-0001')).filter((e) => e.type === 'URGENTIE_AANGEVRAAGD')).toHaveLength(1);
  });
});

describe('list', () => {
  const steps: Array<[string, string, Record<string, unknown>?]> = [
    ['INSTEMMING_GEGEVEN', 'client'],
    ['URGENTIE_AANGEVRAAGD', 'zorgaanbieder'],
    ['URGENTIE_TOEGEKEND', 'gemeente', { searchProfile: {} }],
    ['WONING_AANGEBODEN', 'corporatie', { homeRef: 'woning-0101' }],
    ['AANBOD_GEACCEPTEERD', 'client'],
    ['CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form: 'omklapcontract' }],
    ['CONTRACT_GETEKEND', 'corporatie', { form: 'omklapcontract' }],
  ];
  /** A dozen trajecten: [reference, region, how many steps of the path]. */
  const trajecten: Array<[string, string, number]> = [
    ['lijst-01', 'almere', 0],
    ['lijst-02', 'almere', 1],
    ['lijst-03', 'almere', 3],
    ['lijst-04', 'almere', 3],
    ['lijst-05', 'almere', 5],
    ['lijst-06', 'almere', 7],
    ['lijst-07', 'almere', 7],
    ['lijst-08', 'nijmegen', 1],
    ['lijst-09', 'nijmegen', 3],
    ['lijst-10', 'nijmegen', 7],
    ['lijst-11', 'amsterdam', 7],
    ['lijst-12', 's-hertogenbosch', 3],
  ];

  beforeAll(async () => {
    for (const [ref, region, count] of trajecten) {
      const covenant = presetCovenants[region]!;
      await sdk.start({
        clientRef: ref,
        region,
        origin: 'BW',
        registeredBy: actorFor(covenant, 'zorgaanbieder'),
      });
      for (const [type, role, data] of steps.slice(0, count)) {
        await sdk.send(
          ref,
          { type: type as never, ...(data ? { data } : {}) },
          actorFor(covenant, role as never),
        );
      }
    }
    // Visibility catches up with the search-attribute updates: wait until every traject shows the phase it is in.
    const phaseAfter = [
      'aanmelding',
      'urgentie',
      'urgentie',
      'matching',
      'matching',
      'contractering',
      'contractering',
      'tijdelijkContract',
    ];
    const expected = trajecten.map(([ref, , count]) => `${ref} ${phaseAfter[count]}`).sort();
    const listed = async () =>
      (await sdk.list({ pageSize: 1000 })).items
        .filter((t) => t.clientRef.startsWith('lijst-'))
        .map((t) => `${t.clientRef} ${t.phase}`)
        .sort();
    for (let i = 0; i < 300 && JSON.stringify(await listed()) !== JSON.stringify(expected); i += 1) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await listed()).toEqual(expected);
  });

  const refs = (items: TrajectSummary[]) =>
    items
      .map((t) => t.clientRef)
      .filter((r) => r.startsWith('lijst-'))
      .sort();

  test.each([
    [{ phase: 'matching' as const }, ['lijst-03', 'lijst-04', 'lijst-09', 'lijst-12']],
    [{ phase: 'tijdelijkContract' as const }, ['lijst-06', 'lijst-07', 'lijst-10', 'lijst-11']],
    [{ phase: 'urgentie' as const, region: 'nijmegen' }, ['lijst-08']],
    [{ region: 'almere', contractForm: 'omklapcontract' as const }, ['lijst-06', 'lijst-07']],
    [{ phase: 'aanmelding' as const }, ['lijst-01']],
  ])('%j', async (filter, expected) => {
    expect(refs((await sdk.list(filter)).items)).toEqual(expected);
  });

  test('next meeting before a date: the trajecten with a kennismakingsgesprek due within four weeks', async () => {
    const inFiveWeeks = new Date(Date.now() + 35 * 86_400_000).toISOString().slice(0, 10);
    expect(refs((await sdk.list({ meetingBefore: inFiveWeeks })).items)).toEqual([
      'lijst-06',
      'lijst-07',
      'lijst-10',
      'lijst-11',
    ]);
    expect(refs((await sdk.list({ meetingBefore: '2020-01-01' })).items)).toEqual([]);
  });

  test('pages: three at a time, every traject once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await sdk.list({
        region: 'almere',
        pageSize: 3,
        ...(token ? { nextPageToken: token } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...refs(page.items));
      token = page.nextPageToken;
    } while (token);
    expect(seen.sort()).toEqual([
      'lijst-01',
      'lijst-02',
      'lijst-03',
      'lijst-04',
      'lijst-05',
      'lijst-06',
      'lijst-07',
    ]);
  });

  test('tidw list shows the same as the SDK', async () => {
    const result = await tidw('--json', 'list', '--phase', 'tijdelijkContract', '--region', 'nijmegen');
    expect(result.code).toBe(0);
    expect(refs((JSON.parse(result.out) as { items: TrajectSummary[] }).items)).toEqual(['lijst-10']);
    const text = await tidw('list', '--phase', 'matching');
    expect(text.out).toMatch(/lijst-03\s+matching\s+almere/);
  });
});
