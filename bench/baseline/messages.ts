/**
 * The baseline workflow's messages. The names are the engine's (`sendEvent`, `reportEvent`, `status`), so that one
 * benchmark driver sends the same calls to both; what they carry is the least the baseline needs.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BaselineEffect, BaselineEvent, BaselineState, BaselineTerms, TimerStart } from './traject';

export const BASELINE_TASK_QUEUE = 'thuis-in-de-wijk-bench-baseline';

export interface BaselineCounters {
  run: number;
  /** Events taken: the start, accepted coordinator events and deadlines that fell due (as the engine counts). */
  events: number;
}

export interface BaselineContinued {
  state: BaselineState;
  timers: TimerStart[];
  effects: Array<{ effect: BaselineEffect; at: number }>;
  counters: BaselineCounters;
  effectSeq: number;
}

export interface BaselineInput {
  trajectRef: string;
  region: string;
  terms: BaselineTerms;
  /** The organisation acting in each partner role. */
  organisations: Record<string, string>;
  /** Continue as new at this many history events (the engine's default is 400). */
  historyLimit?: number;
  continued?: BaselineContinued;
}

export interface BaselineStatus {
  phase: string;
  counters: BaselineCounters;
  deliveriesPending: number;
}

export interface BaselineSendArgs {
  event: BaselineEvent;
}

export const baselineSendEventUpdate = defineUpdate<BaselineStatus, [BaselineSendArgs]>('sendEvent');
export const baselineReportEventSignal = defineSignal<[BaselineSendArgs]>('reportEvent');
export const baselineStatusQuery = defineQuery<BaselineStatus>('status');

export function baselineWorkflowIdFor(trajectRef: string): string {
  return `baseline-${trajectRef}`;
}
