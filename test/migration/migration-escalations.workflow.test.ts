/**
 * Covenant changes on the real workflow, in time-skipping Temporal, where the history matters: an escalation that the
 * new terms make no longer late closes (recorded, and shown in the timeline) and its deadline runs again; and a
 * three-year traject that continued as new is migrated, its deadlines and timers checked against the model before and
 * after, the change found in its timeline across the runs.
 */
import {
  addDuration,
  decideCovenantChange,
  previewMigration,
  resolveCovenant,
  reviveSnapshot,
  takeEvent,
  timerIds,
  type Covenant,
  type Role,
} from '../../machines';
import { changeCovenantUpdate, migrationStateQuery, statusQuery } from '../../workflows/messages';
import { currentCovenantChangeRules } from '../../workflows/patches';
import { buildTimeline } from '../../client/audit/timeline';
import { fetchHistoryChain } from '../../client/history';
import { sendThroughMoves } from '../../client/moving';
import { threeYears } from '../support/golden';
import { actorFor, fireDue } from '../support/model';
import { timeSkippingSuite } from '../support/temporal';
import { publicPart, TrajectDriver } from '../support/workflow-driver';

const suite = timeSkippingSuite();
const v2021 = resolveCovenant('almere@2021-10')!;
const v2023 = resolveCovenant('almere@2023-01')!;
const as = (role: Role) => actorFor(v2021, role);
const reason = 'covenant reworked in 2023';

/** Moves the traject onto `to` through the update, and the model with it (the change, then its overdue deadlines). */
async function migrate(driver: TrajectDriver, to: Covenant) {
  const before = driver.model;
  const status = await sendThroughMoves(() =>
    driver.handle.executeUpdate(changeCovenantUpdate, {
      args: [{ actor: as('gemeente'), covenant: to, reason }],
    }),
  );
  const decision = decideCovenantChange(
    before.snapshot,
    { actor: as('gemeente'), covenant: to, reason },
    status.updatedAt,
    currentCovenantChangeRules,
  );
  if (!decision.ok) throw new Error(decision.refusal.message);
  const step = takeEvent(before.snapshot, before.timers, decision.event);
  driver.model = fireDue({ ...before, snapshot: step.snapshot, timers: step.timers }, status.updatedAt);
  await driver.settle();
  return { event: decision.event, preview: previewMigration(before.snapshot, before.timers, decision.event) };
}

jest.setTimeout(120_000);

test('an escalation the new terms make no longer late closes, with the reason, and its deadline runs again', async () => {
  // Under almere@2023-01 the kennismakingsgesprek is due two weeks after signing; three weeks in, it escalated.
  const driver = await TrajectDriver.start(suite.env, v2023, 'migrate-closes-1', suite.calls);
  const as23 = (role: Role) => actorFor(v2023, role);
  try {
    await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as23('client') });
    await driver.send({ type: 'URGENTIE_AANGEVRAAGD', actor: as23('zorgaanbieder') });
    await driver.send({ type: 'URGENTIE_TOEGEKEND', actor: as23('gemeente'), data: { searchProfile: {} } });
    await driver.send({
      type: 'WONING_AANGEBODEN',
      actor: as23('corporatie'),
      data: { homeRef: 'woning-0007' },
    });
    await driver.send({ type: 'AANBOD_GEACCEPTEERD', actor: as23('client') });
    const form = 'omklapcontract';
    await driver.send({ type: 'CONTRACTVORM_GEADVISEERD', actor: as23('zorgaanbieder'), data: { form } });
    const signed = await driver.send({
      type: 'CONTRACT_GETEKEND',
      actor: as23('corporatie'),
      data: { form },
    });
    await driver.advanceTo(addDuration(signed.contract.startedAt!, 'P3W'));
    expect((await driver.status()).escalations.map((e) => e.kind)).toEqual(['kennismakingsgesprekGemist']);

    // Back onto Almere's four weeks: the meeting is no longer late.
    const { preview } = await migrate(driver, v2021);
    const status = await driver.handle.query(statusQuery);
    expect(status.escalations).toEqual([]);
    expect(publicPart(status)).toEqual(driver.expectedStatus());
    const after = await driver.handle.query(migrationStateQuery);
    const context = reviveSnapshot(after.snapshot).context;
    const dueAt = addDuration(signed.contract.startedAt!, 'P4W');
    expect(context.closedEscalations).toEqual([
      expect.objectContaining({ kind: 'kennismakingsgesprekGemist', reason: 'convenantGewijzigd', dueAt }),
    ]);
    expect(after.timers.find((t) => t.id === timerIds.kennismakingsgesprek)?.event.at).toBe(dueAt);
    expect(after.timers).toEqual(driver.model.timers);
    // The dry run, from the state before, said so.
    expect(preview.escalationsClosed).toEqual(['kennismakingsgesprekGemist']);
    expect(after.timers).toEqual(preview.after.timers);

    // The timeline shows the change and what it closed; if the meeting is not held by then, it escalates again.
    const timeline = await buildTimeline({
      workflowId: driver.workflowId,
      runs: await fetchHistoryChain(suite.env.client, driver.workflowId),
    });
    expect(timeline.entries.find((e) => e.event === 'CONVENANT_GEWIJZIGD')).toMatchObject({
      data: { version: '2021-10', reason, escalationsClosed: ['kennismakingsgesprekGemist'] },
    });
    expect(timeline.verified.mismatches).toEqual([]);
    await driver.advanceTo(addDuration(dueAt, 'PT1M'));
    expect((await driver.status()).escalations.map((e) => e.kind)).toEqual(['kennismakingsgesprekGemist']);
    expect(publicPart(await driver.status())).toEqual(driver.expectedStatus());
  } finally {
    await driver.finish();
  }
});

test('a three-year traject that continued as new is migrated: deadlines and timers as the model has them, the change in its timeline', async () => {
  const driver = await TrajectDriver.start(suite.env, v2021, 'migrate-long-1', suite.calls, {
    historyLimit: 120,
  });
  try {
    // Signed, the kennismakingsgesprek and three evaluations held: some 21 months in, before omklappen.
    const upToThirdEvaluation = threeYears.steps.slice(0, 15);
    await driver.runScenario({ ...threeYears, steps: upToThirdEvaluation });
    const runsBefore = (await fetchHistoryChain(suite.env.client, driver.workflowId)).length;
    expect(runsBefore).toBeGreaterThan(1);
    const stateBefore = await driver.handle.query(migrationStateQuery);
    expect(stateBefore.timers).toEqual(driver.model.timers);

    const { preview } = await migrate(driver, v2023);
    const after = await driver.handle.query(migrationStateQuery);
    // The next invitation four months after the last opening instead of six; the earliest omklap date kept.
    const context = reviveSnapshot(after.snapshot).context;
    expect(after.timers.find((t) => t.id === timerIds.evaluationInvitation)?.event.at).toBe(
      addDuration(context.evaluation.opensAt!, 'P4M'),
    );
    expect(after.timers).toEqual(driver.model.timers);
    expect(after.timers).toEqual(preview.after.timers);
    expect(preview.earliestConversion.to).toBe(preview.earliestConversion.from);
    expect(publicPart(await driver.status())).toEqual(driver.expectedStatus());

    // Half a year more under the new terms: every timer fires as the model says, across further runs.
    await driver.advanceTo(addDuration(context.lastEventAt, 'P6M'));
    expect(publicPart(await driver.status())).toEqual(driver.expectedStatus());
    expect((await driver.handle.query(migrationStateQuery)).timers).toEqual(driver.model.timers);

    const runs = await fetchHistoryChain(suite.env.client, driver.workflowId);
    const timeline = await buildTimeline({ workflowId: driver.workflowId, runs });
    const changes = timeline.entries.filter((e) => e.event === 'CONVENANT_GEWIJZIGD');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ data: { covenant: 'almere', version: '2023-01', reason } });
    expect(changes[0]!.run).toBeGreaterThanOrEqual(runsBefore);
    expect(timeline.verified.mismatches).toEqual([]);
  } finally {
    await driver.finish();
  }
});
