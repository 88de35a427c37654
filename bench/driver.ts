/**
 * One benchmark coordinator driving one traject: starts its workflow, sends each step of a plan as an update and
 * times the round trip (send → new status), waits where the plan says, and checks that the steps meant to be
 * refused are refused. A traject that goes wrong is terminated and reported; the benchmark carries on.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Covenant } from '../machines';
import { actorFor } from '../test/support/model';
import type { DeliveryObserver } from './observer';
import type { PlanStep } from './plan';
import { sleep } from './stats';
import type { CommonStatus, Variant } from './variants';

export interface DriveContext {
  client: Client;
  /** The client with the payload codec, for the encrypted variant. */
  encryptedClient?: Client;
  observer: DeliveryObserver;
  variant: Variant;
  covenant: Covenant;
  /** How long a step may wait for the delivery it awaits. */
  awaitTimeoutMs: number;
  /** Checked before each step: true stops the traject where it is (it stays open). */
  shouldStop?: () => boolean;
}

export interface TrajectOutcome {
  workflowId: string;
  /** Every step sent with the expected outcome (and, when awaited, the workflow completed). */
  completed: boolean;
  /** Round trips of the accepted and refused updates, in milliseconds. */
  latenciesMs: number[];
  /** Events the workflow took (start, updates, deadlines), from its result; 0 when not awaited. */
  events: number;
  /** Escalations delivered: a deadline passed that the happy path should have met. */
  escalations: number;
  problem?: string;
}

/** An error's message with the message of its cause (a failed update says why only in its cause). */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return cause && cause !== message ? `${message}: ${cause}` : message;
}

/** The client a variant's trajects are driven (and their histories read) with. */
export function clientFor(ctx: Pick<DriveContext, 'client' | 'encryptedClient'>, variant: Variant): Client {
  if (!variant.encrypted) return ctx.client;
  if (!ctx.encryptedClient) throw new Error(`no client with the payload codec for ${variant.name}`);
  return ctx.encryptedClient;
}

function refusalCode(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
    return err.cause.type ?? undefined;
  return undefined;
}

export async function driveTraject(
  ctx: DriveContext,
  plan: readonly PlanStep[],
  trajectRef: string,
  options: { waitForEnd: boolean },
): Promise<TrajectOutcome> {
  const { variant, covenant, observer } = ctx;
  const workflowId = variant.workflowId(trajectRef);
  const outcome: TrajectOutcome = {
    workflowId,
    completed: false,
    latenciesMs: [],
    events: 0,
    escalations: 0,
  };
  const handle = await clientFor(ctx, variant).workflow.start(variant.workflowType, {
    taskQueue: variant.taskQueue,
    workflowId,
    args: variant.startArgs(trajectRef, covenant),
  });
  let due = performance.now();
  try {
    for (const step of plan) {
      if (ctx.shouldStop?.()) return outcome;
      due += step.afterMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (step.awaits)
        await observer.waitFor(workflowId, step.awaits.key, step.awaits.count, ctx.awaitTimeoutMs);
      const data = typeof step.data === 'function' ? step.data(new Date().toISOString()) : step.data;
      const event = { type: step.type, actor: actorFor(covenant, step.as), ...(data ? { data } : {}) };
      const sent = performance.now();
      try {
        await handle.executeUpdate(variant.update, { args: [{ event }] });
        outcome.latenciesMs.push(performance.now() - sent);
        if (step.refused) throw new Error(`${step.type} was accepted, expected ${step.refused}`);
      } catch (err) {
        const code = refusalCode(err);
        if (code === undefined || code !== step.refused) throw err;
        outcome.latenciesMs.push(performance.now() - sent);
      }
    }
    if (options.waitForEnd) {
      const result = (await handle.result()) as CommonStatus;
      outcome.events = result.counters.events;
    }
    outcome.completed = true;
  } catch (err) {
    outcome.problem = `${variant.name} ${workflowId}: ${describeError(err)}`;
    await handle.terminate('benchmark step failed').catch(() => undefined);
  } finally {
    outcome.escalations = observer.count(workflowId, 'escalation:');
    observer.forget(workflowId);
  }
  return outcome;
}
