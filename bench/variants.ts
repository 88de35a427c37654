/**
 * The two things the benchmark compares, behind one shape: the engine's tenancy workflow and the hand-written
 * baseline. Both take the same updates under the same names; each runs on its own task queue.
 */
import type { UpdateDefinition } from '@temporalio/client';
import { addDuration, defaultOrganisation, type Covenant } from '../machines';
import { actorFor } from '../test/support/model';
import { sendEventUpdate, TASK_QUEUE, workflowIdFor, type TenancyWorkflowInput } from '../workflows/messages';
import {
  BASELINE_TASK_QUEUE,
  baselineSendEventUpdate,
  baselineWorkflowIdFor,
  type BaselineInput,
} from './baseline/messages';
import type { BaselineTerms } from './baseline/traject';

/** `encrypted` is the engine with the payload codec of the README's Privacy section: what encryption costs. */
export type VariantName = 'engine' | 'baseline' | 'encrypted';

/** What both workflows return and answer: enough to count the events they took. */
export interface CommonStatus {
  phase: string;
  counters: { run: number; events: number };
  deliveriesPending: number;
}

export interface Variant {
  name: VariantName;
  taskQueue: string;
  workflowType: string;
  workflowId(trajectRef: string): string;
  startArgs(trajectRef: string, covenant: Covenant): [unknown];
  /** Its answer is not read: the engine's is a receipt, the baseline's a status (the result counts the events). */
  update: UpdateDefinition<unknown, [{ event: unknown }], string>;
  /** Its client and worker encrypt every payload (the benchmark's own key ring). */
  encrypted?: boolean;
}

const EPOCH = '2026-01-05T09:00:00.000Z';
const ms = (duration: string) => Date.parse(addDuration(EPOCH, duration)) - Date.parse(EPOCH);

/** A covenant's terms in milliseconds, as the baseline takes them (it parses nothing itself). */
export function baselineTerms(covenant: Covenant): BaselineTerms {
  const t = covenant.terms;
  return {
    urgencyDecisionMs: ms(t.urgencyDecision),
    offerReminderMs: ms(t.offerReminder),
    offerEscalationMs: ms(t.offerEscalation),
    kennismakingMs: ms(t.kennismakingsgesprekWithin),
    evaluationIntervalMs: ms(t.evaluatiegesprekInterval),
    evaluationWithinMs: ms(t.evaluatiegesprekWithin),
    waakvlamCheckInMs: ms(t.waakvlamCheckIn),
    waakvlamBudgetHours: t.waakvlamContactBudgetHours,
    minimumTermMs: {
      omklapcontract: ms(t.minimumTerm.omklapcontract),
      driepartijenovereenkomst: ms(t.minimumTerm.driepartijenovereenkomst),
    },
    minimumEvaluations: { ...t.minimumEvaluations },
  };
}

export const engine: Variant = {
  name: 'engine',
  taskQueue: TASK_QUEUE,
  workflowType: 'tenancyWorkflow',
  workflowId: workflowIdFor,
  startArgs: (trajectRef, covenant) => [
    {
      aanmelding: { trajectRef, origin: 'BW', covenant, registeredBy: actorFor(covenant, 'zorgaanbieder') },
    } satisfies TenancyWorkflowInput,
  ],
  update: sendEventUpdate,
};

export const baseline: Variant = {
  name: 'baseline',
  taskQueue: BASELINE_TASK_QUEUE,
  workflowType: 'baselineWorkflow',
  workflowId: baselineWorkflowIdFor,
  startArgs: (trajectRef, covenant) => [
    {
      trajectRef,
      region: covenant.id,
      terms: baselineTerms(covenant),
      organisations: Object.fromEntries(
        (['gemeente', 'zorgaanbieder', 'corporatie'] as const).map((role) => [
          role,
          defaultOrganisation(covenant, role) ?? role,
        ]),
      ),
    } satisfies BaselineInput,
  ],
  update: baselineSendEventUpdate,
};

/** The engine's workflow with every payload encrypted, on a task queue and worker of its own. */
export const encrypted: Variant = {
  ...engine,
  name: 'encrypted',
  taskQueue: `${TASK_QUEUE}-encrypted`,
  encrypted: true,
};

export const variants: Record<VariantName, Variant> = { engine, baseline, encrypted };
