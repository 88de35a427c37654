/**
 * A traject started today keeps a small history (issue 14, the slim-history patch): an update answers with a receipt
 * of the new status instead of the whole status, search attributes are upserted only where a value changed, and the
 * audit timeline still checks its reconstruction against every status the traject recorded.
 */
import { WithStartWorkflowOperation } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { fetchHistoryChain } from '../../client/history';
import { buildTimeline } from '../../client/audit/timeline';
import { presetCovenants, statusDigest, type Role } from '../../machines';
import { patches } from '../../workflows/patches';
import {
  isUpdateReceipt,
  sendEventUpdate,
  statusQuery,
  TASK_QUEUE,
  workflowIdFor,
  type TrajectStatus,
} from '../../workflows/messages';
import type { tenancyWorkflow } from '../../workflows/tenancy-workflow';
import { actorFor } from '../support/model';
import { timeSkippingSuite } from '../support/temporal';
import { historyText } from '../support/history';
import { TrajectDriver } from '../support/workflow-driver';

const suite = timeSkippingSuite();
const almere = presetCovenants.almere!;
const as = (role: Role) => actorFor(almere, role);
const EventType = temporal.api.enums.v1.EventType;

const publicPart = ({ counters: _c, deliveriesPending: _d, ...rest }: TrajectStatus) => rest;

test('an update answers with a receipt of the status; the history holds receipts, the timeline checks them', async () => {
  const driver = await TrajectDriver.start(suite.env, almere, 'slim-0001', suite.calls);
  try {
    await driver.send({ type: 'INSTEMMING_GEGEVEN', actor: as('client') });
    await driver.send({ type: 'URGENTIE_AANGEVRAAGD', actor: as('zorgaanbieder') });
    const receipt = await driver.handle.executeUpdate(sendEventUpdate, {
      args: [
        {
          event: {
            type: 'URGENTIE_TOEGEKEND',
            actor: as('gemeente'),
            data: { searchProfile: { districts: ['Haven'] } },
          },
        },
      ],
    });
    const status = await driver.handle.query(statusQuery);

    // The receipt says where the traject is and when, and its digest is that of the whole status the query gives;
    // the rest (since the lean-history patch also what is allowed next, and the counters) is the query's.
    expect(isUpdateReceipt(receipt)).toBe(true);
    expect(receipt).toEqual({
      phase: 'matching',
      updatedAt: status.updatedAt,
      statusDigest: statusDigest(publicPart(status)),
    });
    expect(isUpdateReceipt(receipt) && receipt.statusDigest).toBe(statusDigest(publicPart(status)));

    const [run] = await fetchHistoryChain(suite.env.client, driver.workflowId);
    const events = run!.history.events ?? [];
    const text = historyText(run!.history);
    // The patch is recorded, so the traject replays as it ran; no update result carries the whole status. One marker
    // (the single marker) stands for every patch: a marker and a TemporalChangeVersion upsert each cost an event.
    const patchMarkers = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
    expect(patchMarkers).toHaveLength(1);
    expect(historyText({ events: patchMarkers })).toContain(patches.singleMarker);
    const versionUpserts = events.filter(
      (e) =>
        e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields
          ?.TemporalChangeVersion,
    );
    expect(versionUpserts).toHaveLength(1);
    // The read model is fed through the worker's sink while the run goes on: no local-activity marker per event.
    expect(text).not.toContain('recordTrajectFacts');
    for (const event of events.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
    )) {
      expect(historyText({ events: [event] })).not.toContain('deadlines');
    }
    // Search attributes: the workflow was started without them, so the first upsert sets phase, region and
    // escalated; later ones only what changed (the phase, here), never the region again.
    const upserts = events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
      .map((e) =>
        Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {})
          .filter((key) => key.startsWith('Tidw')) // the SDK records each patch in TemporalChangeVersion
          .sort(),
      )
      .filter((keys) => keys.length > 0);
    expect(upserts[0]).toEqual(['TidwEscalated', 'TidwPhase', 'TidwRegion']);
    expect(upserts.slice(1)).toEqual([['TidwPhase'], ['TidwPhase']]);
    const described = await driver.handle.describe();
    expect(described.searchAttributes.TidwPhase).toEqual(['matching']);
    expect(described.searchAttributes.TidwRegion).toEqual(['almere']);

    // The auditor's reconstruction agrees with every receipt.
    const timeline = await buildTimeline({ workflowId: driver.workflowId, runs: [run!] });
    expect(timeline.verified.mismatches).toEqual([]);
    expect(timeline.verified.checks).toBe(3);
  } finally {
    await driver.handle.terminate('test finished').catch(() => undefined);
    await driver.finish();
  }
});

test('a start and the update that came with it upsert the search attributes once, as they stand after the update', async () => {
  const workflowId = workflowIdFor('slim-0002');
  const start = new WithStartWorkflowOperation<typeof tenancyWorkflow>('tenancyWorkflow', {
    workflowId,
    taskQueue: TASK_QUEUE,
    workflowIdConflictPolicy: 'FAIL',
    args: [
      {
        aanmelding: {
          trajectRef: 'slim-0002',
          origin: 'BW',
          covenant: almere,
          registeredBy: as('zorgaanbieder'),
        },
      },
    ],
  });
  // Started without search attributes (as a raw client does), and the first update in the same workflow task.
  const receipt = await suite.env.client.workflow.executeUpdateWithStart(sendEventUpdate, {
    args: [{ event: { type: 'INSTEMMING_GEGEVEN', actor: as('client') } }],
    startWorkflowOperation: start,
  });
  const handle = await start.workflowHandle();
  try {
    const [run] = await fetchHistoryChain(suite.env.client, workflowId);
    const events = run!.history.events ?? [];
    const firstTask = events.slice(
      0,
      events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) + 1,
    );
    expect(
      firstTask.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    ).toBe(true);
    const tidw = firstTask
      .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {})
      .filter((fields) => Object.keys(fields).some((key) => key.startsWith('Tidw')));
    expect(tidw.map((fields) => Object.keys(fields).sort())).toEqual([
      ['TidwEscalated', 'TidwPhase', 'TidwRegion'],
    ]);
    const described = await handle.describe();
    expect(described.searchAttributes.TidwPhase).toEqual([isUpdateReceipt(receipt) ? receipt.phase : '']);
    expect(described.searchAttributes.TidwRegion).toEqual(['almere']);
  } finally {
    await handle.terminate('test finished').catch(() => undefined);
  }
});
