/**
 * `decide` asks `canTake` whether the state would take an event now, instead of XState's `snapshot.can`: both must
 * answer alike for every state the covenant scenarios reach, every event type it has a transition for, every role,
 * now and much later, and for the timers it has running.
 */
import { addDuration, roles, type TrajectEvent } from '../../machines';
import { canTake, stateEvents } from '../../machines/traject/status';
import { actorFor, candidateEvents, type SendEvent } from '../support/model';
import { runScenario, scenarios } from '../support/scenarios';

test.each(scenarios.map((s) => [s.name, s] as const))(
  'canTake answers as snapshot.can: %s',
  (_name, scenario) => {
    const { trace } = runScenario(scenario);
    let asked = 0;
    let guarded = 0;
    for (const { state } of trace) {
      const { snapshot } = state;
      const sends = candidateEvents(state).filter((e): e is SendEvent => e.type !== 'ADVANCE');
      const events: TrajectEvent[] = [...state.timers.map((t) => t.event)];
      for (const send of sends) {
        for (const role of roles) {
          for (const at of [send.at, addDuration(send.at, 'P400D')]) {
            events.push({
              ...send,
              actor: actorFor(scenario.covenant, role),
              at,
              data: send.data ?? {},
            } as TrajectEvent);
          }
        }
      }
      for (const event of events) {
        expect([event.type, canTake(snapshot, event)]).toEqual([event.type, snapshot.can(event)]);
        asked += 1;
        // Most are answered by the guards themselves, not by snapshot.can.
        if (stateEvents(snapshot).guarded.has(event.type)) guarded += 1;
      }
    }
    expect(asked).toBeGreaterThan(0);
    expect(guarded).toBeGreaterThan(asked / 2);
  },
);
