/**
 * `tidw migrate` over a region, against trajecten run on the pure machine behind a fake SDK: the dry run changes
 * nothing and predicts what the migration does; a migration cut off halfway (the connection lost, the process
 * killed) resumes when run again, skipping what already moved, so nothing is migrated twice.
 */
import {
  decideCovenantChange,
  migrationSteps,
  phaseOf,
  resolveCovenant,
  trajectMachine,
  type Covenant,
  type PendingTimer,
  type TrajectSnapshot,
} from '../../machines';
import { formatMigrationReport, migrateRegion, type MigrationSource } from '../../client/migration';
import { tidwWith } from '../support/cli';
import { actorFor } from '../support/model';
import { runScenario, scenarios } from '../support/scenarios';

const v2021 = resolveCovenant('almere')!;
const v2023 = resolveCovenant('almere@2023-01')!;
const gemeente = actorFor(v2021, 'gemeente');
const reason = 'covenant reworked in 2023';

/** Trajecten at every step of Almere's happy path: from registration to waakvlam, and one that ended. */
function region(): Map<string, { snapshot: TrajectSnapshot; timers: PendingTimer[] }> {
  const run = runScenario(scenarios.find((s) => s.name.startsWith('almere happy path'))!);
  return new Map(
    run.trace.map(({ state }, i) => [
      `c-${String(i).padStart(4, '0')}`,
      { snapshot: state.snapshot, timers: state.timers },
    ]),
  );
}

/** The SDK's calls over trajecten kept in memory; `failAfter` cuts the connection after that many changes. */
function fakeSource(trajecten: ReturnType<typeof region>, at: string, failAfter = Infinity) {
  const changes: string[] = [];
  const source: MigrationSource = {
    list: () =>
      Promise.resolve({
        items: [...trajecten].map(([clientRef, t]) => ({
          clientRef,
          phase: phaseOf(t.snapshot),
          region: 'almere',
          contractForm: null,
          escalated: false,
          nextMeetingDue: null,
          running: t.snapshot.status === 'active',
          startedAt: at,
        })),
      }),
    migrationState: (clientRef) => {
      const t = trajecten.get(clientRef)!;
      return Promise.resolve({ snapshot: trajectMachine.getPersistedSnapshot(t.snapshot), timers: t.timers });
    },
    changeCovenant: (clientRef, change: { actor: typeof gemeente; covenant: Covenant; reason: string }) => {
      if (changes.length >= failAfter) return Promise.reject(new Error('connection lost'));
      const t = trajecten.get(clientRef)!;
      const decision = decideCovenantChange(t.snapshot, change, at);
      if (!decision.ok) return Promise.reject(new Error(decision.refusal.message));
      const steps = migrationSteps(t.snapshot, t.timers, decision.event);
      const last = steps[steps.length - 1]!;
      trajecten.set(clientRef, { snapshot: last.snapshot, timers: last.timers });
      changes.push(clientRef);
      return Promise.resolve({} as never);
    },
  };
  return { source, changes };
}

const at = '2029-06-01T10:00:00.000Z';
const options = {
  region: 'almere',
  to: v2023,
  actor: gemeente,
  reason,
  now: () => at,
  sleep: () => Promise.resolve(),
};

test('the dry run changes nothing and predicts, traject by traject, what the migration does', async () => {
  const trajecten = region();
  const { source, changes } = fakeSource(trajecten, at);
  const dry = await migrateRegion(source, { ...options, dryRun: true });
  expect(changes).toEqual([]);
  expect(dry.summary.planned).toBeGreaterThan(0);
  // Only running trajecten are listed: the one that was closed is left alone.
  expect(dry.summary.trajecten).toBe(
    [...trajecten.values()].filter((t) => t.snapshot.status === 'active').length,
  );
  const real = await migrateRegion(source, { ...options, dryRun: false });
  expect(
    real.outcomes.map((o) => [o.clientRef, o.result === 'migrated' ? 'planned' : o.result, o.change]),
  ).toEqual(dry.outcomes.map((o) => [o.clientRef, o.result, o.change]));
  expect(changes).toHaveLength(dry.summary.planned);
  const text = formatMigrationReport(dry);
  expect(text).toContain('dry run: to almere@2023-01');
  expect(text).toMatch(/KENNISMAKING_TERMIJN|EVALUATIE_UITNODIGING/);
  expect(text).toContain('would move');
});

test('cut off halfway, the migration resumes when run again and migrates nothing twice', async () => {
  const trajecten = region();
  const first = fakeSource(trajecten, at, 3);
  const cut = await migrateRegion(first.source, { ...options, dryRun: false });
  expect(cut.summary.migrated).toBe(3);
  expect(cut.summary.failed).toBeGreaterThan(0);
  const again = fakeSource(trajecten, at);
  const resumed = await migrateRegion(again.source, { ...options, dryRun: false });
  expect(resumed.summary.failed).toBe(0);
  expect(resumed.summary.migrated).toBe(cut.summary.failed);
  for (const ref of first.changes) {
    expect(resumed.outcomes.find((o) => o.clientRef === ref)).toMatchObject({
      result: 'skipped',
      reason: 'already on almere@2023-01',
    });
  }
  expect(new Set([...first.changes, ...again.changes]).size).toBe(
    first.changes.length + again.changes.length,
  );
});

test('a role the covenant does not let migrate fails each traject, with the reason, and moves none', async () => {
  const { source, changes } = fakeSource(region(), at);
  const report = await migrateRegion(source, {
    ...options,
    actor: actorFor(v2021, 'corporatie'),
    dryRun: false,
  });
  expect(changes).toEqual([]);
  expect(report.summary.migrated).toBe(0);
  expect(report.outcomes.filter((o) => o.result === 'failed')[0]?.reason).toContain('may not move trajecten');
});

test('tidw migrate refuses a version of another region, and a real run without a reason (exit 2)', async () => {
  const tidw = tidwWith(() => Promise.reject(new Error('no server in this test')));
  const other = await tidw(
    'migrate',
    '--region',
    'amsterdam',
    '--to',
    'almere@2023-01',
    '--as',
    'gemeente:X',
    '--dry-run',
  );
  expect(other.code).toBe(2);
  expect(other.err).toContain('no version of amsterdam');
  const noReason = await tidw(
    'migrate',
    '--region',
    'almere',
    '--to',
    'almere@2023-01',
    '--as',
    'gemeente:X',
  );
  expect(noReason.code).toBe(2);
  expect(noReason.err).toContain('--reason');
});
