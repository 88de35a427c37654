/**
 * Opening many trajects at once for the cluster benchmark's memory and burst figures at scale. Walking a traject to
 * bewoning costs a start and seven updates (about 0.7 s of CPU on this machine, see Performance), so 10,000 walked
 * trajects take an hour of two cores. Beyond the first count the benchmark opens trajects as continued runs instead:
 * the pure machine walks the same seven events here, and the workflow starts with the state it reached, exactly as a
 * traject's next run starts after continue-as-new (snapshot, pending timers, log, counters). The workflow restores
 * it, arms its timers and publishes its search attributes; from then on it is an open traject like any other, with a
 * short history (as every traject has right after it continued as new).
 */
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { decide, phaseOf, presetCovenants, trajectMachine, type Actor } from '../../machines';
import { startTraject, takeEvent } from '../../machines/traject/interpreter';
import { walkTo } from '../../test/cluster/drills';
import { rulesFor } from '../../workflows/patches';
import {
  TASK_QUEUE,
  workflowIdFor,
  type ContinuedState,
  type EventLogEntry,
  type TenancyWorkflowInput,
} from '../../workflows/messages';
import { escalatedKey, phaseKey, regionKey } from '../../workflows/search-attributes';

/** The workflow input of a traject walked to bewoning by the pure machine, as its next run would receive it. */
export function walkedInput(
  ref: string,
  region: string,
  registeredBy: Actor,
): { input: TenancyWorkflowInput; phase: string } {
  const covenant = presetCovenants[region];
  if (!covenant) throw new Error(`no preset covenant ${region}`);
  const at = new Date().toISOString();
  const who = (actor: Actor) => ({
    role: actor.role,
    ...(actor.organisation ? { organisation: actor.organisation } : {}),
  });
  let step = startTraject({
    trajectRef: ref,
    origin: 'MO',
    covenant,
    registeredAt: at,
    registeredBy,
    // The rules a traject started today runs under (every patch taken).
    rules: rulesFor(() => true),
  });
  const log: EventLogEntry[] = [
    {
      seq: 1,
      at,
      type: 'AANMELDING',
      source: 'start',
      actor: who(registeredBy),
      phaseBefore: null,
      phaseAfter: phaseOf(step.snapshot),
    },
  ];
  for (const { event, actor } of walkTo(ref)) {
    const decided = decide(step.snapshot, { ...event, actor }, at);
    if (!decided.ok) throw new Error(`${event.type} refused while seeding: ${decided.refusal.message}`);
    const before = phaseOf(step.snapshot);
    step = takeEvent(step.snapshot, step.timers, decided.event);
    log.push({
      seq: log.length + 1,
      at,
      type: event.type,
      source: 'update',
      actor: who(actor),
      phaseBefore: before,
      phaseAfter: phaseOf(step.snapshot),
    });
  }
  const continued: ContinuedState = {
    snapshot: trajectMachine.getPersistedSnapshot(step.snapshot),
    timers: step.timers,
    log,
    counters: { run: 1, events: log.length, refusedSignals: 0, failedDeliveries: 0 },
    idempotencyKeys: [],
    // The walk's invitations and notices count as delivered: this is the state after them.
    effects: [],
  };
  return {
    input: { aanmelding: { trajectRef: ref, origin: 'MO', covenant, registeredBy }, continued },
    phase: phaseOf(step.snapshot),
  };
}

/** Starts `ref` as a continued run in bewoning (see the file's comment). */
export async function startWalked(
  client: Client,
  ref: string,
  region: string,
  registeredBy: Actor,
): Promise<void> {
  const { input, phase } = walkedInput(ref, region, registeredBy);
  await client.workflow.start('tenancyWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor(ref),
    args: [input],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: phaseKey, value: phase },
      { key: regionKey, value: region },
      { key: escalatedKey, value: false },
    ]),
  });
}
