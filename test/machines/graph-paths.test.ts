/**
 * Tests generated from the traject graph: one test per path, for every covenant. Each path is replayed on the
 * clocked model from the start and every step is checked against the invariants.
 */
import {
  coordinatorEventTypes,
  phases,
  presetCovenants,
  timerEventTypes,
  type Covenant,
} from '../../machines';
import { brokenInvariants } from '../support/invariants';
import { describeEvent, initialModel, phaseOf, step, type ModelState } from '../support/model';
import {
  shortestPathsThroughTransitions,
  shortestPathsToStates,
  simplePathsToFinalStates,
  type ModelPath,
} from '../support/paths';

function replay(covenant: Covenant, path: ModelPath): ModelState {
  let state = initialModel(covenant);
  expect(brokenInvariants(state)).toEqual([]);
  for (const event of path.events) {
    const next = step(state, event);
    if (next === state)
      throw new Error(`step ${describeEvent(event)} was refused in ${JSON.stringify(state.snapshot.value)}`);
    expect(brokenInvariants(next)).toEqual([]);
    state = next;
  }
  expect(state.snapshot.value).toEqual(path.final.snapshot.value);
  return state;
}

describe.each(Object.values(presetCovenants).map((c) => [c.id, c] as const))('%s', (_id, covenant) => {
  const toStates = shortestPathsToStates(covenant);
  const throughTransitions = shortestPathsThroughTransitions(covenant);
  const toFinals = simplePathsToFinalStates(covenant);

  test.each(toStates.map((p) => [p.name, p] as const))('shortest path to %s', (_name, path) => {
    replay(covenant, path);
  });

  test.each(throughTransitions.map((p) => [p.name, p] as const))(
    'shortest path through %s',
    (_name, path) => {
      replay(covenant, path);
    },
  );

  test.each(toFinals.map((p) => [p.name, p] as const))('simple path to %s', (_name, path) => {
    const end = replay(covenant, path);
    expect(end.snapshot.status).toBe('done');
    expect(end.timers).toEqual([]);
  });

  test('the paths reach every public phase and take every canonical event and timer', () => {
    const reached = new Set(throughTransitions.map((p) => phaseOf(p.final.snapshot)));
    expect([...reached].sort()).toEqual([...phases].sort());
    const taken = new Set(throughTransitions.flatMap((p) => p.final.taken.map((e) => e.type)));
    expect([...coordinatorEventTypes, ...timerEventTypes].filter((type) => !taken.has(type))).toEqual([]);
  });
});
