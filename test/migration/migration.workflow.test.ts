/**
 * A covenant change on the real workflow, in time-skipping Temporal: the dry run's prediction is what the workflow
 * does; an overdue deadline fires at once; a change from a role not allowed, or without a reason, is refused and
 * changes nothing; the change is in the event log.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  addDuration,
  decideCovenantChange,
  previewMigration,
  resolveCovenant,
  reviveSnapshot,
  timerIds,
  type Role,
} from '../../machines';
import {
  changeCovenantUpdate,
  eventsQuery,
  migrationStateQuery,
  statusQuery,
} from '../../workflows/messages';
import { currentCovenantChangeRules } from '../../workflows/patches';
import { buildTimeline } from '../../client/audit/timeline';
import { fetchHistoryChain } from '../../client/history';
import { actorFor } from '../support/model';
import { timeSkippingSuite } from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';

const suite = timeSkippingSuite();
const v2021 = resolveCovenant('almere')!;
const v2023 = resolveCovenant('almere@2023-01')!;
const as = (role: Role) => actorFor(v2021, role);
const reason = 'covenant reworked in 2023';

async function refusalOf(promise: Promise<unknown>): Promise<{ type?: string; rule?: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const details = err.cause.details?.[0] as { rule?: string } | undefined;
      return { type: err.cause.type ?? undefined, rule: details?.rule };
    }
    throw err;
  }
  throw new Error('the update was accepted');
}

test('three weeks after signing, almere@2023-01: the dry run predicts the workflow, the overdue kennismaking escalates at once', async () => {
  const driver = await TrajectDriver.start(suite.env, v2021, 'migrate-1', suite.calls);
  try {
    await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
    await driver.send({ type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder') });
    await driver.send({ type: 'URGENTIE_TOEGEKEND', actor: as('gemeente'), data: { searchProfile: {} } });
    await driver.send({
      type: 'WONING_AANGEBODEN',
      actor: as('corporatie'),
      data: { homeRef: 'woning-0007' },
    });
    await driver.send({ type: 'AANBOD_GEACCEPTEERD', actor: as('client') });
    const form = 'omklapcontract';
    await driver.send({ type: 'CONTRACTVORM_GEADVISEERD', actor: as('zorgaanbieder'), data: { form } });
    const signed = await driver.send({ type: 'CONTRACT_GETEKEND', actor: as('corporatie'), data: { form } });
    await driver.advanceTo(addDuration(signed.contract.startedAt!, 'P3W'));
    await driver.settle();
    const { handle } = driver;
    const before = await handle.query(migrationStateQuery);
    const eventsBefore = await handle.query(eventsQuery);
    const statusBefore = await handle.query(statusQuery);

    // Refused, typed, and nothing changes.
    expect(
      await refusalOf(
        handle.executeUpdate(changeCovenantUpdate, {
          args: [{ actor: as('zorgaanbieder'), covenant: v2023, reason }],
        }),
      ),
    ).toEqual({ type: 'RoleNotPermitted', rule: 'migration' });
    expect(
      await refusalOf(
        handle.executeUpdate(changeCovenantUpdate, {
          args: [{ actor: as('gemeente'), covenant: v2023 } as never],
        }),
      ),
    ).toEqual({ type: 'InvalidEventData', rule: 'schema' });
    expect(await handle.query(eventsQuery)).toEqual(eventsBefore);
    expect(await handle.query(statusQuery)).toEqual(statusBefore);

    const migrated = await handle.executeUpdate(changeCovenantUpdate, {
      args: [{ actor: as('gemeente'), covenant: v2023, reason }],
    });
    await driver.settle();
    const after = await handle.query(migrationStateQuery);

    // The dry run, computed for the same moment from the state before, predicts exactly what the workflow did.
    const at = migrated.updatedAt;
    const decision = decideCovenantChange(
      reviveSnapshot(before.snapshot),
      { actor: as('gemeente'), covenant: v2023, reason },
      at,
      currentCovenantChangeRules,
    );
    if (!decision.ok) throw new Error(decision.refusal.message);
    const preview = previewMigration(reviveSnapshot(before.snapshot), before.timers, decision.event);
    expect(after.timers).toEqual(preview.after.timers);
    expect(reviveSnapshot(after.snapshot).context).toEqual(preview.after.snapshot.context);
    expect(preview.deadlines.find((d) => d.timer === timerIds.kennismakingsgesprek)).toMatchObject({
      to: at,
      overdue: true,
    });
    expect(preview.escalationsOpened).toEqual(['kennismakingsgesprekGemist']);
    const status = await handle.query(statusQuery);
    expect(status.escalations.map((e) => e.kind)).toEqual(['kennismakingsgesprekGemist']);

    const log = await handle.query(eventsQuery);
    expect(log.slice(eventsBefore.length).map((e) => [e.type, e.source, e.actor?.role])).toEqual([
      ['CONVENANT_GEWIJZIGD', 'update', 'gemeente'],
      ['KENNISMAKING_TERMIJN', 'timer', undefined],
    ]);

    // The audit timeline replays the change from the history, as the workflow took it.
    const timeline = await buildTimeline({
      workflowId: driver.workflowId,
      runs: await fetchHistoryChain(suite.env.client, driver.workflowId),
    });
    const change = timeline.entries.find((e) => e.event === 'CONVENANT_GEWIJZIGD');
    expect(change).toMatchObject({
      source: 'update',
      actor: { role: 'gemeente' },
      data: { covenant: 'almere', version: '2023-01', reason },
    });
    expect(change?.timersCancelled).toContain(timerIds.kennismakingsgesprek);
    expect(timeline.verified.mismatches).toEqual([]);
  } finally {
    await driver.finish();
  }
});
