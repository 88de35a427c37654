/**
 * The floor under the pure machine (workload 6): XState v5 alone, on a machine with the traject machine's states and
 * edges and nothing of ours: no guards, no actions, no context. It takes the event types the engine's machine took on
 * the same plan, in the same order, through the same kind of inert actor scope the interpreter uses. A second machine
 * adds one context assign to every transition, the least a traject records (when its event happened): XState copies
 * the snapshot for every assign. The engine's transitions per second against these say how much of a transition is
 * XState's own and how much is ours, on whatever machine the benchmark runs.
 */
import { assign, createMachine, type AnyStateMachine } from 'xstate';
import { inertScopeFor } from '../../machines/traject/interpreter';
import { trajectMachine } from '../../machines/traject/machine';
import { elapsedMs } from '../stats';
import { enginePath } from './machine';

/** The parts of a state node's config the floor keeps. */
interface NodeConfig {
  id?: string;
  initial?: string;
  type?: string;
  history?: string;
  target?: unknown;
  on?: Record<string, unknown>;
  states?: Record<string, NodeConfig>;
}

interface Edge {
  target?: unknown;
  reenter?: boolean;
  actions?: unknown;
}

/** A transition's targets without its guard and actions; `withAction` is put on every one. */
function edges(transitions: unknown, withAction: unknown): Edge[] {
  return (Array.isArray(transitions) ? transitions : [transitions]).map((t: unknown) => {
    const { target, reenter } = (typeof t === 'string' ? { target: t } : t) as Edge;
    return {
      target,
      ...(reenter ? { reenter } : {}),
      ...(withAction ? { actions: withAction } : {}),
    };
  });
}

/** The state node's structure and edges, nothing else. */
function skeleton(node: NodeConfig, withAction: unknown): NodeConfig {
  const out: NodeConfig = {};
  for (const key of ['id', 'initial', 'type', 'history', 'target'] as const)
    if (node[key] !== undefined) (out as Record<string, unknown>)[key] = node[key];
  if (node.on)
    out.on = Object.fromEntries(Object.entries(node.on).map(([type, t]) => [type, edges(t, withAction)]));
  if (node.states)
    out.states = Object.fromEntries(
      Object.entries(node.states).map(([key, child]) => [key, skeleton(child, withAction)]),
    );
  return out;
}

export type FloorName = 'bare' | 'stamped';

/** The floor's machine: the traject machine's skeleton, bare or with one assign per transition. */
export function floorMachine(name: FloorName): AnyStateMachine {
  const config = trajectMachine.config as unknown as NodeConfig;
  if (name === 'bare') return createMachine({ ...skeleton(config, undefined), context: {} } as never);
  const stamp = assign({ at: ({ event }: { event: { at?: string } }) => event.at ?? '' });
  return createMachine({ ...skeleton(config, stamp), context: { at: '' } } as never);
}

export interface FloorRound {
  floor: FloorName;
  seconds: number;
  trajects: number;
  transitions: number;
}

/** Runs the engine's path on one floor machine for about `seconds`; transitions counted as the engine's are. */
export function floorRound(name: FloorName, seconds: number): FloorRound {
  const machine = floorMachine(name);
  const events = enginePath().map((type) => ({ type, at: '2026-01-05T09:00:00.000Z' }));
  const scope = inertScopeFor(machine, () => {});
  const start = performance.now();
  let trajects = 0;
  let transitions = 0;
  while (elapsedMs(start) < seconds * 1000) {
    let snapshot = machine.getInitialSnapshot(scope);
    for (const event of events) snapshot = machine.transition(snapshot, event, scope);
    transitions += 1 + events.length;
    trajects += 1;
  }
  return { floor: name, seconds: elapsedMs(start) / 1000, trajects, transitions };
}
