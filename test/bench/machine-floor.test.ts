/**
 * The floor under the pure-machine figure must be the traject machine's own shape, or the comparison says nothing:
 * the same state nodes and the same event edges, with none of the machine's guards, actions or context.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { trajectMachine } from '../../machines/traject/machine';
import { floorMachine, floorRound } from '../../bench/workloads/machine-floor';
import { enginePath } from '../../bench/workloads/machine';

function nodes(machine: AnyStateMachine): AnyStateNode[] {
  const all: AnyStateNode[] = [];
  const walk = (node: AnyStateNode) => {
    all.push(node);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root);
  return all;
}

const edgesOf = (machine: AnyStateMachine) =>
  nodes(machine).flatMap((node) =>
    [...node.transitions.entries()].flatMap(([type, list]) =>
      list.map((t) => `${node.id} ${type} → ${(t.target ?? []).map((n) => n.id).join(',')}`),
    ),
  );

test.each(['bare', 'stamped'] as const)('the %s floor has the machine’s states and edges', (name) => {
  const floor = floorMachine(name);
  expect(nodes(floor).map((n) => `${n.id} ${n.type}`)).toEqual(
    nodes(trajectMachine).map((n) => `${n.id} ${n.type}`),
  );
  expect(edgesOf(floor).sort()).toEqual(edgesOf(trajectMachine).sort());
  const transitions = nodes(floor).flatMap((n) => [...n.transitions.values()].flat());
  expect(transitions.some((t) => t.guard)).toBe(false);
  expect(nodes(floor).some((n) => n.entry.length > 0 || n.exit.length > 0)).toBe(false);
  expect(transitions.every((t) => t.actions.length === (name === 'stamped' ? 1 : 0))).toBe(true);
});

test('the floor takes the event types the engine took, as many transitions per traject', () => {
  const path = enginePath();
  expect(path.length).toBeGreaterThan(20);
  const round = floorRound('bare', 0.05);
  expect(round.transitions).toBe(round.trajects * (1 + path.length));
});
