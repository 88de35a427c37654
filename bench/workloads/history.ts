/**
 * Workload 4, history size: trajects of three simulated years (the Almere happy path at its own pace, a month to the
 * second, closing 36 months after registration), engine and baseline side by side. Their histories are fetched
 * over the whole continue-as-new chain: events and bytes per traject, and the largest single run. The histories
 * are kept for workload 3 (replay).
 */
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';
import { fetchHistoryChain, type History } from '../../client/history';
import { clientFor, driveTraject, type DriveContext, type TrajectOutcome } from '../driver';
import { threeYearCovenant, threeYearPlan } from '../plan';
import { trajectRefs, type Random } from '../random';
import { median } from '../stats';
import type { Variant, VariantName } from '../variants';

const { EventType } = temporal.api.enums.v1;

export interface HistorySize {
  trajects: number;
  /** Per traject, over its whole chain (median over the trajects). */
  eventsPerTraject: number;
  bytesPerTraject: number;
  runsPerTraject: number;
  /** The largest single run of any traject. */
  largestRunEvents: number;
  largestRunBytes: number;
  /** How many events of each kind one traject's chain holds (median), to show both did the same work. */
  eventKinds: Record<string, number>;
  problems: string[];
}

export interface HistoryWorkload {
  size: Partial<Record<VariantName, HistorySize>>;
  /** Every run of every chain, for replay. */
  histories: Partial<Record<VariantName, HistoryAndWorkflowId[]>>;
}

const bytesOf = (history: History) => temporal.api.history.v1.History.encode(history).finish().length;

/** Event kinds that show what a workflow did, as opposed to workflow-task bookkeeping. */
const shownKinds: Record<string, string> = {
  EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: 'updates',
  EVENT_TYPE_TIMER_STARTED: 'timersStarted',
  EVENT_TYPE_TIMER_FIRED: 'timersFired',
  EVENT_TYPE_TIMER_CANCELED: 'timersCanceled',
  EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: 'activities',
  EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 'searchAttributeUpserts',
  EVENT_TYPE_WORKFLOW_TASK_COMPLETED: 'workflowTasks',
};

function kindsOf(history: History): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const kind = shownKinds[EventType[event.eventType ?? 0] ?? ''];
    if (kind) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

export async function runHistoryWorkload(
  ctx: Omit<DriveContext, 'variant' | 'covenant'>,
  pair: readonly Variant[],
  histories: number,
  random: Random,
  logger: Logger,
): Promise<HistoryWorkload> {
  const plan = threeYearPlan();
  const refs = Object.fromEntries(pair.map((v) => [v.name, trajectRefs(random, `hist-${v.name}`)]));
  // Engine and baseline trajects interleaved and all at once: sizes do not depend on timing, and the pace is set
  // by the simulated clock, so running them together only saves wall-clock time.
  const runs = Array.from({ length: histories }, () => pair).flat();
  const outcomes = await Promise.all(
    runs.map(async (variant) => ({
      variant,
      outcome: await driveTraject(
        { ...ctx, variant, covenant: threeYearCovenant },
        plan,
        refs[variant.name]!(),
        {
          waitForEnd: true,
        },
      ),
    })),
  );
  logger.info({ 'trajects.done': outcomes.length }, 'three-year trajects done');
  const result: HistoryWorkload = {
    size: {},
    histories: {},
  };
  for (const variant of pair) {
    const mine: TrajectOutcome[] = outcomes.filter((o) => o.variant === variant).map((o) => o.outcome);
    const perTraject: Array<{ events: number; bytes: number; runs: number; kinds: Record<string, number> }> =
      [];
    let largestRunEvents = 0;
    let largestRunBytes = 0;
    const runs: HistoryAndWorkflowId[] = (result.histories[variant.name] = []);
    for (const outcome of mine.filter((o) => o.completed)) {
      // Read as the server stores them: an encrypted variant's payloads stay ciphertext, and so count as such.
      const chain = await fetchHistoryChain(clientFor(ctx, variant), outcome.workflowId);
      const kinds: Record<string, number> = {};
      let events = 0;
      let bytes = 0;
      for (const run of chain) {
        const count = run.history.events?.length ?? 0;
        const size = bytesOf(run.history);
        events += count;
        bytes += size;
        largestRunEvents = Math.max(largestRunEvents, count);
        largestRunBytes = Math.max(largestRunBytes, size);
        for (const [k, n] of Object.entries(kindsOf(run.history))) kinds[k] = (kinds[k] ?? 0) + n;
        runs.push({ workflowId: outcome.workflowId, history: run.history });
      }
      perTraject.push({ events, bytes, runs: chain.length, kinds });
    }
    const kindNames = [...new Set(perTraject.flatMap((t) => Object.keys(t.kinds)))].sort();
    result.size[variant.name] = {
      trajects: perTraject.length,
      eventsPerTraject: median(perTraject.map((t) => t.events)),
      bytesPerTraject: median(perTraject.map((t) => t.bytes)),
      runsPerTraject: median(perTraject.map((t) => t.runs)),
      largestRunEvents,
      largestRunBytes,
      eventKinds: Object.fromEntries(
        kindNames.map((k) => [k, median(perTraject.map((t) => t.kinds[k] ?? 0))]),
      ),
      problems: mine.flatMap((o) => [
        ...(o.problem ? [o.problem] : []),
        ...(o.escalations > 0 ? [`${o.workflowId}: ${o.escalations} escalation(s) on the happy path`] : []),
      ]),
    };
  }
  return result;
}
