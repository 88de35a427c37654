/**
 * The read model fed by real workflows: the seven hand-made trajects of event-logs.ts run as tenancy workflows on the
 * time-skipping server, each event sent at its date, timers firing by themselves; their facts go through the
 * worker's activity into a real SQLite file, and the report read back from it has the figures worked out by hand.
 *
 * The server's clock cannot go back, so every date moves 28 years on (2026 → 2054): the Gregorian calendar repeats
 * itself after 28 years in this century (weekdays and leap days alike), and the covenant's closing days move with it,
 * so every working-day deadline falls as it did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createActivities } from '../../activities';
import {
  evaluationFigures,
  factsFromEventLog,
  reportCsv,
  reportFromStore,
  type TrajectEventLog,
} from '../../client/evaluation';
import type { CoordinatorEvent, Covenant } from '../../machines';
import { openSqliteStore, READ_MODEL_FILE, type FactsStore } from '../../platform/read-model';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { sendEventUpdate, TASK_QUEUE, workflowIdFor } from '../../workflows/messages';
import { AS_OF, almere, handMadeLogs } from './event-logs';
import { startWorker, timeSkippingEnvironment } from '../support/temporal';

const YEARS = 28;
const later = (value: string) =>
  /^\d{4}-\d\d-\d\d/.test(value) ? `${Number(value.slice(0, 4)) + YEARS}${value.slice(4)}` : value;
/** Every date in a value, 28 years on. */
function shifted<T>(value: T): T {
  if (typeof value === 'string') return later(value) as T;
  if (Array.isArray(value)) return value.map(shifted) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shifted(v)])) as T;
  return value;
}

const covenant: Covenant = { ...almere, closingDays: (almere.closingDays ?? []).map(later) };
const logs: TrajectEventLog[] = handMadeLogs.map((log) => ({
  registration: { ...shifted(log.registration), covenant },
  events: log.events.map(shifted),
}));
const asOf = later(AS_OF);

let env: TestWorkflowEnvironment;
let stopWorker: () => Promise<void>;
let dir: string;
let store: FactsStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidw-read-model-'));
  store = openSqliteStore(join(dir, READ_MODEL_FILE));
  env = await timeSkippingEnvironment();
  const activities = createActivities({
    delivery: { endpoints: {}, outboxDir: join(dir, 'outbox'), timeoutMs: 5000 },
    logger: pino({ level: 'silent' }),
    readModel: store,
  });
  ({ stop: stopWorker } = await startWorker(env, await bundleTenancyWorkflows(), activities));
}, 300_000);

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Moves the server's clock to `at` (timers due on the way fire). */
async function sleepUntil(at: string): Promise<void> {
  const ms = Date.parse(at) - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

test('seven trajects run as workflows: the report read from the read model has the hand-computed figures', async () => {
  type Step = { at: string; log: TrajectEventLog; event?: CoordinatorEvent };
  const steps: Step[] = logs.flatMap((log) => [
    { at: log.registration.registeredAt, log },
    ...log.events.filter((e): e is CoordinatorEvent => 'actor' in e).map((event) => ({ at: event.at, log, event })),
  ]);
  steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  for (const { at, log, event } of steps) {
    await sleepUntil(at);
    const { trajectRef, origin, registeredBy } = log.registration;
    const workflowId = workflowIdFor(trajectRef);
    if (!event) {
      await env.client.workflow.start('tenancyWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [{ aanmelding: { trajectRef, origin, covenant, registeredBy } }],
      });
      continue;
    }
    const { type, actor, data } = event;
    await env.client.workflow
      .getHandle(workflowId)
      .executeUpdate(sendEventUpdate, { args: [{ event: { type, actor, ...(data ? { data } : {}) } }] });
  }
  await sleepUntil(asOf);

  // What the figures must be: the hand-made logs' own facts, and the numbers worked out by hand in figures.test.ts.
  const expected = evaluationFigures(
    logs.map((log) => factsFromEventLog(log, { asOf })),
    { region: 'almere', period: '2054-H1' },
  );
  let report = reportFromStore(store, { region: 'almere', period: '2054-H1', asOf });
  // The last writes are the worker sink's (or local activities) of the last workflow tasks: give them a moment.
  for (let i = 0; i < 50 && JSON.stringify(report.scenarios[0]!.whole) !== JSON.stringify(expected); i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    report = reportFromStore(store, { region: 'almere', period: '2054-H1', asOf });
  }
  const live = report.scenarios[0]!.whole;

  expect(store.counts()).toEqual({ almere: 7 });
  expect(live.trajects).toBe(7);
  expect(live.flow).toEqual({
    registered: 4,
    urgencyRequested: 3,
    urgencyGranted: 2,
    urgencyRefused: 1,
    offers: 3,
    offersRefused: 1,
    movedIn: 2,
    converted: 1,
    closed: 0,
    ended: 1,
    withdrawn: 1,
  });
  expect(live.openAtEnd).toMatchObject({ matching: 1, tijdelijkContract: 2, waakvlam: 1, timeout: 0 });
  const months = (days: number) => Math.round((days / (365.25 / 12)) * 100) / 100;
  expect(live.offerLeadTime).toEqual({
    offered: 2,
    medianMonths: months(54),
    p90Months: months(98),
    withinReminderShare: 0.5,
    withinEscalationShare: 1,
    waiting: 1,
    waitingPastEscalation: 1,
  });
  expect(live.meetings.kennismakingsgesprek).toEqual({
    due: 2,
    heldInTime: 1,
    heldLate: 0,
    notHeld: 1,
    inTimeShare: 0.5,
  });
  expect(live.escalations.urgentiebesluitTeLaat).toEqual({
    opened: 1,
    resolved: 1,
    medianDaysToResolve: 7,
    openAtEnd: 0,
  });
  expect(live.escalations.huurachterstandOnopgelost.medianDaysToResolve).toBe(14);
  expect(live.nuisance).toEqual({
    reported: 1,
    answeredInTime: 1,
    answeredInTimeShare: 1,
    escalatedToCaseConsultation: 1,
  });
  expect(live.relapses).toEqual({ started: 1, ended: 1, timeoutDays: 5 });
  expect(live.waakvlam).toEqual({ months: 4, overBudget: 1, overBudgetShare: 0.25 });
  expect(live).toEqual({ ...expected, period: { ...expected.period, label: '2054-H1' } });

  // The report's shapes: one scenario named live, the half year under its own label, once.
  expect(report).toMatchObject({ format: 'tidw-evaluation/1', kind: 'live', region: 'almere' });
  expect(report.scenarios.map((s) => [s.name, s.whole.period.label, s.halfYears.length])).toEqual([
    ['live', '2054-H1', 0],
  ]);
  expect(reportCsv(report).split('\n')[1]).toBe('live,2054-H1,trajects,7');
}, 300_000);

test('a retried write of facts already stored writes nothing, and an older one never overwrites a newer one', () => {
  const [one] = store.factsOf('almere');
  const workflowId = workflowIdFor(one!.trajectRef);
  expect(store.put({ workflowId, seq: 1, facts: { ...one!, offers: [] } })).toBe('stale');
  expect(store.factsOf('almere').find((f) => f.trajectRef === one!.trajectRef)).toEqual(one);
});
