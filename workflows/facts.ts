/**
 * How a traject writes its evaluation facts (the feed itself, shared by every workflow of a worker, is
 * workflows/facts-feed.ts): through the worker's `readModel` sink under lean-history, through the
 * `recordTrajectFacts` local activity before it and whenever the feed is sealed.
 */
import { log, proxyLocalActivities, proxySinks, type Sinks } from '@temporalio/workflow';
import type { FactsInput, TenancyActivities } from '../activities/types';
import type { FactsWriter } from './facts-feed';

/**
 * A local activity: one marker in history per write instead of three task events, no round trip through the task
 * queue. Retried in the worker for 2 s, then by timer (the workflow task is not held), for at most an hour.
 */
const { recordTrajectFacts } = proxyLocalActivities<TenancyActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 hour',
  localRetryThreshold: '2 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The worker's side of the feed (worker/facts-sink.ts): writes the facts as the activity does, retrying in memory. */
export interface ReadModelSinks extends Sinks {
  readModel: {
    recordFacts(input: FactsInput): void;
  };
}

const { readModel } = proxySinks<ReadModelSinks>();

/** This workflow's ways of writing its facts, for its `FactsFeed`. */
export const factsWriter: FactsWriter = {
  toSink: (input) => readModel.recordFacts(input),
  durably: (input) => recordTrajectFacts(input),
  notRecorded: (seq, err) => log.warn('facts not recorded', { 'facts.seq': seq, err }),
};
