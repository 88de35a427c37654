/**
 * The traject's feed of the evaluation's read model: the machine's steps go through the same `FactsRecorder` the
 * figures are defined on, and whenever the facts change they go, whole, to the worker's `recordTrajectFacts` local
 * activity, keyed by workflow id and event number. Whole facts rather than changes: a write that failed is made good
 * by the next one, and the store keeps the highest event number, so a retry or a replay writes nothing twice.
 *
 * The feed never holds the traject up: a write runs beside the effects, a store that is down is retried for an hour
 * and then logged (the next change writes everything again).
 *
 * Since the lean-history patch a write goes through the worker's `readModel` sink instead: a sink call is no history
 * event (each local activity was a marker of about 400 bytes, a third of what the engine's history held beyond the
 * baseline's) and is not repeated when a history replays. It is not durable, so as the run ends (the traject closes,
 * or continues as new) the feed is sealed: the last facts go through the local activity once more, and the run waits
 * for that write as it did for every write before.
 */
import { log, proxyLocalActivities, proxySinks, type Sinks } from '@temporalio/workflow';
import type { FactsInput, TenancyActivities } from '../activities/types';
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

/** The worker's side of the feed (worker/facts-sink.ts): writes the facts as the activity does, retrying in memory. */
export interface ReadModelSinks extends Sinks {
  readModel: {
    recordFacts(input: FactsInput): void;
  };
}

const { readModel } = proxySinks<ReadModelSinks>();

/** The facts without their `asOf`, which moves with every event: a write is made only when something else changed. */
const changeKey = (facts: TrajectFacts) => JSON.stringify({ ...facts, asOf: '' });

export class FactsFeed {
  private sentKey: string;
  private writing = false;
  /** The event number of a change that came while a write was under way. */
  private waitingSeq: number | undefined;
  /** Through the sink (lean-history) until sealed; through the local activity always before the patch. */
  private durable: boolean;
  /** The event number of the facts last sent through the sink, not yet written durably. */
  private unsealedSeq: number | undefined;

  private constructor(
    private readonly workflowId: string,
    private readonly recorder: FactsRecorder,
    throughSink: boolean,
  ) {
    this.sentKey = '';
    this.durable = !throughSink;
  }

  /** A new traject's feed, from its registration and its first snapshot; `throughSink` under lean-history. */
  static start(
    workflowId: string,
    registration: FactsRegistration,
    snapshot: TrajectSnapshot,
    throughSink: boolean,
  ): FactsFeed {
    return new FactsFeed(workflowId, new FactsRecorder({ registration }, snapshot), throughSink);
  }

  /** The next run's feed, from the facts the previous run carried over (already written by it). */
  static resume(
    workflowId: string,
    carried: TrajectFacts,
    snapshot: TrajectSnapshot,
    throughSink: boolean,
  ): FactsFeed {
    const feed = new FactsFeed(workflowId, new FactsRecorder({ carried }, snapshot), throughSink);
    feed.sentKey = changeKey(carried);
    return feed;
  }

  /** The facts so far, to carry across continue-as-new. */
  get facts(): TrajectFacts {
    return this.recorder.facts;
  }

  /** No write under way or waiting, none only in the sink: the run may end. */
  get settled(): boolean {
    return !this.writing && this.waitingSeq === undefined && this.unsealedSeq === undefined;
  }

  /**
   * The run is ending: from now on every write is durable, starting with the facts the sink sent last. The run waits
   * for `settled`.
   */
  seal(): void {
    if (this.durable) return;
    this.durable = true;
    const seq = this.unsealedSeq;
    this.unsealedSeq = undefined;
    if (seq === undefined) return;
    this.sentKey = '';
    this.flush(seq);
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
    // A copy, read back from the key (the facts but their `asOf`), for the recorder goes on changing its facts while
    // the write waits: one JSON text per event instead of two.
    const facts: TrajectFacts = { ...(JSON.parse(key) as TrajectFacts), asOf: this.recorder.facts.asOf };
    if (!this.durable) {
      readModel.recordFacts({ workflowId: this.workflowId, seq, facts });
      this.unsealedSeq = seq;
      return;
    }
    this.writing = true;
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
