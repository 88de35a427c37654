/**
 * Paths generated from the traject graph with @xstate/graph, over the clocked model: the shortest path to every
 * state, the shortest path through every transition, and the simple paths to every final state.
 */
import { getShortestPaths, getSimplePaths, type StatePath } from '@xstate/graph';
import type { Snapshot } from 'xstate';
import type { Covenant } from '../../machines';
import { describeEvent, modelLogic, phaseOf, sampleEvents, type ModelEvent, type ModelState } from './model';

type ModelSnapshot = { context: ModelState };
export type ModelPath = StatePath<ModelSnapshot & Snapshot<unknown>, ModelEvent> & {
  name: string;
  events: ModelEvent[];
  final: ModelState;
};

const byValue = (s: ModelSnapshot) => JSON.stringify(s.context.snapshot.value);
/**
 * A state with the context that decides which events it accepts: simple paths reuse one state per key, so two
 * states under one key must accept the same events (an advised form, the signatures so far).
 */
const byValueAndDecisions = (s: ModelSnapshot) => {
  const { contract } = s.context.snapshot.context;
  return `${byValue(s)}|${contract.advisedForm ?? ''}|${contract.form ?? ''}|${Object.keys(contract.agreements).sort().join(',')}`;
};
/** A state plus the event that led into it: one vertex per transition taken. */
const byTransition = (s: ModelSnapshot, event?: ModelEvent) => {
  const last = s.context.taken[s.context.taken.length - 1];
  const via = event ? (event.type === 'ADVANCE' ? `timer ${last?.type ?? ''}` : describeEvent(event)) : '';
  return `${byValue(s)}|${via}`;
};

function named(paths: Array<StatePath<Snapshot<unknown>, ModelEvent>>): ModelPath[] {
  return paths.map((p) => {
    const events = p.steps.slice(1).map((s) => s.event); // the first step is xstate.init
    const final = (p.state as unknown as ModelSnapshot).context;
    const via = events.map(describeEvent).join(' > ') || '(registration)';
    return Object.assign(p as unknown as ModelPath, {
      events,
      final,
      name: `${phaseOf(final.snapshot)}: ${via}`,
    });
  });
}

const options = { events: (s: ModelSnapshot) => sampleEvents(s.context) };

export function shortestPathsToStates(covenant: Covenant): ModelPath[] {
  return named(getShortestPaths(modelLogic(covenant), { ...options, serializeState: byValue }));
}

export function shortestPathsThroughTransitions(covenant: Covenant): ModelPath[] {
  return named(getShortestPaths(modelLogic(covenant), { ...options, serializeState: byTransition }));
}

export function simplePathsToFinalStates(covenant: Covenant): ModelPath[] {
  return named(
    getSimplePaths(modelLogic(covenant), {
      ...options,
      serializeState: byValueAndDecisions,
      toState: (s) => (s as unknown as ModelSnapshot).context.snapshot.status === 'done',
    }),
  );
}
