/**
 * Workload 2, coordinator latency: C coordinators at once, each registering clients and taking them from aanmelding
 * to the kennismakingsgesprek (nine updates) under the real Almere covenant, one traject after another, for a fixed
 * time. Every update's round trip (send → new status) is timed.
 */
import { driveTraject, type DriveContext } from '../driver';
import { almere, coordinatorPlan } from '../plan';
import { trajectRefs, type Random } from '../random';
import { sleep } from '../stats';
import type { Variant } from '../variants';

export interface LatencyRound {
  latenciesMs: number[];
  trajects: number;
  problems: string[];
}

export async function runLatencyRound(
  ctx: Omit<DriveContext, 'variant' | 'covenant' | 'shouldStop'>,
  variant: Variant,
  options: { coordinators: number; seconds: number },
  random: Random,
): Promise<LatencyRound> {
  const plan = coordinatorPlan();
  const nextRef = trajectRefs(random, `lat-${variant.name}`);
  const deadline = performance.now() + options.seconds * 1000;
  const shouldStop = () => performance.now() >= deadline;
  const round: LatencyRound = { latenciesMs: [], trajects: 0, problems: [] };
  // Coordinators start spread over the first 200 ms, as people do not click in lockstep.
  const offsets = Array.from({ length: options.coordinators }, () => random.below(200));
  await Promise.all(
    offsets.map(async (offset) => {
      await sleep(offset);
      while (!shouldStop()) {
        const outcome = await driveTraject(
          { ...ctx, variant, covenant: almere, shouldStop },
          plan,
          nextRef(),
          {
            waitForEnd: false,
          },
        );
        round.latenciesMs.push(...outcome.latenciesMs);
        round.trajects += 1;
        if (outcome.problem) round.problems.push(outcome.problem);
      }
    }),
  );
  return round;
}
