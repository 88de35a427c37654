/**
 * What every fault drill does with its trajects: walk them along the demo covenant's path (timers of seconds) while
 * a fault strikes, retrying a send that failed in transit with the same idempotency key, as a careful caller would;
 * then check what a user and an auditor would notice: each accepted event once, each timer once, no failed workflow
 * task, and histories that replay with today's code.
 */
import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import {
  EngineUnavailable,
  TidwError,
  type Actor,
  type HistoryChain,
  type TenancyClient,
  type TrajectEvent,
} from '../../client';

import { reportEventSignal, workflowIdFor, type EventLogEntry } from '../../workflows/messages';

const kwintes: Actor = { role: 'zorgaanbieder', organisation: 'Kwintes', personId: 'zb-0001' };
const gemeente: Actor = { role: 'gemeente', organisation: 'Gemeente Almere', personId: 'gm-0001' };
const ymere: Actor = { role: 'corporatie', organisation: 'Ymere', personId: 'wb-0001' };

/** From registration to the signed contract (README quick start, demo covenant). */
export function walkTo(ref: string): Array<{ event: TrajectEvent; actor: Actor }> {
  const client: Actor = { role: 'client', personId: ref };
  return [
    { event: { type: 'INSTEMMING_GEGEVEN' }, actor: client },
    { event: { type: 'URGENTIE_AANGEVRAAGD' }, actor: kwintes },
    { event: { type: 'URGENTIE_TOEGEKEND', data: { searchProfile: {} } }, actor: gemeente },
    { event: { type: 'WONING_AANGEBODEN', data: { homeRef: `woning-${ref}` } }, actor: ymere },
    { event: { type: 'AANBOD_GEACCEPTEERD' }, actor: client },
    { event: { type: 'CONTRACTVORM_GEADVISEERD', data: { form: 'omklapcontract' } }, actor: kwintes },
    { event: { type: 'CONTRACT_GETEKEND', data: { form: 'omklapcontract' } }, actor: ymere },
  ];
}

/** The timer every walked traject must see fire once: the kennismakingsgesprek not held within 10 s. */
export const KENNISMAKING_TIMER = 'KENNISMAKING_TERMIJN';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long a drill keeps retrying one call through a fault before it gives up. */
const RETRY_FOR_MS = 120_000;

/**
 * Calls `call` until it succeeds. A refusal by the engine (a TidwError) is an answer, not a fault, and fails the
 * drill; anything else (unavailable, deadline exceeded, connection reset) is the fault in transit and is retried.
 * So is `EngineUnavailable`: while a killed worker's trajects wait for the other to take them over, a send can find
 * no worker answering within the SDK's query timeout, and the error says trying again is safe.
 */
export async function throughFaults<T>(
  what: string,
  call: () => Promise<T>,
  retries: { count: number },
): Promise<T> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if ((err instanceof TidwError && !(err instanceof EngineUnavailable)) || Date.now() > deadline) {
        throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
      }
      retries.count++;
      await sleep(500);
    }
  }
}

export interface WalkedTraject {
  ref: string;
  /** Event types the engine accepted, in order. */
  accepted: string[];
}

/** Registers a traject, retrying through faults (a retried start that finds the traject started is done). */
export async function register(
  tidw: TenancyClient,
  ref: string,
  retries: { count: number },
): Promise<WalkedTraject> {
  await throughFaults(
    `start ${ref}`,
    async () => {
      try {
        await tidw.start({ clientRef: ref, region: 'demo', origin: 'MO', registeredBy: kwintes });
      } catch (err) {
        if ((err as { code?: string }).code === 'TrajectAlreadyExists' && retries.count > 0) return;
        throw err;
      }
    },
    retries,
  );
  return { ref, accepted: [] };
}

/** Sends the walk's events from `from` on, `pauseMs` apart, each with an idempotency key of its own. */
export async function walk(
  tidw: TenancyClient,
  traject: WalkedTraject,
  options: { from?: number; to?: number; pauseMs: number },
  retries: { count: number },
): Promise<void> {
  const steps = walkTo(traject.ref).slice(options.from ?? 0, options.to);
  for (const { event, actor } of steps) {
    await throughFaults(
      `${event.type} for ${traject.ref}`,
      () => tidw.send(traject.ref, event, actor, { idempotencyKey: `drill:${event.type}` }),
      retries,
    );
    traject.accepted.push(event.type);
    await sleep(options.pauseMs);
  }
}

/** Reports rent arrears as a signal (as a corporation's feed would), which the server takes with no worker running. */
export async function signalArrears(
  client: Client,
  traject: WalkedTraject,
  retries: { count: number },
): Promise<void> {
  await throughFaults(
    `HUURACHTERSTAND_GESIGNALEERD for ${traject.ref}`,
    () =>
      client.workflow.getHandle(workflowIdFor(traject.ref)).signal(reportEventSignal, {
        event: { type: 'HUURACHTERSTAND_GESIGNALEERD', actor: ymere, data: { months: 2 } },
        idempotencyKey: 'drill:arrears',
      }),
    retries,
  );
  traject.accepted.push('HUURACHTERSTAND_GESIGNALEERD');
}

/** Waits until the traject's log shows the timer fired, retrying queries through faults. */
export async function waitForTimer(
  tidw: TenancyClient,
  ref: string,
  timer: string,
  timeoutMs: number,
): Promise<EventLogEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await tidw.events(ref).catch(() => undefined);
    if (log?.some((e) => e.source === 'timer' && e.type === timer)) return log;
    if (Date.now() > deadline) throw new Error(`${ref}: ${timer} did not fire within ${timeoutMs} ms`);
    await sleep(1_000);
  }
}

type HistoryEvent = NonNullable<HistoryChain['runs'][number]['history']['events']>[number];

const seconds = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;

/** What the histories of one traject show about its workflow tasks and timers. */
export interface HistoryFindings {
  workflowTaskFailures: string[];
  /** Timers that fired more than once. */
  firedTwice: string[];
  /** Timers that fell due more than `slackMs` ago (not cancelled) and never fired. */
  dueNotFired: string[];
  timersFired: number;
  workflowTaskTimeouts: number;
}

export function inspectHistory(chain: HistoryChain, now = Date.now(), slackMs = 5_000): HistoryFindings {
  const findings: HistoryFindings = {
    workflowTaskFailures: [],
    firedTwice: [],
    dueNotFired: [],
    timersFired: 0,
    workflowTaskTimeouts: 0,
  };
  chain.runs.forEach((run, index) => {
    const events: HistoryEvent[] = run.history.events ?? [];
    const last = index === chain.runs.length - 1;
    const fired = new Map<string, number>();
    const cancelled = new Set<string>();
    for (const e of events) {
      if (e.workflowTaskFailedEventAttributes) {
        const a = e.workflowTaskFailedEventAttributes;
        findings.workflowTaskFailures.push(
          `event ${String(e.eventId)}: ${a.failure?.message ?? String(a.cause)}`,
        );
      }
      if (e.workflowTaskTimedOutEventAttributes) findings.workflowTaskTimeouts++;
      const f = e.timerFiredEventAttributes;
      if (f?.timerId) fired.set(f.timerId, (fired.get(f.timerId) ?? 0) + 1);
      const c = e.timerCanceledEventAttributes;
      if (c?.timerId) cancelled.add(c.timerId);
    }
    for (const e of events) {
      const started = e.timerStartedEventAttributes;
      if (!started?.timerId) continue;
      const count = fired.get(started.timerId) ?? 0;
      findings.timersFired += count;
      if (count > 1) findings.firedTwice.push(`${run.runId}/${started.timerId}`);
      const dueAt = (seconds(e.eventTime) + seconds(started.startToFireTimeout)) * 1000;
      // A run that continued as new hands its pending timers to the next run; only the last run must fire them.
      if (last && count === 0 && !cancelled.has(started.timerId) && dueAt < now - slackMs) {
        findings.dueNotFired.push(`${run.runId}/${started.timerId} due ${new Date(dueAt).toISOString()}`);
      }
    }
  });
  return findings;
}

/** Replays the chains with today's workflow code; returns the failures, if any. */
export async function replayFailures(
  tidw: TenancyClient,
  chains: HistoryChain[],
  workflowBundle: WorkflowBundle,
): Promise<string[]> {
  const outcomes = await tidw.replay(chains, { workflowBundle });
  return outcomes.filter((o) => !o.ok).map((o) => `${o.workflowId}/${o.runId}: ${o.error ?? 'failed'}`);
}
