/**
 * Drives a real tenancy workflow on the time-skipping server in lockstep with the clocked model: every event the
 * workflow takes is fed to the model at the workflow's own time, so their public statuses must be equal, and the
 * activities the workflow called must be the model's effects, at the same simulated dates.
 */
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { sendThroughMoves } from '../../client/moving';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDuration, toPublicStatus, type Covenant, type PublicStatus, type Refusal } from '../../machines';
import type { tenancyWorkflow } from '../../workflows';
import {
  isUpdateReceipt,
  sendEventUpdate,
  statusQuery,
  TASK_QUEUE,
  workflowIdFor,
  type TrajectStatus,
} from '../../workflows/messages';
import {
  actorFor,
  candidateEvents,
  fireDue,
  initialModel,
  send,
  type ModelEvent,
  type ModelState,
  type SendEvent,
} from './model';
import type { Scenario } from './scenarios';
import type { ActivityCall } from './temporal';

export function publicPart(status: TrajectStatus): PublicStatus {
  const { counters: _counters, deliveriesPending: _pending, ...rest } = status;
  return rest;
}

const isInstant = (value: unknown) => typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value);

function sameData(a?: Record<string, unknown>, b?: Record<string, unknown>): boolean {
  const timeless = (d?: Record<string, unknown>) =>
    JSON.stringify(Object.entries(d ?? {}).filter(([, v]) => !isInstant(v)));
  return timeless(a) === timeless(b);
}

export class TrajectDriver {
  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly handle: WorkflowHandle<typeof tenancyWorkflow>,
    public model: ModelState,
    private readonly calls: ActivityCall[],
    /** Its runs continue as new along the way (a history limit was given). */
    private readonly continues: boolean,
  ) {}

  static async start(
    env: TestWorkflowEnvironment,
    covenant: Covenant,
    trajectRef: string,
    calls: ActivityCall[],
    options: { historyLimit?: number; client?: Client } = {},
  ): Promise<TrajectDriver> {
    const handle = await (options.client ?? env.client).workflow.start<typeof tenancyWorkflow>(
      'tenancyWorkflow',
      {
        taskQueue: TASK_QUEUE,
        workflowId: workflowIdFor(trajectRef),
        args: [
          {
            aanmelding: {
              trajectRef,
              origin: 'BW',
              covenant,
              registeredBy: actorFor(covenant, 'zorgaanbieder'),
            },
            ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
          },
        ],
      },
    );
    const status = await handle.query(statusQuery);
    const model = initialModel(covenant, trajectRef, status.updatedAt);
    return new TrajectDriver(env, handle, model, calls, options.historyLimit !== undefined);
  }

  get workflowId(): string {
    return this.handle.workflowId;
  }

  /** Moves the server's clock to `at`; the timers due on the way fire, in the workflow and in the model. */
  async advanceTo(at: string): Promise<void> {
    const ms = Date.parse(at) - (await this.env.currentTimeMs());
    if (ms > 0) await this.env.sleep(ms);
    this.model = fireDue(this.model, at);
    await this.settle();
  }

  /** Waits until the workflow has taken everything the model took, and delivered every effect. */
  async settle(): Promise<TrajectStatus> {
    const expected = this.model.snapshot.context.lastEventAt;
    for (let i = 0; ; i += 1) {
      const status = await this.query();
      if (status.updatedAt >= expected && status.deliveriesPending === 0) return status;
      if (i > 500) throw new Error(`workflow did not settle: at ${status.updatedAt}, model at ${expected}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * The status query, with a deadline: a query that reaches a run in the very moment it continues as new can go
   * unanswered on the time-skipping server, so it is asked again, of the run that is current by then.
   */
  private async query(): Promise<TrajectStatus> {
    const { client, workflowId } = this.handle;
    let handle: WorkflowHandle = this.handle;
    for (let attempt = 1; ; attempt += 1) {
      if (this.continues) await this.idle();
      try {
        return await client.connection.withDeadline(Date.now() + 3000, () => handle.query(statusQuery));
      } catch (err) {
        // The client wraps the gRPC status in a ServiceError: the deadline is named in its cause.
        const timedOut = /deadline/i.test(`${String(err)} ${String((err as Error).cause)}`);
        if (attempt >= 8 || !timedOut) throw err;
        const { runId } = await this.handle.describe();
        handle = client.getHandle(workflowId, runId);
      }
    }
  }

  /**
   * Waits until the current run has no workflow task and no activity in flight. A run continues as new in the
   * workflow task after its last delivery; a query sent into that task is what the time-skipping server can lose
   * (and stop its clock for), so a traject that continues as new is only queried between tasks. Reading the history
   * and describing the run involve no worker, and the server's clock stands still between the driver's steps.
   */
  private async idle(): Promise<void> {
    const { EventType } = temporal.api.enums.v1;
    const busy = new Set([
      EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    ]);
    for (let i = 0; i < 500; i += 1) {
      const { runId, raw } = await this.handle.describe();
      const history = await this.handle.client.getHandle(this.handle.workflowId, runId).fetchHistory();
      const last = history.events?.[history.events.length - 1]?.eventType;
      if (!raw.pendingActivities?.length && (last === undefined || last === null || !busy.has(last))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends a coordinator event at its time, through the update; the model takes it at the workflow's time. */
  async send(event: Omit<SendEvent, 'at'> & { at?: string }): Promise<TrajectStatus> {
    if (event.at) await this.advanceTo(event.at);
    const result = await sendThroughMoves(() =>
      this.handle.executeUpdate(sendEventUpdate, {
        args: [
          { event: { type: event.type, actor: event.actor, ...(event.data ? { data: event.data } : {}) } },
        ],
      }),
    );
    // A receipt (the slim-history patch) is what the SDK expands: the whole status is one query away.
    const status = isUpdateReceipt(result) ? await this.handle.query(statusQuery) : result;
    const taken = send(this.model, {
      type: event.type,
      actor: event.actor,
      data: event.data,
      at: status.updatedAt,
    });
    if (!taken.ok)
      throw new Error(`the workflow took ${event.type} but the model refused it: ${taken.refusal.message}`);
    this.model = taken.state;
    return status;
  }

  /** Takes a step of a generated path: an event (its time recomputed for this traject's start) or the next timer. */
  async step(event: ModelEvent): Promise<void> {
    if (event.type === 'ADVANCE') {
      const next = this.model.timers[0];
      if (!next) throw new Error('no timer to advance to');
      await this.advanceTo(next.fireAt);
      return;
    }
    // The same event as in the path, at the time the sampler gives it for this traject (its start differs, and so
    // do dates inside its data, such as a meeting's planned time).
    const same = candidateEvents(this.model).find(
      (c): c is SendEvent =>
        c.type === event.type && c.actor.role === event.actor.role && sameData(c.data, event.data),
    );
    if (!same)
      throw new Error(
        `no ${event.type} as ${event.actor.role} in ${JSON.stringify(this.model.snapshot.value)}`,
      );
    await this.send(same);
  }

  /** The workflow's status, after it settled. */
  async status(): Promise<TrajectStatus> {
    return this.settle();
  }

  /**
   * Runs a covenant scenario's steps on the workflow, checking the status against the model after every step and
   * that the steps meant to be refused are refused with their code, leaving everything as it was.
   */
  async runScenario(scenario: Scenario, onStep?: (index: number) => Promise<void>): Promise<void> {
    let at = this.model.snapshot.context.registeredAt;
    for (const [index, step] of scenario.steps.entries()) {
      at = addDuration(at, step.after);
      if (!step.type || !step.as) {
        await this.advanceTo(at);
      } else {
        const data = typeof step.data === 'function' ? step.data(at) : step.data;
        const event = {
          type: step.type,
          actor: actorFor(scenario.covenant, step.as),
          at,
          ...(data ? { data } : {}),
        };
        if (step.refused) {
          const before = await this.status();
          const refusal = await this.refusalOf(event);
          if (refusal.code !== step.refused)
            throw new Error(`${step.type} refused with ${refusal.code}, expected ${step.refused}`);
          expect(await this.status()).toEqual(before);
        } else {
          await this.send(event);
        }
      }
      const status = await this.status();
      expect(publicPart(status)).toEqual(this.expectedStatus());
      if (step.phase) expect(status.phase).toBe(step.phase);
      await onStep?.(index);
      at = status.updatedAt > at ? status.updatedAt : at;
    }
  }

  /** Sends an event that must be refused, and returns the typed refusal the caller got. */
  async refusalOf(event: Omit<SendEvent, 'at'> & { at?: string }): Promise<Refusal> {
    if (event.at) await this.advanceTo(event.at);
    try {
      await sendThroughMoves(() =>
        this.handle.executeUpdate(sendEventUpdate, {
          args: [
            { event: { type: event.type, actor: event.actor, ...(event.data ? { data: event.data } : {}) } },
          ],
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        return { ...(err.cause.details?.[0] as Refusal), code: err.cause.type as Refusal['code'] };
      }
      throw err;
    }
    throw new Error(`${event.type} was accepted`);
  }

  /**
   * Ends the workflow, so that its timers do not fire while later tests skip time. It lets deliveries finish first:
   * the time-skipping server keeps its clock still while an activity is out, also one whose workflow was terminated.
   */
  async finish(): Promise<void> {
    const { status } = await this.handle.describe();
    if (status.name === 'RUNNING') await this.settle().catch(() => undefined);
    if (status.name === 'RUNNING') await this.handle.terminate('test finished');
  }

  /** What the model expects the public status to be. */
  expectedStatus(): PublicStatus {
    return toPublicStatus(this.model.snapshot);
  }

  /** The activities this workflow called (each effect once, retries folded), as [effect type, simulated date]. */
  activities(): Array<[string, string]> {
    const seen = new Set<string>();
    const result: Array<[string, string]> = [];
    for (const call of this.calls) {
      if (!call.input.id.startsWith(`${this.workflowId}/`) || seen.has(call.input.id)) continue;
      seen.add(call.input.id);
      result.push([call.input.id.split('/')[1]!.replace(/-\d+-\d+$/, ''), call.input.occurredAt]);
    }
    return result;
  }

  /** The effects the model asked for, as [effect type, simulated date]. */
  expectedActivities(): Array<[string, string]> {
    return this.model.effects.map((e) => [e.effect.type, e.at]);
  }
}
