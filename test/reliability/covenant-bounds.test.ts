/**
 * Issue 16, item 8: a covenant whose terms pass the check must not break trajecten. Zero terms (timers that fire for
 * ever) and terms of centuries (beyond the calendar) are refused by `tidw covenant check`, by the SDK before a
 * workflow starts, and by the workflow itself when a raw Temporal client starts one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { InvalidInput } from '../../client/errors';
import { TenancyClient } from '../../client/tenancy-client';
import { checkCovenant, demoCovenant, presetCovenants, termMaxima, type Covenant } from '../../machines';
import { almere } from '../../machines/covenants/almere';
import type { tenancyWorkflow } from '../../workflows';
import { TASK_QUEUE, workflowIdFor } from '../../workflows/messages';
import { tidwWith } from '../support/cli';
import { actorFor } from '../support/model';
import { timeSkippingSuite } from '../support/temporal';

const suite = timeSkippingSuite();
const tidw = tidwWith(() => Promise.reject(new Error('no server in this test')));
const dir = mkdtempSync(join(tmpdir(), 'tidw-bounds-'));

/** Almere with one term replaced, as a covenant file would carry it (unchecked). */
const withTerm = (field: string, value: string) => {
  const terms: Record<string, unknown> = { ...almere.terms, minimumTerm: { ...almere.terms.minimumTerm } };
  const [head, tail] = field.split('.');
  if (tail) (terms[head!] as Record<string, unknown>)[tail] = value;
  else terms[head!] = value;
  return { ...almere, id: 'kapot', terms } as unknown as Covenant;
};

test('every preset and the demo covenant (terms in seconds) stay valid', () => {
  for (const covenant of [...Object.values(presetCovenants), demoCovenant])
    expect(checkCovenant(covenant)).toMatchObject({ ok: true });
});

test.each([
  ['kennismakingsgesprekWithin', 'P300000Y', 'longer than the maximum of P1Y'],
  ['kennismakingsgesprekWithin', 'PT0S', 'longer than zero'],
  ['evaluatiegesprekInterval', 'P0D', 'longer than zero'],
  ['minimumTerm.omklapcontract', 'P11Y', 'longer than the maximum of P10Y'],
  ['waakvlamCheckIn', 'PT99999999999999999S', 'longer than the maximum of P1Y'],
])('tidw covenant check refuses %s = %s, naming the field', async (field, value, message) => {
  const file = join(dir, `${field}-${value}.json`);
  writeFileSync(file, JSON.stringify(withTerm(field, value)));
  const result = await tidw('covenant', 'check', file);
  expect(result.code).toBe(2);
  expect(result.err).toContain(`terms.${field}: ${value}`);
  expect(result.err).toContain(message);
});

test('every duration term has a documented maximum', () => {
  const durations = Object.entries(almere.terms).flatMap(([name, value]) =>
    typeof value === 'string'
      ? [name]
      : typeof value === 'object' && typeof Object.values(value)[0] === 'string'
        ? Object.keys(value).map((k) => `${name}.${k}`)
        : [],
  );
  expect(Object.keys(termMaxima).sort()).toEqual(durations.sort());
});

test('the SDK refuses to start a traject under a covenant out of bounds, before any workflow starts', async () => {
  const started: unknown[] = [];
  const client = { workflow: { start: (...args: unknown[]) => started.push(args) } } as unknown as Client;
  const sdk = new TenancyClient(client, {} as Connection, { taskQueue: TASK_QUEUE, namespace: 'default' }, [
    withTerm('kennismakingsgesprekWithin', 'P300000Y'),
  ]);
  const start = sdk.start({
    clientRef: 'c-bounds-1',
    region: 'kapot',
    origin: 'BW',
    registeredBy: actorFor(presetCovenants.almere!, 'zorgaanbieder'),
  });
  await expect(start).rejects.toBeInstanceOf(InvalidInput);
  await expect(start).rejects.toMatchObject({
    problems: [{ field: 'terms.kennismakingsgesprekWithin' }],
  });
  expect(started).toEqual([]);
});

test.each([
  [
    'kennismakingsgesprekWithin = PT0S',
    withTerm('kennismakingsgesprekWithin', 'PT0S'),
    'terms.kennismakingsgesprekWithin',
  ],
  [
    'kennismakingsgesprekWithin = P300000Y',
    withTerm('kennismakingsgesprekWithin', 'P300000Y'),
    'terms.kennismakingsgesprekWithin',
  ],
  [
    'a billion working days',
    { ...almere, terms: { ...almere.terms, nuisanceFirstResponseWorkingDays: 1e9 } },
    'terms.nuisanceFirstResponseWorkingDays',
  ],
  ['an unknown time zone', { ...almere, timezone: 'Mars/Olympus' }, 'timezone'],
  ['no terms at all', { ...almere, terms: undefined } as unknown as Covenant, 'terms'],
])(
  'a workflow started by a raw Temporal client with %s fails for good, typed, naming the field',
  async (name, covenant, field) => {
    const ref = `raw-${name.replace(/[^a-z0-9]+/gi, '-')}`;
    const handle = await suite.env.client.workflow.start<typeof tenancyWorkflow>('tenancyWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: workflowIdFor(ref),
      args: [
        {
          aanmelding: {
            trajectRef: ref,
            origin: 'BW',
            covenant,
            registeredBy: actorFor(presetCovenants.almere!, 'zorgaanbieder'),
          },
        },
      ],
    });
    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'InvalidCovenant', nonRetryable: true });
    expect(cause?.message).toContain(`${field}: `);
    // It failed at once: no invitation, no timer, nothing but the start and the failure.
    const { events } = await handle.fetchHistory();
    expect(
      events?.filter((e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes),
    ).toEqual([]);
  },
);
