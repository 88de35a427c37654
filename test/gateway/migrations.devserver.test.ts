/**
 * Covenant migration over real HTTP: a dev server, the worker and the gateway with tokens from a real JWKS. The
 * gemeente dry-runs moving two Almere trajecten onto almere@2023-01, starts the migration (202 and a Location), follows
 * it until it completes, and each traject's event log then shows one CONVENANT_GEWIJZIGD; an auditor reads the status.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
   an answer's body is what the server sent; the assertions read it untyped. */
import type { Actor } from '../../machines';
import { gatewaySuite } from './support';

const suite = gatewaySuite();

const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0017' };
const gemeente: Actor = { role: 'gemeente', organisation: 'Gemeente Almere', personId: 'gm-0001' };
const auditor: Actor = { role: 'auditor', organisation: 'Rekenkamer', personId: 'au-0001' };

async function call(method: string, path: string, as: Actor, body?: unknown) {
  const response = await fetch(`${suite.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await suite.issuer.token(as)}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks again until `done` holds of the answer (visibility and the migration are eventually there), at most a minute. */
async function until<T>(ask: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const answer = await ask();
    if (done(answer) || i >= 120) return answer;
    await sleep(500);
  }
}

test('dry run, then migrate two Almere trajecten to almere@2023-01 and follow it to the end', async () => {
  const refs = ['mg-0001', 'mg-0002'];
  for (const ref of refs) {
    const started = await call('POST', '/v1/trajecten', kwintes, {
      clientRef: ref,
      region: 'almere',
      origin: 'BW',
    });
    expect(started.status).toBe(201);
  }
  const request = { region: 'almere', to: 'almere@2023-01', reason: 'covenant 2023 signed' };

  const dryRun = await until(
    () => call('POST', '/v1/migrations/dry-run', gemeente, request),
    (a) => a.body?.summary?.trajecten === 2,
  );
  expect(dryRun.status).toBe(200);
  expect(dryRun.body).toMatchObject({
    to: 'almere@2023-01',
    dryRun: true,
    summary: { trajecten: 2, planned: 2, migrated: 0, failed: 0 },
  });
  expect(dryRun.body.outcomes.map((o: any) => o.clientRef).sort()).toEqual(refs);
  for (const o of dryRun.body.outcomes)
    expect(o).toMatchObject({ result: 'planned', change: expect.any(Object) });
  // The dry run changed nothing.
  for (const ref of refs) {
    const events = await call('GET', `/v1/trajecten/${ref}/events`, kwintes);
    expect(events.body.filter((e: any) => e.type === 'CONVENANT_GEWIJZIGD')).toHaveLength(0);
  }

  const started = await call('POST', '/v1/migrations', gemeente, request);
  expect(started.status).toBe(202);
  expect(started.body).toEqual({
    migrationId: 'covenant-migration-almere-almere-2023-01',
    state: 'running',
    total: 2,
  });
  const location = started.headers.get('location')!;
  expect(location).toBe('/v1/migrations/covenant-migration-almere-almere-2023-01');

  const final = await until(
    () => call('GET', location, gemeente),
    (a) => a.body?.state !== 'running',
  );
  expect(final.status).toBe(200);
  expect(final.body).toMatchObject({
    state: 'completed',
    total: 2,
    done: 2,
    migrated: 2,
    skipped: 0,
    failed: 0,
  });
  expect(final.body.outcomes.map((o: any) => o.clientRef).sort()).toEqual(refs);

  for (const ref of refs) {
    const events = await call('GET', `/v1/trajecten/${ref}/events`, kwintes);
    const changes = events.body.filter((e: any) => e.type === 'CONVENANT_GEWIJZIGD');
    expect(changes).toHaveLength(1);
    expect(changes[0].actor).toMatchObject({ role: 'gemeente', organisation: 'Gemeente Almere' });
  }

  const audited = await call('GET', location, auditor);
  expect(audited.status).toBe(200);
  expect(audited.body).toMatchObject({ state: 'completed', migrated: 2 });
  const unknown = await call('GET', '/v1/migrations/covenant-migration-almere-almere-2099-01', gemeente);
  expect(unknown.status).toBe(404);
  expect(unknown.body).toMatchObject({ code: 'MigrationNotFound' });
});
