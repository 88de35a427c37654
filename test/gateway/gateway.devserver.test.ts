/**
 * The gateway end to end: real HTTP, tokens from an issuer that serves a real JWKS, the SDK behind it on a dev server
 * with the worker. Who is refused and how (401, 403, 404), what a party can do, idempotency through the header, the
 * processing log of a scripted session, and every response held against the OpenAPI document.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   an answer's body is what the server sent; the contract test at the end validates every one against the OpenAPI
   document, so the assertions read it untyped. */
import { defaultPayloadConverter } from '@temporalio/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { phases, type Actor } from '../../machines';
import { tidwWith } from '../support/cli';
import { contractProblems, gatewaySuite, unsignedToken, type Exchange } from './support';

const suite = gatewaySuite();

const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' };
const ymere: Actor = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-0003' };
const gemeente: Actor = { role: 'gemeente', organisation: 'Gemeente Almere', personId: 'gm-0001' };
const auditor: Actor = { role: 'auditor', organisation: 'Rekenkamer', personId: 'au-0001' };
const neighbour: Actor = { role: 'buurtbewoner', personId: 'bb-0001' };
const woonstad: Actor = { role: 'corporatie', organisation: 'Woonstad', personId: 'ws-0001' };
const clientOf = (ref: string): Actor => ({ role: 'client', personId: ref });

const exchanges: Exchange[] = [];

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One HTTP request to the gateway as an actor (or with a raw token); every answer is kept for the contract test. */
async function call(
  method: string,
  path: string,
  options: { as?: Actor; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const token = options.token ?? (options.as ? await suite.issuer.token(options.as) : undefined);
  const response = await fetch(`${suite.base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const body: unknown = contentType.includes('json') && text ? JSON.parse(text) : text;
  exchanges.push({ method, path, status: response.status, contentType, body });
  return { status: response.status, headers: response.headers, body };
}

const send = (ref: string, as: Actor, type: string, data?: unknown, key?: string) =>
  call('POST', `/v1/trajecten/${ref}/events`, {
    as,
    body: { type, ...(data ? { data } : {}) },
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

const start = (ref: string, as: Actor = kwintes, region = 'almere') =>
  call('POST', '/v1/trajecten', { as, body: { clientRef: ref, region, origin: 'BW' } });

describe('authentication: 401 with a problem, for every token that is not good', () => {
  test.each<[string, () => Promise<string | undefined>]>([
    ['no token', () => Promise.resolve(undefined)],
    [
      'an expired token',
      () => suite.issuer.token(kwintes, {}, { expiresIn: Math.floor(Date.now() / 1000) - 600 }),
    ],
    ['a token not yet valid', () => suite.issuer.token(kwintes, {}, { notBefore: '10m' })],
    [
      'a token from another issuer',
      () => suite.issuer.token(kwintes, { iss: 'https://sso.elders.nl/realms/x' }),
    ],
    ['a token for another audience', () => suite.issuer.token(kwintes, { aud: 'another-api' })],
    [
      'a token with a bad signature',
      async () => {
        const [header, payload] = (await suite.issuer.token(kwintes)).split('.');
        const other = (await suite.issuer.token(ymere)).split('.')[2];
        return `${header}.${payload}.${other}`;
      },
    ],
    ['a token with alg none', () => Promise.resolve(unsignedToken(suite.issuer.url, kwintes))],
    [
      'a token signed with an unknown key id',
      () => suite.issuer.token(kwintes, {}, { unknownKid: 'elsewhere-9' }),
    ],
  ])('%s', async (_, make) => {
    const token = await make();
    const answer = await call('GET', '/v1/trajecten', token ? { token } : {});
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(answer.body).toMatchObject({ status: 401, code: 'Unauthenticated' });
  });

  test('a good token passes, and its claims make the actor (a client-credentials token included)', async () => {
    expect((await call('GET', '/v1/trajecten', { as: kwintes })).status).toBe(200);
    // A partner system: Keycloak's client-credentials token has the client as azp and a service-account subject.
    const token = await suite.issuer.token(ymere, { sub: undefined, azp: 'ymere-crm' });
    expect((await call('GET', '/v1/covenants', { token })).status).toBe(200);
  });
});

describe('a traject through the door', () => {
  const ref = 'gw-0001';

  beforeAll(async () => {
    expect((await start(ref)).status).toBe(201);
  });

  test('start answers 201 with the status and where it lives; a second start is a conflict', async () => {
    const again = await start(ref);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'TrajectAlreadyExists' });
    const status = await call('GET', `/v1/trajecten/${ref}`, { as: ymere });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ trajectRef: ref, region: 'almere', phase: 'aanmelding' });
    expect(status.headers.get('api-version')).toBe('1.0.0');
  });

  test('what each caller may do now, with each event data as JSON Schema', async () => {
    const asClient = await call('GET', `/v1/trajecten/${ref}/may-do-now`, { as: clientOf(ref) });
    expect(asClient.status).toBe(200);
    expect(asClient.body.events.map((e: { type: string }) => e.type).sort()).toEqual([
      'INGETROKKEN',
      'INSTEMMING_GEGEVEN',
    ]);
    expect(await send(ref, clientOf(ref), 'INSTEMMING_GEGEVEN')).toMatchObject({ status: 200 });
    const asKwintes = await call('GET', `/v1/trajecten/${ref}/may-do-now`, { as: kwintes });
    expect(asKwintes.body.events.map((e: { type: string }) => e.type).sort()).toEqual([
      'INGETROKKEN',
      'URGENTIE_AANGEVRAAGD',
    ]);
    const withdraw = asKwintes.body.events.find((e: { type: string }) => e.type === 'INGETROKKEN');
    expect(withdraw.dataSchema).toMatchObject({
      type: 'object',
      properties: { reason: { enum: ['client', 'verhuisd', 'zorgaanbieder', 'overig'] } },
    });
    const asAuditor = await call('GET', `/v1/trajecten/${ref}/may-do-now`, { as: auditor });
    expect(asAuditor.body.events).toEqual([]);
  });

  test('a retried POST with the same Idempotency-Key is taken once', async () => {
    const first = await send(ref, kwintes, 'URGENTIE_AANGEVRAAGD', undefined, 'zb-0017-aanvraag');
    const retry = await send(ref, kwintes, 'URGENTIE_AANGEVRAAGD', undefined, 'zb-0017-aanvraag');
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.phase).toBe('urgentie');
    const log = await call('GET', `/v1/trajecten/${ref}/events`, { as: kwintes });
    expect(log.body.filter((e: { type: string }) => e.type === 'URGENTIE_AANGEVRAAGD')).toHaveLength(1);
  });

  test('refusals by the engine: wrong phase 409 with the rule, bad data 422, bad body 400', async () => {
    const early = await send(ref, ymere, 'WONING_AANGEBODEN', { homeRef: 'woning-0042' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'NotAllowedInPhase', rule: 'phase', phase: 'urgentie' });
    const bad = await send(ref, gemeente, 'URGENTIE_TOEGEKEND', { searchProfile: { maxRent: -1 } });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'InvalidEventData', rule: 'schema' });
    const nonsense = await send(ref, gemeente, 'HUIS_GEKOCHT');
    expect(nonsense.status).toBe(400);
    expect(nonsense.body).toMatchObject({ code: 'ValidationFailed' });
  });

  test('403: a role the covenant does not allow, an organisation not a party in its role, a neighbour reading, an auditor writing', async () => {
    const wrongRole = await send(ref, ymere, 'URGENTIE_TOEGEKEND', { searchProfile: {} });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body).toMatchObject({
      code: 'RoleNotPermitted',
      rule: 'permissions.URGENTIE_TOEGEKEND',
    });

    const notAParty = await start('gw-0099', { ...kwintes, organisation: 'Cordaan' });
    expect(notAParty.status).toBe(403);
    expect(notAParty.body).toMatchObject({ code: 'RoleNotPermitted', rule: 'parties.zorgaanbieder' });
    // Ymere is a party of Almere, but as a corporation, not as the municipality.
    const inAnotherRole = await send(ref, { ...gemeente, organisation: 'Ymere' }, 'URGENTIE_TOEGEKEND', {
      searchProfile: {},
    });
    expect(inAnotherRole.status).toBe(403);
    expect(inAnotherRole.body).toMatchObject({ code: 'RoleNotPermitted', rule: 'parties.gemeente' });

    const reading = await call('GET', `/v1/trajecten/${ref}`, { as: neighbour });
    expect(reading.status).toBe(403);
    expect((await call('GET', '/v1/trajecten', { as: neighbour })).status).toBe(403);

    const writing = await send(ref, auditor, 'URGENTIE_TOEGEKEND', { searchProfile: {} });
    expect(writing.status).toBe(403);
    expect(writing.body).toMatchObject({ code: 'RoleNotPermitted', rule: 'writes.auditor' });
    expect((await call('GET', `/v1/trajecten/${ref}`, { as: auditor })).status).toBe(200);
  });

  test('404 for a non-party, exactly as for a traject that does not exist', async () => {
    const existing = await call('GET', `/v1/trajecten/${ref}`, { as: woonstad });
    const missing = await call('GET', '/v1/trajecten/niemand-0001', { as: woonstad });
    expect(existing.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = (b: { instance?: string; detail: string }) => ({
      ...b,
      instance: undefined,
      detail: b.detail.replace(/gw-0001|niemand-0001/, 'REF'),
    });
    expect(strip(existing.body)).toEqual(strip(missing.body));
    expect((await send(ref, woonstad, 'WONING_AANGEBODEN', { homeRef: 'woning-1' })).status).toBe(404);
    expect((await call('GET', `/v1/trajecten/${ref}`, { as: clientOf('iemand-anders') })).status).toBe(404);
  });

  test('lists are scoped to the caller covenants and filter with cursor paging', async () => {
    expect((await start('gw-0002')).status).toBe(201);
    expect((await start('gw-0003', kwintes, 'demo')).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `/v1/trajecten?pageSize=1${cursor ? `&cursor=${cursor}` : ''}`, {
        as: kwintes,
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { clientRef: string }) => i.clientRef));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(['gw-0001', 'gw-0002', 'gw-0003']));
    const urgentie = await call('GET', '/v1/trajecten?phase=urgentie&region=almere', { as: ymere });
    expect(urgentie.body.items.map((i: { clientRef: string }) => i.clientRef)).toContain('gw-0001');
    expect(urgentie.body.items.map((i: { clientRef: string }) => i.clientRef)).not.toContain('gw-0002');
    const none = await call('GET', '/v1/trajecten?escalated=true&overdue=true', { as: kwintes });
    expect(none.body.items).toEqual([]);
    const elsewhere = await call('GET', '/v1/trajecten', { as: woonstad });
    expect(elsewhere.body.items).toEqual([]);
  }, 60_000);

  test('counts are what the list holds, exactly: scoped to the caller covenants, with the same filters', async () => {
    const listed = async (as: Actor, query = '') => {
      const items: Array<{ clientRef: string; phase: string; escalated: boolean }> = [];
      let cursor: string | undefined;
      do {
        const page = await call(
          'GET',
          `/v1/trajecten?pageSize=200${query}${cursor ? `&cursor=${cursor}` : ''}`,
          {
            as,
          },
        );
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    };
    const expected = (items: Array<{ phase: string; escalated: boolean }>) => ({
      total: items.length,
      escalated: items.filter((i) => i.escalated).length,
      // Every phase, the empty ones as zero.
      phases: Object.fromEntries(phases.map((p) => [p, items.filter((i) => i.phase === p).length])),
    });

    const mine = await listed(kwintes);
    expect(mine.length).toBeGreaterThanOrEqual(3); // almere and demo: both covenants of Kwintes
    const counts = await call('GET', '/v1/trajecten-counts', { as: kwintes });
    expect(counts.status).toBe(200);
    expect(counts.body).toEqual(expected(mine));
    const phaseTotal = Object.values(counts.body.phases as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(phaseTotal).toBe(counts.body.total);

    expect(new Set(mine.map((i) => i.phase)).size).toBeGreaterThanOrEqual(2); // counts over more than one phase
    // A filter on a phase or on escalation: all is then that count, the others as the list has them.
    for (const query of ['phase=aanmelding', 'escalated=true', 'escalated=false']) {
      const filtered = await call('GET', `/v1/trajecten-counts?${query}`, { as: kwintes });
      expect(filtered.body).toEqual(expected(await listed(kwintes, `&${query}`)));
    }

    const almere = await call('GET', '/v1/trajecten-counts?region=almere&phase=urgentie', { as: ymere });
    expect(almere.body).toEqual(expected(await listed(ymere, '&region=almere&phase=urgentie')));
    expect(almere.body.total).toBeGreaterThanOrEqual(1);
    expect(almere.body.phases.aanmelding).toBe(0);

    // Another organisation's covenant counts nothing, as its list shows nothing; an auditor counts everything.
    const elsewhere = await call('GET', '/v1/trajecten-counts?region=amsterdam', { as: kwintes });
    expect(elsewhere.body).toMatchObject({ total: 0, escalated: 0 });
    expect((await call('GET', '/v1/trajecten-counts', { as: woonstad })).body.total).toBe(0);
    const all = await call('GET', '/v1/trajecten-counts', { as: auditor });
    expect(all.body.total).toBeGreaterThanOrEqual(counts.body.total);

    const neighbourCounts = await call('GET', '/v1/trajecten-counts', { as: neighbour });
    expect(neighbourCounts.status).toBe(403);
    expect(neighbourCounts.body).toMatchObject({ code: 'RoleNotPermitted', rule: 'reads.buurtbewoner' });
    const clientCounts = await call('GET', '/v1/trajecten-counts', { as: clientOf(ref) });
    expect(clientCounts.body).toMatchObject({ code: 'RoleNotPermitted', rule: 'list.client' });
    expect((await call('GET', '/v1/trajecten-counts?phase=nope', { as: kwintes })).status).toBe(400);
    expect((await call('GET', '/v1/trajecten-counts?pageSize=5', { as: kwintes })).status).toBe(400);
  }, 60_000);

  test('withdraw, timeline (JSON and page), access export, history for auditors, erasure then 410', async () => {
    const withdrawn = await call('POST', '/v1/trajecten/gw-0002/withdraw', {
      as: kwintes,
      body: { reason: 'verhuisd' },
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.phase).toBe('ingetrokken');
    const timeline = await call('GET', `/v1/trajecten/${ref}/timeline`, { as: kwintes });
    expect(timeline.status).toBe(200);
    expect(timeline.body.entries.map((e: { event: string }) => e.event)).toContain('URGENTIE_AANGEVRAAGD');
    const page = await call('GET', `/v1/trajecten/${ref}/timeline.html`, { as: auditor });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('<html');
    expect((await call('GET', `/v1/trajecten/${ref}/history`, { as: kwintes })).status).toBe(403);
    const history = await call('GET', `/v1/trajecten/${ref}/history`, { as: auditor });
    expect(history.body).toMatchObject({ format: 'tidw-history-chain/1', workflowId: `traject-${ref}` });
    expect((await call('POST', `/v1/trajecten/${ref}/replay`, { as: kwintes })).status).toBe(403);
    const replayed = await call('POST', `/v1/trajecten/${ref}/replay`, { as: auditor });
    expect(replayed.status).toBe(200);
    expect(replayed.body.outcomes).toEqual([
      expect.objectContaining({ workflowId: `traject-${ref}`, ok: true }),
    ]);
    const exported = await call('GET', '/v1/trajecten/gw-0002/export', { as: kwintes });
    expect(exported.body).toMatchObject({ format: 'tidw-access-export/1', clientRef: 'gw-0002' });
    expect((await call('POST', '/v1/trajecten/gw-0002/erase', { as: ymere })).status).toBe(403);
    const erased = await call('POST', '/v1/trajecten/gw-0002/erase', { as: gemeente });
    expect(erased.status).toBe(200);
    const gone = await call('GET', '/v1/trajecten/gw-0002', { as: kwintes });
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ code: 'TrajectErased' });
    expect((await call('GET', '/v1/trajecten/gw-0002', { as: clientOf('gw-0009') })).status).toBe(404);
  }, 180_000);

  test('the covenants and their terms', async () => {
    const list = await call('GET', '/v1/covenants', { as: ymere });
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['almere', 'demo']),
    );
    const almere = await call('GET', '/v1/covenants/almere', { as: ymere });
    expect(almere.body.terms).toMatchObject({ minimumTerm: { omklapcontract: 'P12M' } });
    expect((await call('GET', '/v1/covenants/nergens', { as: ymere })).status).toBe(404);
  });
});

describe('the processing log', () => {
  test('one record per operation of a scripted session, with the trace, and no personal data', async () => {
    const ref = 'log-0001';
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
    // A person whose identity provider uses the e-mail address as subject: the log keeps only a hash of it.
    const mailToken = await suite.issuer.token({ ...kwintes, personId: 'j.jansen@kwintes.nl' });
    const session: Array<[string, () => Promise<Answer>]> = [
      ['traject.start', () => start(ref)],
      ['traject.send', () => send(ref, clientOf(ref), 'INSTEMMING_GEGEVEN')],
      [
        'traject.send',
        () =>
          call('POST', `/v1/trajecten/${ref}/events`, {
            token: mailToken,
            body: {
              type: 'URGENTIE_AANGEVRAAGD',
              data: { note: 'Jan Jansen, Dorpsstraat 1, BSN 123456782' },
            },
            headers: { traceparent },
          }),
      ],
      ['traject.status', () => call('GET', `/v1/trajecten/${ref}`, { as: gemeente })],
      ['traject.may-do-now', () => call('GET', `/v1/trajecten/${ref}/may-do-now`, { as: gemeente })],
      ['traject.send', () => send(ref, ymere, 'URGENTIE_TOEGEKEND', { searchProfile: {} })], // refused: 403
      ['traject.status', () => call('GET', `/v1/trajecten/${ref}`, { as: woonstad })], // refused: 404
      ['traject.events', () => call('GET', `/v1/trajecten/${ref}/events`, { as: auditor })],
    ];
    for (const [, step] of session) await step();

    const read = await call('GET', `/v1/processing-log?trajectRef=${ref}`, { as: auditor });
    expect(read.status).toBe(200);
    const records = read.body.records as Array<Record<string, any>>;
    expect(records.map((r) => r.operation)).toEqual(session.map(([operation]) => operation));
    expect(records.map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'refused', 'refused', 'ok']);
    expect(records[5]).toMatchObject({
      status: 403,
      code: 'RoleNotPermitted',
      actor: { role: 'corporatie' },
    });
    expect(records[2]!.traceId).toBe(traceId);
    // The trace goes on to the workflow: the update the request sent carries it as its traceparent header.
    const history = await suite.sdk.history(ref);
    const traced = history.runs
      .flatMap((run) => run.history.events ?? [])
      .map(
        (e) =>
          e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.header?.fields
            ?.traceparent,
      )
      .filter((p) => p !== undefined && p !== null)
      .map((p) => defaultPayloadConverter.fromPayload<string>(p));
    expect(traced).toContainEqual(expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)));
    expect(records[2]!.actor.personId).toMatch(/^h:[0-9a-f]{32}$/);
    expect(records[1]!.actor).toEqual({ role: 'client', personId: ref });
    expect(new Set(records.map((r) => r.requestId)).size).toBe(records.length);

    const dir = join(suite.dataDir, 'processing-log');
    const text = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('');
    for (const personal of ['Jansen', 'Dorpsstraat', '123456782', 'j.jansen', 'kwintes.nl'])
      expect(text).not.toContain(personal);

    expect((await call('GET', '/v1/processing-log', { as: kwintes })).status).toBe(403);
    const tidw = tidwWith(undefined, { TIDW_DATA_DIR: suite.dataDir });
    const printed = await tidw('--json', 'log', '--traject', ref);
    expect(printed.code).toBe(0);
    expect((JSON.parse(printed.out) as unknown[]).length).toBe(session.length);
  }, 60_000);
});

describe('the contract', () => {
  test('every route is in the OpenAPI document, and every response above validates against it', async () => {
    const document = (await (await fetch(`${suite.base}/v1/openapi.json`)).json()) as Parameters<
      typeof contractProblems
    >[0];
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    const routes = suite.gateway.app.tidwRoutes
      .filter(
        (r) => r.url.startsWith('/v1/') && !r.url.startsWith('/v1/docs') && r.url !== '/v1/openapi.json',
      )
      .filter((r) => r.method !== 'HEAD')
      .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThanOrEqual(15);
    for (const route of routes) expect(documented).toContain(route);

    // The checker does check: a status with an unknown phase, or a problem without its code, does not pass.
    const status = exchanges.find(
      (e) => e.method === 'GET' && e.status === 200 && /trajecten\/gw-0001$/.test(e.path),
    )!;
    expect(
      contractProblems(document, { ...status, body: { ...(status.body as object), phase: 'nope' } }),
    ).not.toEqual([]);
    const problem = exchanges.find((e) => e.status === 404)!;
    expect(contractProblems(document, { ...problem, body: { status: 404 } })).not.toEqual([]);
    expect(contractProblems(document, { ...problem, contentType: 'application/json' })).not.toEqual([]);

    expect(exchanges.length).toBeGreaterThan(50);
    const problems = exchanges.flatMap((e) => contractProblems(document, e));
    expect(problems).toEqual([]);
    const covered = new Set(exchanges.map((e) => `${e.method.toLowerCase()} ${e.path}`));
    expect(covered.size).toBeGreaterThan(20);
  });
});
