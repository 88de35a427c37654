/**
 * What the benchmark's coordinators send: the Almere happy path of the covenant scenarios (test/support), under
 * covenants whose terms are seconds. A step either follows the previous one at once (as fast as the traject allows)
 * or at the scenario's own pace on a clock where a month lasts a second; a step that needs a deadline to have
 * passed first (an evaluatiegesprek needs its invitation) waits until the traject delivered that invitation.
 */
import {
  addDuration,
  presetCovenants,
  type Covenant,
  type CoordinatorEventType,
  type Refusal,
  type Role,
} from '../machines';
import { secondsCovenant } from '../test/support/covenants';
import { scenarios, type ScenarioStep } from '../test/support/scenarios';

/** A delivery the traject must have made before a step is sent: its kind and how many of them. */
export interface AwaitedDelivery {
  key: string;
  count: number;
}

export interface PlanStep {
  type: CoordinatorEventType;
  as: Role;
  data?: ScenarioStep['data'];
  /** Milliseconds after the previous step (0: at once). */
  afterMs: number;
  awaits?: AwaitedDelivery;
  /** The engine must refuse this step, with this code. */
  refused?: Refusal['code'];
}

export const almere = presetCovenants.almere!;
const happyPath = scenarios[0]!;

/** A real month as the scenario counts it, and the benchmark's month: one second. */
const MONTH_MS = (365.25 / 12) * 86_400_000;
const SIMULATED_MONTH_MS = 1000;
const EPOCH = '2026-01-05T09:00:00.000Z';

const lengthMs = (duration: string) => Date.parse(addDuration(EPOCH, duration)) - Date.parse(EPOCH);
/** A calendar duration on the benchmark's clock, where a month lasts a second. */
const simulated = (duration: string) => (lengthMs(duration) / MONTH_MS) * SIMULATED_MONTH_MS;
/** Whole seconds (the covenant's terms are ISO durations in seconds), at least one. */
const seconds = (duration: string) => Math.max(1, Math.round(simulated(duration) / 1000));

/**
 * The covenant of the throughput workload: Almere with its terms in seconds. Its proportions are
 * Almere's where the path depends on them (the minimum term is four evaluation intervals), so that a whole
 * traject with its four evaluations takes about fourteen seconds.
 */
export const fastCovenant: Covenant = secondsCovenant(almere, {
  evaluatiegesprekInterval: 3,
  evaluatiegesprekWithin: 2,
  minimumTerm: 12,
  waakvlamCheckIn: 1,
});

/** Almere on a clock where a month lasts a second (rounded to whole seconds): three years in 36 seconds. */
export const threeYearCovenant: Covenant = secondsCovenant(almere, {
  urgencyDecision: seconds(almere.terms.urgencyDecision),
  offerReminder: seconds(almere.terms.offerReminder),
  offerEscalation: seconds(almere.terms.offerEscalation),
  minimumTerm: seconds(almere.terms.minimumTerm.driepartijenovereenkomst),
  extension: seconds(almere.terms.extension),
  kennismakingsgesprekWithin: seconds(almere.terms.kennismakingsgesprekWithin),
  evaluatiegesprekInterval: seconds(almere.terms.evaluatiegesprekInterval),
  evaluatiegesprekWithin: seconds(almere.terms.evaluatiegesprekWithin),
  rentArrearsFollowUp: seconds(almere.terms.rentArrearsFollowUp),
  waakvlamCheckIn: seconds(almere.terms.waakvlamCheckIn),
});

/** Each evaluatiegesprek is held only once its invitation went out. */
function withAwaits(steps: ScenarioStep[]): Array<ScenarioStep & { awaits?: AwaitedDelivery }> {
  let evaluations = 0;
  return steps.map((step) => {
    const data = typeof step.data === 'object' ? step.data : undefined;
    if (step.type !== 'GESPREK_GEVOERD' || data?.meeting !== 'evaluatiegesprek') return step;
    evaluations += 1;
    return { ...step, awaits: { key: 'invitation:evaluatiegesprek', count: evaluations } };
  });
}

function toPlanStep(step: ScenarioStep & { awaits?: AwaitedDelivery }, afterMs: number): PlanStep {
  return {
    type: step.type!,
    as: step.as!,
    afterMs,
    ...(step.data ? { data: step.data } : {}),
    ...(step.awaits ? { awaits: step.awaits } : {}),
    ...(step.refused ? { refused: step.refused } : {}),
  };
}

/**
 * The happy path as fast as its covenant allows: every step at once, an evaluatiegesprek after its invitation, and
 * the scenario's quiet months in waakvlam replaced by waiting for the first waakvlam check-in.
 */
export function fastPlan(): PlanStep[] {
  const plan: PlanStep[] = [];
  let awaitCheckIn = false;
  for (const step of withAwaits(happyPath.steps)) {
    if (!step.type) {
      awaitCheckIn = true;
      continue;
    }
    const next = toPlanStep(step, 0);
    if (awaitCheckIn) next.awaits = { key: 'notification:waakvlamContact', count: 1 };
    awaitCheckIn = false;
    plan.push(next);
  }
  return plan;
}

/**
 * The happy path at the scenario's pace, a month to the second, with the quiet waakvlam months lengthened so that
 * the traject closes three simulated years after registration: the history an auditor replays.
 */
export function threeYearPlan(): PlanStep[] {
  const total = happyPath.steps.reduce((sum, step) => sum + simulated(step.after), 0);
  const extra = Math.max(0, simulated('P3Y') - total);
  const plan: PlanStep[] = [];
  let carried = 0;
  for (const step of withAwaits(happyPath.steps)) {
    carried += simulated(step.after);
    if (!step.type) {
      carried += extra;
      continue;
    }
    plan.push(toPlanStep(step, carried));
    carried = 0;
  }
  return plan;
}

/** Registration up to the kennismakingsgesprek: the steps a coordinator takes without waiting for a deadline. */
export function coordinatorPlan(): PlanStep[] {
  const plan: PlanStep[] = [];
  for (const step of happyPath.steps) {
    if (!step.type) break;
    plan.push(toPlanStep(step, 0));
    if (step.type === 'GESPREK_GEVOERD') break; // the kennismakingsgesprek: what follows waits for deadlines
  }
  return plan;
}

/** The scenario's steps with their real dates from `from`: for the pure machine, which needs no clock. */
export function datedPlan(from: string): Array<PlanStep & { at: string }> {
  let at = from;
  const plan: Array<PlanStep & { at: string }> = [];
  for (const step of happyPath.steps) {
    at = addDuration(at, step.after);
    if (step.type) plan.push({ ...toPlanStep(step, 0), at });
  }
  return plan;
}
