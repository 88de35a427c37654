/**
 * The traject's feed of the evaluation's read model: the machine's steps go through the same `FactsRecorder` the
 * figures are defined on, and whenever the facts change they go, whole, to the worker, keyed by workflow id and event
 * number. Whole facts rather than changes: a write that failed is made good by the next one, and the store keeps the
 * highest event number, so a retry or a replay writes nothing twice.
 *
 * The feed never holds the traject up: a write runs beside the effects, a store that is down is retried for an hour
 * and then logged (the next change writes everything again).
 *
 * Since the lean-history patch a write goes through the worker's `readModel` sink instead of the local activity: a
 * sink call is no history event (each local activity was a marker of about 400 bytes, a third of what the engine's
 * history held beyond the baseline's) and is not repeated when a history replays. It is not durable, so as the run
 * ends (the traject closes, or continues as new) the feed is sealed: the last facts go through the local activity
 * once more, and the run waits for that write as it did for every write before.
 *
 * Shared by every workflow of a worker (workflows/shared-modules.ts), so that the class and the shapes of its
 * instances exist once per worker, not once per cached traject: the workflow's own ways of writing come in as a
 * `FactsWriter` (workflows/facts.ts), and nothing here imports the SDK.
 */
import type { FactsInput } from '../activities/types';
import type { TrajectEvent } from '../machines';
import type { TrajectFacts } from '../machines/evaluation/facts';
import { FactsRecorder, type FactsRegistration } from '../machines/evaluation/recorder';
import { hash53 } from '../machines/hash53';
import type { TrajectSnapshot } from '../machines/traject/status';

/** How a workflow writes its facts (workflows/facts.ts). */
export interface FactsWriter {
  /** Through the worker's sink: no history event, not durable. */
  toSink(input: FactsInput): void;
  /** Through the local activity: durable, retried for an hour; rejects once it gave up. */
  durably(input: FactsInput): Promise<unknown>;
  /** A durable write that gave up. */
  notRecorded(seq: number, err: unknown): void;
}

/** The facts without their `asOf`, which moves with every event: a write is made only when something else changed. */
const changeKey = (facts: TrajectFacts) => JSON.stringify({ ...facts, asOf: '' });

/** What the feed remembers of the facts it sent: a hash of their key, not the text (kept for as long as it is cached). */
const sentHashOf = (key: string) => hash53(key, 0x27d4eb2f, 0x165667b1);

export class FactsFeed {
  private sentHash: string;
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
    private readonly writer: FactsWriter,
  ) {
    this.sentHash = '';
    this.durable = !throughSink;
  }

  /** A new traject's feed, from its registration and its first snapshot; `throughSink` under lean-history. */
  static start(
    workflowId: string,
    registration: FactsRegistration,
    snapshot: TrajectSnapshot,
    throughSink: boolean,
    writer: FactsWriter,
  ): FactsFeed {
    return new FactsFeed(workflowId, new FactsRecorder({ registration }, snapshot), throughSink, writer);
  }

  /** The next run's feed, from the facts the previous run carried over (already written by it). */
  static resume(
    workflowId: string,
    carried: TrajectFacts,
    snapshot: TrajectSnapshot,
    throughSink: boolean,
    writer: FactsWriter,
  ): FactsFeed {
    const feed = new FactsFeed(workflowId, new FactsRecorder({ carried }, snapshot), throughSink, writer);
    feed.sentHash = sentHashOf(changeKey(carried));
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
    this.sentHash = '';
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
    const hash = sentHashOf(key);
    if (hash === this.sentHash) return;
    this.sentHash = hash;
    // A copy, read back from the key (the facts but their `asOf`), for the recorder goes on changing its facts while
    // the write waits: one JSON text per event instead of two.
    const facts: TrajectFacts = { ...(JSON.parse(key) as TrajectFacts), asOf: this.recorder.facts.asOf };
    if (!this.durable) {
      this.writer.toSink({ workflowId: this.workflowId, seq, facts });
      this.unsealedSeq = seq;
      return;
    }
    this.writing = true;
    this.writer.durably({ workflowId: this.workflowId, seq, facts }).then(
      () => this.done(),
      (err: unknown) => {
        // Given up after an hour: the next change writes the whole facts again.
        this.sentHash = '';
        this.writer.notRecorded(seq, err);
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
