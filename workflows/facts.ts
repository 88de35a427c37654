/**
 * The traject's feed of the evaluation's read model: the machine's steps go through the same `FactsRecorder` the
 * figures are defined on, and whenever the facts change they go, whole, to the worker's `recordTrajectFacts` local
 * activity, keyed by workflow id and event number. Whole facts rather than changes: a write that failed is made good
 * by the next one, and the store keeps the highest event number, so a retry or a replay writes nothing twice.
 *
 * The feed never holds the traject up: a write runs beside the effects, a store that is down is retried for an hour
 * and then logged (the next change writes everything again).
 */
import { log, proxyLocalActivities } from '@temporalio/workflow';
import type { TenancyActivities } from '../activities/types';
import type { TrajectEvent } from '../machines';
import type { TrajectFacts } from '../machines/evaluation/facts';
import { FactsRecorder, type FactsRegistration } from '../machines/evaluation/recorder';
import type { TrajectSnapshot } from '../machines/traject/status';

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

/** The facts without their `asOf`, which moves with every event: a write is made only when something else changed. */
const changeKey = (facts: TrajectFacts) => JSON.stringify({ ...facts, asOf: '' });

export class FactsFeed {
  private sentKey: string;
  private writing = false;
  /** The event number of a change that came while a write was under way. */
  private waitingSeq: number | undefined;

  private constructor(
    private readonly workflowId: string,
    private readonly recorder: FactsRecorder,
  ) {
    this.sentKey = '';
  }

  /** A new traject's feed, from its registration and its first snapshot. */
  static start(workflowId: string, registration: FactsRegistration, snapshot: TrajectSnapshot): FactsFeed {
    return new FactsFeed(workflowId, new FactsRecorder({ registration }, snapshot));
  }

  /** The next run's feed, from the facts the previous run carried over (already written by it). */
  static resume(workflowId: string, carried: TrajectFacts, snapshot: TrajectSnapshot): FactsFeed {
    const feed = new FactsFeed(workflowId, new FactsRecorder({ carried }, snapshot));
    feed.sentKey = changeKey(carried);
    return feed;
  }

  /** The facts so far, to carry across continue-as-new. */
  get facts(): TrajectFacts {
    return this.recorder.facts;
  }

  /** No write under way or waiting: the run may end. */
  get settled(): boolean {
    return !this.writing && this.waitingSeq === undefined;
  }

  /** One machine step of the traject. */
  observe(before: TrajectSnapshot, after: TrajectSnapshot, event: Pick<TrajectEvent, 'type' | 'at'>): void {
    this.recorder.observe(before, after, event);
  }

  /** After the traject recorded its event number `seq`: writes the facts if they changed. */
  flush(seq: number): void {
    if (this.writing) {
      this.waitingSeq = seq;
      return;
    }
    const key = changeKey(this.recorder.facts);
    if (key === this.sentKey) return;
    this.sentKey = key;
    this.writing = true;
    // A copy: the recorder goes on changing its facts while the write waits.
    const facts = JSON.parse(JSON.stringify(this.recorder.facts)) as TrajectFacts;
    recordTrajectFacts({ workflowId: this.workflowId, seq, facts }).then(
      () => this.done(),
      (err: unknown) => {
        // Given up after an hour: the next change writes the whole facts again.
        this.sentKey = '';
        log.warn('facts not recorded', { 'facts.seq': seq, err });
        this.done();
      },
    );
  }

  private done(): void {
    this.writing = false;
    const next = this.waitingSeq;
    this.waitingSeq = undefined;
    if (next !== undefined) this.flush(next);
  }
}
