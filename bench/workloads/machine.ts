/**
 * Workload 6, the pure machine: the Almere happy path at its real dates (registration to closure, 31 months) run
 * on the lifecycle machine alone, without Temporal: each coordinator event checked (`decide`) and taken
 * (`takeEvent`), each deadline due before it fired (`fireNext`). The baseline runs its hand-written logic over the
 * same events. The figure is transitions per second: the ceiling the statechart itself sets.
 */
import { decide, fireNext, startTraject, takeEvent, type Covenant } from '../../machines';
import { actorFor } from '../../test/support/model';
import { initialState, refusal, take, type BaselineEvent, type TimerStart } from '../baseline/traject';
import { almere, datedPlan, type PlanStep } from '../plan';
import { elapsedMs } from '../stats';
import { baselineTerms, variants, type VariantName } from '../variants';

const FROM = '2026-01-05T09:00:00.000Z';

type DatedStep = PlanStep & { at: string };

function eventOf(step: DatedStep, covenant: Covenant) {
  const data = typeof step.data === 'function' ? step.data(step.at) : step.data;
  return { type: step.type, actor: actorFor(covenant, step.as), ...(data ? { data } : {}) };
}

/**
 * A step as a coordinator sends it: the event built and its time read once per round, as a workflow receives an
 * event ready-made; building them is the sender's work, not the machine's, so it stays out of the figure.
 */
interface SentStep {
  step: DatedStep;
  atMs: number;
  event: ReturnType<typeof eventOf>;
}

const sentSteps = (plan: readonly DatedStep[], covenant: Covenant): SentStep[] =>
  plan.map((step) => ({ step, atMs: Date.parse(step.at), event: eventOf(step, covenant) }));

/** One traject on the engine's machine; returns the transitions taken. `taken` hears each event type taken. */
function engineTraject(
  plan: readonly SentStep[],
  covenant: Covenant,
  ref: string,
  taken?: (type: string) => void,
): number {
  const first = startTraject({
    trajectRef: ref,
    origin: 'BW',
    covenant,
    registeredAt: FROM,
    registeredBy: actorFor(covenant, 'zorgaanbieder'),
  });
  let { snapshot, timers } = first;
  let transitions = 1;
  for (const { step, atMs, event } of plan) {
    while (timers[0] && Date.parse(timers[0].fireAt) <= atMs && snapshot.status === 'active') {
      taken?.(timers[0].event.type);
      ({ snapshot, timers } = fireNext(snapshot, timers)!);
      transitions += 1;
    }
    const decision = decide(snapshot, event, step.at);
    if (!decision.ok) {
      if (step.refused === decision.refusal.code) continue;
      throw new Error(`the machine refused ${step.type}: ${decision.refusal.message}`);
    }
    taken?.(decision.event.type);
    ({ snapshot, timers } = takeEvent(snapshot, timers, decision.event));
    transitions += 1;
  }
  return transitions;
}

/** The event types the engine's machine takes on the plan, in order (after its registration). */
export function enginePath(): string[] {
  const types: string[] = [];
  engineTraject(sentSteps(datedPlan(FROM), almere), almere, 'pure-path', (type) => types.push(type));
  return types;
}

/** The same traject on the baseline's hand-written logic. */
function baselineTraject(plan: readonly SentStep[], covenant: Covenant): number {
  const terms = baselineTerms(covenant);
  const state = initialState({ gemeente: 'g', zorgaanbieder: 'z', corporatie: 'c' });
  const pending = new Map<string, TimerStart>();
  let transitions = 1;
  const apply = (event: BaselineEvent, at: number) => {
    const outcome = take(state, terms, event, at);
    for (const id of outcome.cancel) pending.delete(id);
    for (const timer of outcome.start) pending.set(timer.id, timer);
    transitions += 1;
  };
  for (const { step, atMs: at, event } of plan) {
    for (;;) {
      let next: TimerStart | undefined;
      for (const timer of pending.values()) if (!next || timer.fireAt < next.fireAt) next = timer;
      if (!next || next.fireAt > at || state.phase === 'afgesloten') break;
      pending.delete(next.id);
      apply({ type: next.type }, next.fireAt);
    }
    const refused = refusal(state, terms, event, at);
    if (refused) {
      if (step.refused === refused) continue;
      throw new Error(`the baseline refused ${step.type}: ${refused}`);
    }
    apply(event, at);
  }
  return transitions;
}

export interface MachineRound {
  variant: VariantName;
  seconds: number;
  trajects: number;
  transitions: number;
}

/** Runs whole trajects on one variant's logic for about `seconds`. */
export function machineRound(variant: VariantName, seconds: number): MachineRound {
  const plan = datedPlan(FROM);
  const sent = sentSteps(plan, almere);
  const start = performance.now();
  let trajects = 0;
  let transitions = 0;
  while (elapsedMs(start) < seconds * 1000) {
    transitions +=
      variant === variants.engine.name
        ? engineTraject(sent, almere, `pure-${trajects}`)
        : baselineTraject(sent, almere);
    trajects += 1;
  }
  return { variant, seconds: elapsedMs(start) / 1000, trajects, transitions };
}
