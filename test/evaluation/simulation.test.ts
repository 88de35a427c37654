/** The what-if simulation: deterministic per seed, valid events only, and sane when the supply of homes changes. */
import {
  CoordinatorEventSchema,
  decide,
  startTraject,
  takeEvent,
  fireNext,
  presetCovenantIds,
  type CoordinatorEvent,
} from '../../machines';
import { factsFromEventLog, simulate, simulationReport } from '../../client/evaluation';

const run = (offersPerMonth: number, seed: number, clients = 120) =>
  simulate({ covenant: 'almere', clients, years: 2, offersPerMonth, seed });

test('the facts the simulation recorded as it ran are what factsFromEventLog makes of its logs', () => {
  const result = run(5, 6, 80);
  expect(result.facts).toHaveLength(80);
  result.logs.forEach((log, i) => {
    expect(factsFromEventLog(log, { asOf: result.until })).toEqual(result.facts[i]);
  });
});

test('the same seed gives the same run; another seed another', () => {
  const a = run(4, 7, 60);
  const b = run(4, 7, 60);
  expect(b.logs).toEqual(a.logs);
  expect(run(4, 8, 60).logs).not.toEqual(a.logs);
});

test.each(presetCovenantIds)(
  '%s: every simulated event is one a partner could send: its schema, its role, and the machine takes it',
  (covenant) => {
    const result = simulate({ covenant, clients: 30, years: 3, offersPerMonth: 3, seed: 3 });
    let checked = 0;
    for (const log of result.logs) {
      let { snapshot, timers } = startTraject(log.registration);
      for (const event of log.events) {
        while (timers[0] && Date.parse(timers[0].fireAt) <= Date.parse(event.at))
          ({ snapshot, timers } = fireNext(snapshot, timers)!);
        expect(CoordinatorEventSchema.parse(event)).toEqual(event);
        const { type, actor, data } = event as CoordinatorEvent;
        const decision = decide(snapshot, { type, actor, data }, event.at);
        if (!decision.ok)
          throw new Error(`${log.registration.trajectRef} ${type}: ${decision.refusal.message}`);
        ({ snapshot, timers } = takeEvent(snapshot, timers, decision.event));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(200);
    const { flow } = simulationReport([{ name: covenant, result }]).scenarios[0]!.whole;
    expect(flow.movedIn).toBeGreaterThan(15);
    expect(flow.converted).toBeGreaterThan(0);
  },
);

test('the caseload goes the whole way: housed, converted, waakvlam, closed, and the exceptions along it', () => {
  const report = simulationReport([{ name: 'base', result: run(6, 1, 150) }]);
  const { flow, escalations, relapses, rentArrears, waakvlam } = report.scenarios[0]!.whole;
  expect(flow.movedIn).toBeGreaterThan(50);
  expect(flow.converted).toBeGreaterThan(5);
  expect(flow.urgencyRefused).toBeGreaterThan(0);
  expect(escalations.urgentiebesluitTeLaat.opened).toBeGreaterThan(0);
  expect(relapses.started).toBeGreaterThan(0);
  expect(rentArrears.signalled).toBeGreaterThan(0);
  expect(waakvlam.months).toBeGreaterThan(0);
});

test.each([1, 2, 3])(
  'seed %i: more offers a month never house fewer in the first year, and shorten the median wait',
  (seed) => {
    const fewer = simulationReport([
      { name: '3', result: run(3, seed) },
      { name: '6', result: run(6, seed) },
    ]);
    const [three, six] = fewer.scenarios;
    expect(six!.firstYear.flow.movedIn).toBeGreaterThanOrEqual(three!.firstYear.flow.movedIn);
    expect(six!.whole.offerLeadTime.medianMonths!).toBeLessThan(three!.whole.offerLeadTime.medianMonths!);
    expect(six!.whole.offerLeadTime.waitingPastEscalation).toBeLessThanOrEqual(
      three!.whole.offerLeadTime.waitingPastEscalation,
    );
    expect(fewer.comparison.find((r) => r.figure === 'firstYear.flow.movedIn')!.values).toEqual([
      three!.firstYear.flow.movedIn,
      six!.firstYear.flow.movedIn,
    ]);
  },
);
